package io.pathprobe.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeEventListener;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records the engine's probes in a user's Micrometer {@link MeterRegistry}: pass it to
 * {@code ProbeEngine.builder().eventListener(new ProbeMetrics(registry))}. Meters, tagged {@code prober},
 * {@code target} and {@code vantage}:
 * <ul>
 *   <li>{@code pathprobe.probes.sent} — counter of probes started;</li>
 *   <li>{@code pathprobe.probes.outcomes} — counter, with an extra {@code outcome} tag (reply, connected, refused,
 *       timed-out, unreachable, ttl-exceeded, local-error);</li>
 *   <li>{@code pathprobe.probe.rtt} — timer of round-trip times of probes that got an answer, with a percentile
 *       histogram.</li>
 * </ul>
 * Each distinct target adds meters, so bound the number of targets you probe with one registry.
 */
public final class ProbeMetrics implements ProbeEventListener {
    private final MeterRegistry registry;
    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();

    private record Key(String prober, String target, String vantage) {
    }

    private final class Meters {
        final Counter sent;
        final Counter[] outcomes = new Counter[OutcomeType.values().length];
        final Timer rtt;

        Meters(Key k) {
            Tags tags = Tags.of("prober", k.prober(), "target", k.target(), "vantage", k.vantage());
            sent = Counter.builder("pathprobe.probes.sent").description("probes started").tags(tags).register(registry);
            for (OutcomeType t : OutcomeType.values()) {
                outcomes[t.ordinal()] = Counter.builder("pathprobe.probes.outcomes").description("probes ended, by outcome")
                        .tags(tags).tag("outcome", t.label()).register(registry);
            }
            rtt = Timer.builder("pathprobe.probe.rtt").description("round-trip time of answered probes")
                    .tags(tags).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(1_000)).maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry);
        }
    }

    public ProbeMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    private Meters meters(ProbeRequest r) {
        return meters.computeIfAbsent(new Key(r.kind(), r.targetLabel(), r.vantagePoint().id()), Meters::new);
    }

    @Override
    public void probeStarted(ProbeRequest request) {
        meters(request).sent.increment();
    }

    @Override
    public void probeFinished(ProbeRequest request, ProbeOutcome outcome) {
        Meters m = meters(request);
        m.outcomes[outcome.type().ordinal()].increment();
        if (outcome.rttNanos() >= 0) {
            m.rtt.record(outcome.rttNanos(), TimeUnit.NANOSECONDS);
        }
    }
}
