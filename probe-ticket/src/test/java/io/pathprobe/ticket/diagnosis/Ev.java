package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.HopEvidence;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.Sample;
import io.pathprobe.ticket.evidence.SeriesStats;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.hostcheck.RpFilterSetting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Constructed evidence for rule tests: counts in, records out. No network. */
final class Ev {
    static final String VIP = "203.0.113.10";

    private Ev() {
    }

    /** A ping series: {@code sent} probes, {@code received} replies, the rest timed out, failures spread. */
    static ProbeSeries ping(long sent, long received) {
        return series("ping", 0, received, 0, sent - received, true, "reply");
    }

    /** A TCP series of {@code port}: connected / refused / timed out counts, failures spread through the run. */
    static ProbeSeries tcp(int port, long connected, long refused, long timedOut) {
        return series("tcp", port, connected, refused, timedOut, true, "connected");
    }

    /** Like {@link #tcp} but all failures in one block (an outage, not "1 in N"). */
    static ProbeSeries tcpBlock(int port, long connected, long refused, long timedOut) {
        return series("tcp", port, connected, refused, timedOut, false, "connected");
    }

    private static ProbeSeries series(String check, int port, long ok, long refused, long timedOut, boolean spread,
                                      String okLabel) {
        long n = ok + refused + timedOut;
        Map<String, Long> outcomes = new LinkedHashMap<>();
        if (ok > 0) {
            outcomes.put(okLabel, ok);
        }
        if (refused > 0) {
            outcomes.put("refused", refused);
        }
        if (timedOut > 0) {
            outcomes.put("timed-out", timedOut);
        }
        double loss = n == 0 ? 0 : 100.0 - 100.0 * ok / n;
        Double rtt = ok > 0 ? 1.5 : null;
        SeriesStats st = new SeriesStats(n, ok, 0, 0, 0, loss, outcomes, 0, 0, rtt, rtt, rtt, ok > 0 ? 0.0 : null,
                ok > 0 ? 0.0 : null, rtt, rtt, rtt, rtt, ok > 0 ? 0.0 : null, ok > 0 ? 0.0 : null, n * 1000);
        List<Sample> samples = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (long i = 0; i < refused; i++) {
            failures.add("refused");
        }
        for (long i = 0; i < timedOut; i++) {
            failures.add("timed-out");
        }
        long f = failures.size();
        int fi = 0;
        for (long i = 0; i < n; i++) {
            // spread: failure k at position ~ (k + 0.5) * n / f; block: the first f probes
            boolean fail = spread ? fi < f && i == (long) ((fi + 0.5) * n / f) : i < f;
            String o = fail ? failures.get(fi++) : okLabel;
            samples.add(new Sample(i * 1000, i + 1, o, fail ? null : 1.5));
        }
        return new ProbeSeries(check, VIP, port, st, samples, 0);
    }

    /** A clean ping whose RTTs average {@code avgMs}. */
    static ProbeSeries pingAvg(long sent, double avgMs) {
        ProbeSeries p = ping(sent, sent);
        SeriesStats s = p.stats();
        SeriesStats slow = new SeriesStats(s.sent(), s.received(), 0, 0, 0, 0, s.outcomes(), 0, 0, avgMs, avgMs, avgMs,
                0.0, 0.0, avgMs, avgMs, avgMs, avgMs, 0.0, 0.0, s.elapsedMs());
        return new ProbeSeries(p.check(), p.target(), p.port(), slow, p.samples(), 0);
    }

    /** A hop without loss whose RTTs average {@code avgMs}. */
    static HopEvidence hopAvg(int ttl, String addr, double avgMs, boolean destination) {
        return new HopEvidence(ttl, List.of(addr), 50, 50, 0, avgMs, avgMs, avgMs, avgMs, 0.1, false, destination);
    }

    static VantageEvidence vantage(String id, String src, ProbeSeries ping, List<ProbeSeries> tcp,
                                   TraceEvidence... traces) {
        return new VantageEvidence(id, id.startsWith("netns:") ? "netns" : "local", Map.of(), src, null, ping,
                Arrays.asList(traces), tcp, List.of());
    }

    /** A hop: {@code sent} probes, {@code lossPct} percent lost, answering from {@code addr}. */
    static HopEvidence hop(int ttl, String addr, long sent, double lossPct, boolean destination) {
        long rcv = Math.round(sent * (100 - lossPct) / 100);
        Double rtt = rcv > 0 ? 1.0 * ttl : null;
        return new HopEvidence(ttl, rcv > 0 ? List.of(addr) : List.of(), sent, rcv, lossPct, rtt, rtt, rtt, rtt,
                rcv > 0 ? 0.1 : null, false, destination && rcv > 0);
    }

    static TraceEvidence trace(String mode, int port, Integer persistentFrom, HopEvidence... hops) {
        boolean reached = Arrays.stream(hops).anyMatch(HopEvidence::destination);
        return new TraceEvidence(mode, port, hops.length == 0 ? 0 : hops[0].sent(), List.of(hops), persistentFrom,
                reached, reached ? "destination reached" : "max TTL reached", null, null);
    }

    /** A clean 3-hop ICMP trace to the VIP. */
    static TraceEvidence cleanTrace() {
        return trace("icmp", 0, null, hop(1, "192.168.1.1", 20, 0, false), hop(2, "198.51.100.1", 20, 0, false),
                hop(3, VIP, 20, 0, true));
    }

    static TicketFacts facts(List<Integer> ports, List<String> backends, String health) {
        return new TicketFacts("lb-123", VIP, VIP, ports, backends, health, "2024-01-01T00:00:00Z",
                "2024-01-01T00:10:00Z", 600_000, false);
    }

    static TicketEvidence ticket(List<Integer> ports, VantageEvidence... v) {
        return new TicketEvidence(facts(ports, List.of(), TicketFacts.HEALTH_UNKNOWN), List.of(v), List.of());
    }

    static TicketEvidence ticket(TicketFacts facts, List<HostCheckReport> hc, VantageEvidence... v) {
        return new TicketEvidence(facts, List.of(v), hc);
    }

    static HostCheckReport hostcheck(String host, int all, int eth0, List<String> addresses, List<String> backends) {
        List<RpFilterSetting> s = List.of(new RpFilterSetting("all", all, all), new RpFilterSetting("default", 0, 0),
                new RpFilterSetting("eth0", eth0, Math.max(all, eth0)), new RpFilterSetting("lo", 0, all));
        List<RpFilterSetting> problems = new ArrayList<>();
        if (all != 0) {
            problems.add(s.get(0));
        }
        if (Math.max(all, eth0) != 0) {
            problems.add(s.get(2));
        }
        List<String> lines = new ArrayList<>();
        if (all != 0) {
            lines.add("net.ipv4.conf.all.rp_filter = 0");
        }
        if (eth0 != 0) {
            lines.add("net.ipv4.conf.eth0.rp_filter = 0");
        }
        List<String> mine = backends.stream().filter(addresses::contains).toList();
        return new HostCheckReport(host, null, "2024-01-01T00:00:00Z", s, problems, lines, List.of(), List.of(),
                addresses, backends, mine);
    }
}
