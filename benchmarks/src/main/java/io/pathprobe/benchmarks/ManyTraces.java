package io.pathprobe.benchmarks;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeEventListener;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.mtr.HopSnapshot;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.StopReason;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.NetLab;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many concurrent traces, each to its own address, each keeping its own account (CI runs 1,000 in
 * {@code TraceLabTest}; this is the 10,000 of issue 12):
 * {@code java -cp benchmarks.jar io.pathprobe.benchmarks.ManyTraces [TRACES] [MODES] [ROUNDS]} (root; default
 * 10,000 traces, {@code icmp,udp}, 5 rounds 1 s apart). As the CI test: a lab host whose loopback answers for
 * 127.1.0.0/16, one engine probing from inside it, every trace to its own 127.1.x.y with TTLs up to 3. While all
 * run (half-way through the rounds) it takes the heap used after a full GC and the JVM's thread count; at the end
 * it checks every trace (destination reached at hop 1, every probe sent and answered, by its own address only) and
 * prints the time from the first start to the last completion, and how many answers came late (the kernel received
 * them after the probe's 2 s deadline: on a starved machine even loopback can take that long; they count as timed
 * out, and as late, never as received). Exits 1 if any trace's account is wrong.
 */
public final class ManyTraces {
    private ManyTraces() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        List<ProbeMode> modes = new ArrayList<>();
        for (String m : (args.length > 1 ? args[1] : "icmp,udp").split(",")) {
            modes.add(ProbeMode.parse(m));
        }
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        if (n < 1 || n > 250 * 250 || rounds < 2) {
            System.err.println("TRACES must be 1..62500 (127.1.0.0/16 minus .0 and .251-.255 of each /24) and"
                    + " ROUNDS at least 2");
            System.exit(2);
        }
        if (NetLab.unavailableReason().isPresent()) {
            System.err.println("cannot make a lab: " + NetLab.unavailableReason().get());
            System.exit(2);
        }
        Duration interval = Duration.ofSeconds(1);
        int wrong = 0;
        AtomicLong late = new AtomicLong();
        ProbeEventListener lateAnswers = new ProbeEventListener() {
            @Override
            public void probeLate(ProbeRequest request, long rttNanos) {
                late.incrementAndGet();
            }
        };
        try (NetLab lab = NetLab.create()) {
            Host h = lab.host("h");
            try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(h.namespace())
                    .maxInFlight(4 * n + 1000).eventListener(lateAnswers).build()) {
                for (ProbeMode mode : modes) {
                    long idleHeap = usedAfterGc();
                    late.set(0);
                    List<InetAddress> targets = new ArrayList<>(n);
                    List<Tracer> running = new ArrayList<>(n);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        InetAddress t = InetAddress.getByAddress(
                                new byte[] {127, 1, (byte) (i / 250), (byte) (1 + i % 250)});
                        targets.add(t);
                        running.add(Tracer.start(engine, TraceConfig.builder(t).mode(mode).count(rounds)
                                .interval(interval).timeout(Duration.ofSeconds(2)).maxTtl(3).sourceLabel("h")
                                .build(), null));
                    }
                    long started = System.nanoTime();
                    // Half-way: every trace is between rounds, its figures held.
                    Thread.sleep(Math.max(0, interval.toMillis() * (rounds - 1) / 2
                            - (started - t0) / 1_000_000));
                    boolean allRunning = running.stream().noneMatch(Tracer::isFinished);
                    long busyHeap = usedAfterGc();
                    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
                    int peakThreads = ManagementFactory.getThreadMXBean().getPeakThreadCount();
                    for (int i = 0; i < n; i++) {
                        TraceSnapshot s = running.get(i).completion().join();
                        String problem = check(s, targets.get(i), rounds);
                        if (problem != null) {
                            if (wrong++ < 10) {
                                System.err.println(mode + " trace " + i + " to " + targets.get(i).getHostAddress()
                                        + ": " + problem);
                            }
                        }
                    }
                    long t1 = System.nanoTime();
                    System.out.printf("%s: %d traces x %d rounds %d ms apart: started in %.0f ms, all complete in"
                                    + " %.0f ms (%d probes); all running half-way: %s; heap after GC %.1f MB idle,"
                                    + " %.1f MB with all running (%.0f B a trace); threads %d (peak %d); late"
                                    + " answers %d; wrong accounts so far: %d%n",
                            mode, n, rounds, interval.toMillis(), (started - t0) / 1e6, (t1 - t0) / 1e6,
                            (long) n * rounds, allRunning, idleHeap / 1e6, busyHeap / 1e6,
                            (double) (busyHeap - idleHeap) / n, threads, peakThreads, late.get(), wrong);
                }
            }
        }
        System.exit(wrong == 0 ? 0 : 1);
    }

    /** What is wrong with a trace's account, or null. */
    private static String check(TraceSnapshot s, InetAddress target, int rounds) {
        if (s.stop().kind() != StopReason.Kind.DESTINATION_REACHED || s.hops().size() != 1) {
            return s.stop().describe() + ", " + s.hops().size() + " hops";
        }
        HopSnapshot hop = s.hops().get(0);
        if (hop.stats().sent() != rounds || hop.stats().received() != rounds) {
            return hop.stats().sent() + " sent, " + hop.stats().received() + " received: "
                    + Arrays.toString(hop.stats().outcomeCounts());
        }
        if (!hop.addresses().stream().map(a -> a.address()).toList().equals(List.of(target))) {
            return "answered by " + hop.addresses();
        }
        return null;
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
