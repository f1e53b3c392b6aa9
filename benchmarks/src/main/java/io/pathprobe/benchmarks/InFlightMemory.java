package io.pathprobe.benchmarks;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.icmp.IcmpOptions;
import io.pathprobe.icmp.IcmpSocketMode;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.Nft;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap per in-flight echo probe, through the whole engine (pacer, engine call, future, prober table, timeouts):
 * {@code java -cp benchmarks.jar io.pathprobe.benchmarks.InFlightMemory [PROBES] [RAW|DGRAM]} (root; default
 * 1,000,000 probes, raw sockets). The engine probes from a lab's client namespace towards a server that drops
 * every echo request (nft, prerouting), so all probes stay in flight (10-minute timeout). One shared request, as
 * a session sends. Prints the heap used after a full GC before and after, the difference per probe, and the
 * largest classes of the heap histogram.
 */
public final class InFlightMemory {
    private InFlightMemory() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        IcmpSocketMode mode = args.length > 1 ? IcmpSocketMode.valueOf(args[1]) : IcmpSocketMode.RAW;
        if (NetLab.unavailableReason().isPresent()) {
            System.err.println("cannot make a lab: " + NetLab.unavailableReason().get());
            System.exit(2);
        }
        try (NetLab lab = NetLab.create()) {
            LinearPath path = lab.linearPath(0);
            path.server().nft().rule(Nft.Chain.PREROUTING, "icmp type echo-request counter drop");
            path.client().sysctl("net.ipv4.ping_group_range", "0 2147483647");
            InetAddress target = path.server().address(StandardProtocolFamily.INET);
            ProbeRequest.Builder b = ProbeRequest.builder("icmp").target(target).option(IcmpOptions.SOCKET_MODE, mode);
            try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(path.client().namespace())
                    .maxInFlight(n + 100_000).build()) {
                warmUp(engine, b.timeout(Duration.ofMillis(200)).build());
                long sentBefore = dropped(path);
                ProbeRequest silent = b.timeout(Duration.ofMinutes(10)).build();
                long before = usedAfterGc();
                for (int i = 0; i < n; i++) {
                    engine.probe(silent); // the engine holds the future; the caller keeps nothing per probe
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (dropped(path) - sentBefore < n && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                long sent = dropped(path) - sentBefore;
                long after = usedAfterGc();
                System.out.printf("mode %s: %d probes submitted, %d in flight, %d sent and dropped by the target%n",
                        mode, n, engine.inFlight(), sent);
                System.out.printf("heap used after full GC: %,d -> %,d bytes: %.1f bytes per in-flight probe%n",
                        before, after, (after - before) / (double) n);
                histogram(15);
            }
        }
    }

    private static void warmUp(ProbeEngine engine, ProbeRequest r) {
        List<CompletableFuture<ProbeOutcome>> fs = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            fs.add(engine.probe(r));
        }
        fs.forEach(CompletableFuture::join);
    }

    /** Echo requests the server's nft rule has counted and dropped. */
    private static long dropped(LinearPath path) {
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(path.server().nft().ruleset());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static long usedAfterGc() throws InterruptedException {
        var mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The largest classes on the heap (jcmd GC.class_histogram of this process). */
    private static void histogram(int lines) throws Exception {
        String jcmd = System.getProperty("java.home") + "/bin/jcmd";
        Process p = new ProcessBuilder(jcmd, Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        p.waitFor();
        for (int i = 0; i < Math.min(out.length, lines + 3); i++) {
            System.out.println(out[i]);
        }
    }
}
