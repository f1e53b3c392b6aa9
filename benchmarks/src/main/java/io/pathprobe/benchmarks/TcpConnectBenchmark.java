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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TCP connect probes per second on loopback, against a listener that accepts and closes in threads of its own:
 * as the C ceiling (connceil) does, at most {@link #WINDOW} connects are in flight and each that ends makes room for
 * the next, so one connect waiting out a retransmitted SYN (1 s) holds one slot rather than a whole batch. Every
 * probe must end {@code connected}: the count that did not is printed after each iteration (once every connect it
 * started has ended), and an iteration with any fails the run (a fast failure rate is no rate). The rate counts
 * connects started; each iteration starts with none in flight and ends with up to a window of them (about 50 ms
 * of connects at 40,000/s: under 2% of a 3 s iteration) still to end.
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
    /** Connects started per invocation. */
    static final int BATCH = 2000;
    /** Most connects in flight. */
    static final int WINDOW = 2000;

    private LoopbackAcceptor acceptor;
    private ProbeEngine engine;
    private ProbeRequest request;
    private final Semaphore window = new Semaphore(WINDOW);
    private final AtomicLong probes = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile ProbeOutcome lastFailure;

    /** Probes that did not end connected (JMH prints it next to the rate). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Failures {
        public long notConnected;
        long seen;
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
    public void checkIteration() throws InterruptedException {
        // Every connect started ends within its 2 s timeout: wait for them, so that each is counted.
        if (!window.tryAcquire(WINDOW, 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("connects still in flight 10 s after the iteration");
        }
        window.release(WINDOW);
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
            window.acquireUninterruptibly();
            engine.probe(request).whenComplete((o, e) -> {
                probes.incrementAndGet();
                if (o == null || !o.isSuccess()) {
                    failed.incrementAndGet();
                    lastFailure = o;
                }
                window.release();
            });
        }
        long f = failed.get(); // reset per iteration by checkIteration, on this thread
        failures.notConnected += Math.max(0, f - failures.seen);
        failures.seen = f;
    }
}
