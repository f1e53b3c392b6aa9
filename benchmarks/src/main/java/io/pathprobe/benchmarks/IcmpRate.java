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
 * per processor), the socket mode RAW by default. A short warm-up run comes first.
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
            run(engine, requests, Math.min(total, 200_000)); // warm-up: JIT
            long t0 = System.nanoTime();
            long[] r = run(engine, requests, total);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("pathprobe %s threads=%d sent=%d replies=%d lost=%d in %.2fs: %.0f/s%n", mode, threads,
                    total, r[0], r[1], s, r[0] / s);
        }
    }

    /** Sends {@code total} probes in chunks (bounding the futures held), returns {replies, lost}. */
    @SuppressWarnings("unchecked")
    static long[] run(ProbeEngine engine, ProbeRequest[] requests, int total) {
        int chunk = 50_000;
        CompletableFuture<ProbeOutcome>[] fs = new CompletableFuture[chunk];
        long replies = 0;
        long lost = 0;
        for (int done = 0; done < total; done += chunk) {
            int n = Math.min(chunk, total - done);
            for (int i = 0; i < n; i++) {
                fs[i] = engine.probe(requests[(done + i) % requests.length]);
            }
            // The last first: by the time it ends nearly all before it have, so this thread sleeps and is woken about
            // once a chunk. Joining each in order parked it on nearly every probe, and each wake-up was a futex call
            // on the event loop ending that probe (1.4 million for 2.2 million probes: more kernel time than the
            // echo's own path).
            fs[n - 1].join();
            for (int i = 0; i < n; i++) {
                if (fs[i].join().isSuccess()) {
                    replies++;
                } else {
                    lost++;
                }
            }
        }
        return new long[] {replies, lost};
    }
}
