package io.pathprobe.benchmarks;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.icmp.IcmpSocketMode;

import java.util.concurrent.CompletableFuture;

/**
 * One timed run of echo probes through the engine, for scripts that compare with fping and the C ceiling:
 * {@code java -cp benchmarks.jar io.pathprobe.benchmarks.IcmpRate TOTAL TARGETS [WINDOW [THREADS [RAW|DGRAM]]]}
 * prints {@code pathprobe sent=N replies=N lost=N in S s: R/s}. THREADS is the engine's event loops (default: one
 * per processor), the socket mode RAW by default. Five warm-up runs of 200,000 probes come first
 * ({@code -Dicmprate.warmups=N} to change): after one, C2 was still compiling through the measured run (a quarter of
 * its CPU time) and the collector still sizing the heap. Then it prints the CPU time per echo of the measured run,
 * user and kernel, in all and by kind of thread, to set beside the C ceiling's.
 *
 * <p>It joins each chunk's futures last first: joining them in order parked this thread on nearly every probe, and
 * every wake-up was a futex call on the event loop ending that probe, counted in the engine's kernel time.
 */
public final class IcmpRate {
    private IcmpRate() {
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int targets = args.length > 1 ? Integer.parseInt(args[1]) : 254;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        IcmpSocketMode mode = args.length > 4 ? IcmpSocketMode.valueOf(args[4]) : IcmpSocketMode.RAW;
        ProbeRequest[] requests = IcmpEchoBenchmark.requests(targets, mode);
        try (ProbeEngine engine = ProbeEngine.builder().maxInFlight(window).threads(threads).build()) {
            for (int w = Integer.getInteger("icmprate.warmups", 5); w > 0; w--) {
                run(engine, requests, Math.min(total, 200_000)); // warm-up: JIT
            }
            java.util.Map<String, long[]> threads0 = threadCpuTicks();
            long[] cpu0 = processCpuTicks();
            long t0 = System.nanoTime();
            long[] r = run(engine, requests, total);
            double s = (System.nanoTime() - t0) / 1e9;
            long[] cpu1 = processCpuTicks();
            System.out.printf("pathprobe %s threads=%d sent=%d replies=%d lost=%d in %.2fs: %.0f/s%n", mode, threads,
                    total, r[0], r[1], s, r[0] / s);
            if (cpu0 != null && cpu1 != null) {
                // Of the measured run only (the warm-up and the JVM's start left out), every thread of the process.
                double tick = 1e6 / 100; // USER_HZ: /proc counts in 1/100 s on Linux
                System.out.printf("pathprobe cpu per echo: user %.2f us, kernel %.2f us (wall %.2f us on %d threads)%n",
                        (cpu1[0] - cpu0[0]) * tick / total, (cpu1[1] - cpu0[1]) * tick / total, s * 1e6 * threads / total,
                        threads);
                // Where it went, by kind of thread: the event loops' own share is what the engine's code and the
                // kernel's echo path cost; the rest is this benchmark's thread, the JIT and the collector.
                java.util.Map<String, long[]> threads1 = threadCpuTicks();
                StringBuilder b = new StringBuilder("pathprobe cpu per echo by thread (user/kernel us):");
                for (var e : threads1.entrySet()) {
                    long[] before = threads0.getOrDefault(e.getKey(), new long[2]);
                    b.append(String.format(" %s %.2f/%.2f", e.getKey(), (e.getValue()[0] - before[0]) * tick / total,
                            (e.getValue()[1] - before[1]) * tick / total));
                }
                System.out.println(b);
                // Whether the loops' cores went unused: a voluntary switch is a loop that found nothing to do and
                // slept in epoll; an involuntary one a loop put off its core by another thread (a shared machine).
                long[] sw = threads1.getOrDefault("loops", new long[4]);
                long[] sw0 = threads0.getOrDefault("loops", new long[4]);
                System.out.printf("pathprobe loops' context switches: voluntary %d, involuntary %d%n", sw[2] - sw0[2],
                        sw[3] - sw0[3]);
            }
        }
    }

    /** This process's user and kernel CPU time so far, in clock ticks ({@code /proc/self/stat}), or null elsewhere. */
    private static long[] processCpuTicks() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // utime, stime: fields 14 and 15
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * User and kernel clock ticks of this process's threads so far, and their voluntary and involuntary context
     * switches, summed by kind (loops, main, jit, gc, other).
     */
    private static java.util.Map<String, long[]> threadCpuTicks() {
        java.util.Map<String, long[]> byKind = new java.util.TreeMap<>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String stat = java.nio.file.Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String kind = name.startsWith("pathprobe") ? "loops" : name.equals("java") ? "main"
                            : name.contains("Compiler") ? "jit" : name.startsWith("GC") || name.startsWith("G1") ? "gc"
                            : "other";
                    long[] sum = byKind.computeIfAbsent(kind, k -> new long[4]);
                    sum[0] += Long.parseLong(f[11]);
                    sum[1] += Long.parseLong(f[12]);
                    for (String line : java.nio.file.Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sum[2] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum[3] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // a thread that ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return byKind;
        }
        return byKind;
    }

    /**
     * Sends {@code total} probes in chunks (bounding the futures held), returns {replies, lost}. The next chunk is
     * submitted before this one is joined, so the engine's queues never run dry at a chunk's end: joined one after
     * the other, every chunk's tail left the loops with fewer and fewer probes, then none, until this thread woke
     * and submitted again.
     */
    @SuppressWarnings("unchecked")
    static long[] run(ProbeEngine engine, ProbeRequest[] requests, int total) {
        int chunk = 50_000;
        CompletableFuture<ProbeOutcome>[][] fs = new CompletableFuture[][] {new CompletableFuture[chunk],
                new CompletableFuture[chunk]};
        long replies = 0;
        long lost = 0;
        int submitted = submit(engine, requests, fs[0], 0, Math.min(chunk, total));
        for (int k = 0, done = 0; done < total; k ^= 1) {
            int n = submitted - done;
            int next = submit(engine, requests, fs[k ^ 1], submitted, Math.min(chunk, total - submitted));
            // Last first: each loop ends its probes about in the order it got them, so when a loop's last has ended
            // so have its others, and this thread sleeps and is woken about once a loop and chunk, not once a probe
            // (1.4 million futex calls for 2.2 million probes when joined in order).
            for (int i = n - 1; i >= 0; i--) {
                if (fs[k][i].join().isSuccess()) {
                    replies++;
                } else {
                    lost++;
                }
                fs[k][i] = null;
            }
            done = submitted;
            submitted += next;
        }
        return new long[] {replies, lost};
    }

    /** Submits {@code n} probes into {@code into}, the {@code from}th first; returns {@code n}. */
    private static int submit(ProbeEngine engine, ProbeRequest[] requests, CompletableFuture<ProbeOutcome>[] into,
                              int from, int n) {
        for (int i = 0; i < n; i++) {
            into[i] = engine.probe(requests[(from + i) % requests.length]);
        }
        return n;
    }
}
