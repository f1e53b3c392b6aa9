package io.pathprobe.benchmarks;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.StopReason;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Whole traces against a namespace lab path ({@code client - r1 - r2 - r3 - server}, built in setup, deleted in
 * teardown; needs root): {@link #fullTrace} is one round of every TTL 1..30 at once, waited for to the last probe
 * (traces per second in {@code thrpt} mode, or the time to a complete first round in {@code avgt} mode);
 * {@link #firstRoundNewEngine} adds a fresh engine per trace (socket opening included). {@code unreached} counts
 * traces that did not end at the destination: a valid run has none.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class TraceBenchmark {
    @Param({"ICMP", "UDP"})
    public String mode;

    private NetLab lab;
    private LinearPath path;
    private ProbeEngine engine;
    private TraceConfig config;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Unreached {
        public long unreached;
    }

    @Setup(Level.Trial)
    public void setUp() {
        lab = NetLab.create();
        path = lab.linearPath(3);
        engine = ProbeEngine.builder().networkNamespace(path.client().namespace()).build();
        config = TraceConfig.builder(path.server().address(StandardProtocolFamily.INET)).mode(ProbeMode.valueOf(mode))
                .count(1).timeout(Duration.ofSeconds(1)).sourceLabel("client").build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        lab.close();
    }

    @Benchmark
    public TraceSnapshot fullTrace(Unreached u) {
        return check(Tracer.start(engine, config, null).completion().join(), u);
    }

    @Benchmark
    public TraceSnapshot firstRoundNewEngine(Unreached u) {
        try (ProbeEngine fresh = ProbeEngine.builder().networkNamespace(path.client().namespace()).build()) {
            return check(Tracer.start(fresh, config, null).completion().join(), u);
        }
    }

    private static TraceSnapshot check(TraceSnapshot s, Unreached u) {
        if (s.stop().kind() != StopReason.Kind.DESTINATION_REACHED || s.stop().hop() != 4) {
            u.unreached++;
        }
        return s;
    }
}
