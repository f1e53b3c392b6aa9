package io.pathprobe.benchmarks;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One timed run of TCP connect probes through the engine against a loopback accept-and-close listener, for
 * scripts and profiling: {@code java -cp benchmarks.jar io.pathprobe.benchmarks.TcpRate TOTAL [WINDOW [THREADS]]} prints
 * {@code pathprobe connects ok=N failed=N in S s: R/s}. A warm-up run comes first.
 */
public final class TcpRate {
    private TcpRate() {
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : TcpConnectBenchmark.BATCH;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        try (LoopbackAcceptor acceptor = new LoopbackAcceptor(LoopbackAcceptor.THREADS);
             ProbeEngine engine = ProbeEngine.builder().threads(threads).build()) {
            ProbeRequest r = ProbeRequest.builder("tcp").target(InetAddress.getLoopbackAddress())
                    .port(acceptor.port()).build();
            run(engine, r, Math.min(total, 100_000), window); // warm-up: JIT
            long t0 = System.nanoTime();
            long[] res = run(engine, r, total, window);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("pathprobe connects ok=%d failed=%d in %.2fs: %.0f/s%n", res[0], res[1], s, res[0] / s);
        }
    }

    /** Runs {@code total} probes in batches of {@code window} started at once; returns {connected, other}. */
    @SuppressWarnings("unchecked")
    static long[] run(ProbeEngine engine, ProbeRequest r, int total, int window) {
        CompletableFuture<ProbeOutcome>[] fs = new CompletableFuture[window];
        long ok = 0;
        long bad = 0;
        for (int done = 0; done < total; done += window) {
            int n = Math.min(window, total - done);
            for (int i = 0; i < n; i++) {
                fs[i] = engine.probe(r);
            }
            for (int i = 0; i < n; i++) {
                if (fs[i].join().isSuccess()) {
                    ok++;
                } else {
                    bad++;
                }
            }
        }
        return new long[] {ok, bad};
    }
}
