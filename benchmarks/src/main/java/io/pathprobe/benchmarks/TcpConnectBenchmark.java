package io.pathprobe.benchmarks;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Completed TCP connect probes per second on loopback: each invocation starts {@link #BATCH} probes at once
 * through the engine against a listener that accepts and closes in its own thread, and waits for all of them.
 * Every probe must end {@code connected}: the share that did not is printed after each iteration, and an iteration
 * with any fails the run (a fast failure rate is no rate).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TcpConnectBenchmark -f 1 -wi 2 -w 3s -i 3 -r 3s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class TcpConnectBenchmark {
    static final int BATCH = 2000;

    private LoopbackAcceptor acceptor;
    private ProbeEngine engine;
    private ProbeRequest request;
    @SuppressWarnings("unchecked")
    private final CompletableFuture<ProbeOutcome>[] futures = new CompletableFuture[BATCH];
    private final AtomicLong probes = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile ProbeOutcome lastFailure;

    /** Probes that did not end connected (JMH prints it next to the rate). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Failures {
        public long notConnected;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        acceptor = new LoopbackAcceptor(LoopbackAcceptor.THREADS);
        engine = ProbeEngine.builder().build();
        request = ProbeRequest.builder("tcp").target(InetAddress.getLoopbackAddress()).port(acceptor.port()).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        acceptor.close();
    }

    @TearDown(Level.Iteration)
    public void checkIteration() {
        long n = probes.getAndSet(0);
        long f = failed.getAndSet(0);
        System.out.printf("%n  probes=%d not-connected=%d (%.4f%%)%n", n, f, n == 0 ? 0.0 : 100.0 * f / n);
        if (f > 0) {
            throw new IllegalStateException(f + " of " + n + " probes did not connect, e.g. " + lastFailure);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void connect(Failures failures) {
        for (int i = 0; i < BATCH; i++) {
            futures[i] = engine.probe(request);
        }
        int bad = 0;
        for (int i = 0; i < BATCH; i++) {
            ProbeOutcome o = futures[i].join();
            if (!(o instanceof ProbeOutcome.Connected)) {
                bad++;
                lastFailure = o;
            }
        }
        failures.notConnected += bad;
        failed.addAndGet(bad);
        probes.addAndGet(BATCH);
    }
}
