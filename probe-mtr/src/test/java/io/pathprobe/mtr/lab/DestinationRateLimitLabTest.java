package io.pathprobe.mtr.lab;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.icmp.EchoReply;
import io.pathprobe.mtr.FormatOptions;
import io.pathprobe.mtr.HopSnapshot;
import io.pathprobe.mtr.LossVerdict;
import io.pathprobe.mtr.MtrCsv;
import io.pathprobe.mtr.MtrJson;
import io.pathprobe.mtr.MtrReport;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.ProbeRecord;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceListener;
import io.pathprobe.mtr.TraceSeriesWriter;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;
import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.TcpListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringWriter;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: traces to a destination that keeps Linux's default ICMP rate limits ({@code icmp_ratemask} restored on
 * the server; the lab's routers answer every probe), compared with mtr on the same path. In UDP mode over IPv4 the
 * server answers a peer's port-unreachables in a burst of 6 and then one a second; back-to-back traces keep its
 * budget empty, which made pathprobe list a phantom {@code ???} hop (and made mtr list up to seven of them).
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DestinationRateLimitLabTest {
    private static final int RUNS = 20;
    private static final int PORT = 8080;
    private static final Pattern MTR_HOP = Pattern.compile("^\\s*(\\d+)\\.\\|--\\s+(\\S+)");
    /** mtr keeps no state between runs: a second apart, its own budget at the server has an answer again. */
    private static final Duration MTR_PAUSE = Duration.ofMillis(1100);

    /** Restores the kernel's default ICMP rate limiting at the server (the lab turns it off everywhere). */
    private static void defaultIcmpRateLimits(LinearPath path) {
        path.server().sysctl("net.ipv4.icmp_ratemask", "6168");
        path.server().sysctl("net.ipv6.icmp.ratemask", "0-1,3-127");
    }

    /**
     * A second client address on the client's link, for mtr: the server's limiter counts per peer address, so mtr
     * and pathprobe each see their own budget, as two users on two hosts would.
     */
    private static InetAddress secondClientAddress(LinearPath path, StandardProtocolFamily f) throws Exception {
        byte[] b = path.client().address(f).getAddress();
        b[b.length - 1] = 3;
        InetAddress a = InetAddress.getByAddress(b);
        path.client().exec("ip", "addr", "add", AddressText.of(a) + (f == INET ? "/24" : "/64"), "dev", "eth0");
        return a;
    }

    private static TraceConfig config(InetAddress target, ProbeMode mode) {
        // mtr -c 3 -i 0.1 and 30 TTLs; a lab RTT is well under a millisecond, so 500 ms is a generous timeout.
        TraceConfig.Builder b = TraceConfig.builder(target).mode(mode).count(3).interval(Duration.ofMillis(100))
                .timeout(Duration.ofMillis(500)).maxTtl(30).sourceLabel("client");
        return mode == ProbeMode.TCP ? b.port(PORT).build() : b.build();
    }

    private static List<String> mtrHops(LinearPath path, ProbeMode mode, InetAddress source, InetAddress target) {
        List<String> cmd = new ArrayList<>(List.of("mtr", "-n", "-r", "-c", "3", "-i", "0.1", "-G", "0.3",
                "-a", AddressText.of(source)));
        if (mode == ProbeMode.UDP) {
            cmd.add("-u");
        } else if (mode == ProbeMode.TCP) {
            cmd.addAll(List.of("-T", "-P", String.valueOf(PORT)));
        }
        cmd.add(AddressText.of(target));
        CommandResult r = path.client().run(Duration.ofSeconds(30), cmd.toArray(new String[0]));
        assertTrue(r.ok(), r.commandLine() + ": " + r.stderr());
        List<String> hops = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            Matcher m = MTR_HOP.matcher(line);
            if (m.find()) {
                assertEquals(hops.size() + 1, Integer.parseInt(m.group(1)), line);
                hops.add(m.group(2));
            }
        }
        return hops;
    }

    /** mtr's hops, and whether it was run again. */
    private record MtrRun(List<String> hops, boolean again) {
    }

    /**
     * mtr's hops, with one more run a pause later when they are not {@code want}: mtr itself off the real path, seen
     * twice in many runs under load (r3 listed at hops 3 and 4; in one CI run its ICMP INET6 trace listed ??? for
     * routers 1 and 2 while pathprobe's trace of the same path, in the same seconds, listed them). pathprobe gets
     * no second run.
     */
    private static MtrRun mtrRun(LinearPath path, ProbeMode mode, InetAddress source, InetAddress target,
                                 List<String> want) throws InterruptedException {
        List<String> hops = mtrHops(path, mode, source, target);
        if (hops.equals(want)) {
            return new MtrRun(hops, false);
        }
        Thread.sleep(MTR_PAUSE.toMillis());
        return new MtrRun(mtrHops(path, mode, source, target), true);
    }

    static List<String> hops(TraceSnapshot s) {
        List<String> out = new ArrayList<>();
        for (HopSnapshot h : s.hops()) {
            out.add(h.host() == null ? "???" : AddressText.of(h.host()));
        }
        return out;
    }

    private static List<String> expected(LinearPath path, StandardProtocolFamily f) {
        List<String> out = new ArrayList<>();
        path.routerAddresses(f).forEach(a -> out.add(AddressText.of(a)));
        out.add(AddressText.of(path.server().address(f)));
        return out;
    }

    /** One trace with a series writer beside it; checks that report, JSON, CSV and series all end at hop 4. */
    private static TraceSnapshot traceAndCheckOutputs(ProbeEngine engine, TraceConfig c, String what)
            throws Exception {
        return traceAndCheckOutputs(engine, c, what, TraceListener.NONE);
    }

    private static TraceSnapshot traceAndCheckOutputs(ProbeEngine engine, TraceConfig c, String what,
                                                      TraceListener also) throws Exception {
        StringWriter series = new StringWriter();
        TraceSeriesWriter w = new TraceSeriesWriter(c, series, System::currentTimeMillis);
        TraceSnapshot s;
        try {
            s = Tracer.start(engine, c, TraceListener.all(w, also)).completion().get(60, TimeUnit.SECONDS);
        } finally {
            w.close();
        }
        int hops = s.hops().size();
        String report = MtrReport.format(s, FormatOptions.defaults());
        assertEquals(hops, report.lines().filter(l -> MTR_HOP.matcher(l).find()).count(), what + ":\n" + report);
        assertEquals(hops, MtrJson.tree(s, FormatOptions.defaults()).path("report").path("hubs").size(), what);
        assertEquals(hops, MtrCsv.format(s, FormatOptions.defaults()).lines().count() - 1, what);
        Set<Integer> seriesTtls = new TreeSet<>();
        series.toString().lines().skip(1).forEach(l -> seriesTtls.add(Integer.parseInt(l.split(",")[2])));
        assertTrue(seriesTtls.stream().allMatch(t -> t <= hops), what + ": series rows beyond hop " + hops + ":\n"
                + series);
        return s;
    }

    /** Figures of one mode and family over its runs, for the report in the test output. */
    private record Tally(String what, int rateLimitedRuns, int reprobedRuns, long maxMillis, int mtrMisses) {
    }

    private static Tally runs(ProbeEngine engine, LinearPath path, ProbeMode mode, StandardProtocolFamily f,
                              InetAddress mtrSource) throws Exception {
        String what = mode + " " + f;
        InetAddress server = path.server().address(f);
        List<String> want = expected(path, f);
        int rateLimited = 0;
        int reprobed = 0;
        long maxMillis = 0;
        long mtrEnded = 0;
        int mtrMisses = 0;
        for (int run = 1; run <= RUNS; run++) {
            String label = what + " run " + run;
            long t0 = System.nanoTime();
            TraceSnapshot s = traceAndCheckOutputs(engine, config(server, mode), label);
            maxMillis = Math.max(maxMillis, (System.nanoTime() - t0) / 1_000_000);
            String report = MtrReport.format(s, FormatOptions.defaults());
            assertEquals(want, hops(s), label + ":\n" + report);
            HopSnapshot dest = s.hops().get(s.hops().size() - 1);
            assertTrue(dest.lost() == 0 || dest.verdict() == LossVerdict.RATE_LIMITED,
                    label + ": destination loss is neither 0% nor read as rate limiting:\n" + report);
            assertEquals(0, s.table().persistentLossFrom(), label + ":\n" + report);
            if (dest.verdict() == LossVerdict.RATE_LIMITED) {
                rateLimited++;
            }
            if (s.hops().stream().anyMatch(h -> h.stats().sent() > 3)) {
                reprobed++;
            }
            long sinceMtr = (System.nanoTime() - mtrEnded) / 1_000_000;
            if (mtrEnded != 0 && sinceMtr < MTR_PAUSE.toMillis()) {
                Thread.sleep(MTR_PAUSE.toMillis() - sinceMtr);
            }
            MtrRun mtr = mtrRun(path, mode, mtrSource, server, want);
            mtrEnded = System.nanoTime();
            mtrMisses += mtr.again() ? 1 : 0;
            assertEquals(mtr.hops(), hops(s), label + ": mtr listed " + mtr.hops() + "; pathprobe:\n" + report);
        }
        return new Tally(what, rateLimited, reprobed, maxMillis, mtrMisses);
    }

    @Test
    void everyRunListsTheHopsMtrListsAndReadsTheDestinationsRateLimitAsSuch(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(3);
        defaultIcmpRateLimits(path);
        List<Future<Tally>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(path.client().namespace()).build();
             TcpListener l4 = path.server().listenTcp(path.server().address(INET), PORT);
             TcpListener l6 = path.server().listenTcp(path.server().address(INET6), PORT)) {
            // The six series run side by side: each family has its own limiter at the server, and only UDP mode's
            // answers (port unreachable) are ICMP errors; echo replies, RSTs and SYN-ACKs are not limited.
            for (StandardProtocolFamily f : List.of(INET, INET6)) {
                InetAddress mtrSource = secondClientAddress(path, f);
                for (ProbeMode mode : ProbeMode.values()) {
                    results.add(pool.submit(() -> runs(engine, path, mode, f, mtrSource)));
                }
            }
            for (Future<Tally> r : results) {
                Tally t = r.get(200, TimeUnit.SECONDS);
                System.out.println("destination rate limit lab: " + t.what() + ": " + RUNS + " runs, destination "
                        + "read as rate-limiting in " + t.rateLimitedRuns() + ", re-probed in " + t.reprobedRuns()
                        + ", longest " + t.maxMillis() + " ms; mtr off the path and run again " + t.mtrMisses()
                        + " times");
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLastRouterThatDropsItsTimeExceededStillShowsAsSilent(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(3);
        defaultIcmpRateLimits(path);
        path.router(3).nft().rule(Nft.Chain.OUTPUT, "icmp type time-exceeded drop")
                .rule(Nft.Chain.OUTPUT, "icmpv6 type time-exceeded drop");
        List<Future<?>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(path.client().namespace()).build();
             TcpListener l4 = path.server().listenTcp(path.server().address(INET), PORT);
             TcpListener l6 = path.server().listenTcp(path.server().address(INET6), PORT)) {
            for (StandardProtocolFamily f : List.of(INET, INET6)) {
                InetAddress mtrSource = secondClientAddress(path, f);
                for (ProbeMode mode : ProbeMode.values()) {
                    results.add(pool.submit(() -> {
                        String what = mode + " " + f;
                        List<String> want = expected(path, f);
                        want.set(2, "???");
                        List<ProbeRecord> records = new CopyOnWriteArrayList<>();
                        TraceSnapshot s = traceAndCheckOutputs(engine, config(path.server().address(f), mode), what,
                                new TraceListener() {
                                    @Override
                                    public void onProbe(ProbeRecord r) {
                                        records.add(r);
                                    }
                                });
                        String report = MtrReport.format(s, FormatOptions.defaults());
                        assertEquals(want, hops(s), what + ": hop 3 never answers, so no re-probe may invent it:\n"
                                + report);
                        assertEquals(0, s.hops().get(2).stats().received(), what);
                        // The server's answers arrive with TTL 64 - 3 routers = 61, so it is 4 hops away: hop 3 is
                        // a router, not the destination, and is not probed again (ICMP and UDP modes read that TTL;
                        // TCP mode's destination answers every probe, which says the same).
                        assertEquals(3, s.hops().get(2).stats().sent(), what + ": hop 3 re-probed:\n" + report);
                        if (mode != ProbeMode.TCP) {
                            for (ProbeRecord r : records) {
                                if (r.ttl() >= 4 && r.outcome().rttNanos() >= 0) {
                                    int ttl = r.outcome() instanceof EchoReply rep ? rep.ttl()
                                            : ((ProbeOutcome.Unreachable) r.outcome()).ttl();
                                    assertEquals(61, ttl, what + ": " + r);
                                }
                            }
                        }
                        MtrRun mtr = mtrRun(path, mode, mtrSource, path.server().address(f), want);
                        if (mtr.again()) {
                            System.out.println("destination rate limit lab, silent last router: " + what
                                    + ": mtr off the path and run again");
                        }
                        assertEquals(want, mtr.hops(), what);
                        return null;
                    }));
                }
            }
            for (Future<?> r : results) {
                r.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
