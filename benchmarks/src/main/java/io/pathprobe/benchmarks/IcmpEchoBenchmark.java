package io.pathprobe.benchmarks;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.icmp.IcmpOptions;
import io.pathprobe.icmp.IcmpSocketMode;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Completed ICMP echo probes per second on loopback (raw socket; run as root), to one target (127.0.0.1) and
 * round-robin to 254 (127.0.1.1–127.0.1.254; all of 127/8 answers on lo). Each invocation sends {@link #BATCH}
 * probes through the engine (at most {@code window} in flight) and waits for all; the {@code lost} counter is every
 * outcome that was not a reply: a valid run shows 0.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar IcmpEchoBenchmark -f 1 -wi 2 -w 2s -i 3 -r 3s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class IcmpEchoBenchmark {
    static final int BATCH = 50_000;

    @Param({"1", "254"})
    public int targets;

    @Param({"4096"})
    public int window;

    private ProbeEngine engine;
    private ProbeRequest[] requests;
    @SuppressWarnings("unchecked")
    private final CompletableFuture<ProbeOutcome>[] futures = new CompletableFuture[BATCH];

    /** Probes that ended without a reply (JMH prints it next to the rate). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Loss {
        public long lost;
    }

    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        engine = ProbeEngine.builder().maxInFlight(window).build();
        requests = requests(targets);
    }

    static ProbeRequest[] requests(int targets) throws UnknownHostException {
        return requests(targets, IcmpSocketMode.RAW);
    }

    static ProbeRequest[] requests(int targets, IcmpSocketMode mode) throws UnknownHostException {
        ProbeRequest[] r = new ProbeRequest[targets];
        for (int i = 0; i < targets; i++) {
            String a = targets == 1 ? "127.0.0.1" : "127.0.1." + (1 + i);
            r[i] = ProbeRequest.builder("icmp").target(InetAddress.getByName(a))
                    .option(IcmpOptions.SOCKET_MODE, mode).build();
        }
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void echo(Loss loss) {
        for (int i = 0; i < BATCH; i++) {
            futures[i] = engine.probe(requests[i % requests.length]);
        }
        for (int i = 0; i < BATCH; i++) {
            if (!futures[i].join().isSuccess()) {
                loss.lost++;
            }
        }
    }
}
