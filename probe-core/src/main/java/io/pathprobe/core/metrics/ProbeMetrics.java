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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records the engine's probes in a user's Micrometer {@link MeterRegistry}: pass it to
 * {@code ProbeEngine.builder().eventListener(new ProbeMetrics(registry))}. Meters, tagged {@code prober} and
 * {@code vantage} (and {@code target} with {@link #perTarget}):
 * <ul>
 *   <li>{@code pathprobe.probes.sent} — counter of probes started;</li>
 *   <li>{@code pathprobe.probes.outcomes} — counter, with an extra {@code outcome} tag (the kind's label: a
 *       prober's own such as {@code reply}, or refused, timed-out, unreachable, ttl-exceeded, local-error);</li>
 *   <li>{@code pathprobe.probe.rtt} — timer of round-trip times of probes the target answered as hoped (an echo
 *       reply, a completed handshake; a refused connect or an ICMP error is an outcome, not an RTT), with a
 *       percentile histogram.</li>
 * </ul>
 * The number of series is bounded whatever is probed: by default no per-target tag (one series set per prober and
 * vantage point); {@link #perTarget} tags the first {@code maxTargets} distinct targets and counts the rest under
 * {@code target="other"}.
 */
public final class ProbeMetrics implements ProbeEventListener {
    /** The {@code target} tag of targets beyond {@link #perTarget}'s limit. */
    public static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int maxTargets;
    private final Set<String> targets = ConcurrentHashMap.newKeySet();
    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();

    private record Key(String prober, String target, String vantage) {
    }

    private final class Meters {
        final Counter sent;
        final Tags tags;
        /** By {@link OutcomeType#ordinal()}: every kind declared when made, more as probers declare them. */
        volatile Counter[] outcomes = new Counter[0];
        final Timer rtt;

        Meters(Key k) {
            Tags tags = Tags.of("prober", k.prober(), "vantage", k.vantage());
            if (k.target() != null) {
                tags = tags.and("target", k.target());
            }
            this.tags = tags;
            sent = Counter.builder("pathprobe.probes.sent").description("probes started").tags(tags).register(registry);
            grow();
            rtt = Timer.builder("pathprobe.probe.rtt").description("round-trip time of probes answered as hoped")
                    .tags(tags).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(1_000)).maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry);
        }

        Counter outcome(OutcomeType t) {
            Counter[] c = outcomes;
            return t.ordinal() < c.length ? c[t.ordinal()] : grow()[t.ordinal()];
        }

        private synchronized Counter[] grow() {
            List<OutcomeType> all = OutcomeType.values();
            Counter[] c = java.util.Arrays.copyOf(outcomes, all.size());
            for (int i = outcomes.length; i < c.length; i++) {
                c[i] = Counter.builder("pathprobe.probes.outcomes").description("probes ended, by outcome")
                        .tags(tags).tag("outcome", all.get(i).label()).register(registry);
            }
            outcomes = c;
            return c;
        }
    }

    /** Metrics per prober and vantage point, without a per-target tag. */
    public ProbeMetrics(MeterRegistry registry) {
        this(registry, 0);
    }

    private ProbeMetrics(MeterRegistry registry, int maxTargets) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.maxTargets = maxTargets;
    }

    /**
     * Metrics tagged with the target ({@code host:port} or host) for the first {@code maxTargets} distinct targets
     * seen; later ones are counted under {@code target="other"}, so the registry holds at most
     * {@code maxTargets + 1} series sets per prober and vantage point.
     *
     * @throws IllegalArgumentException when {@code maxTargets} is not 1 to 10,000
     */
    public static ProbeMetrics perTarget(MeterRegistry registry, int maxTargets) {
        if (maxTargets < 1 || maxTargets > 10_000) {
            throw new IllegalArgumentException("maxTargets " + maxTargets + " must be 1 to 10000");
        }
        return new ProbeMetrics(registry, maxTargets);
    }

    private Meters meters(ProbeRequest r) {
        String target = null;
        if (maxTargets > 0) {
            target = r.targetLabel();
            if (!targets.contains(target)) {
                synchronized (targets) {
                    if (targets.size() < maxTargets) {
                        targets.add(target);
                    } else if (!targets.contains(target)) {
                        target = OTHER;
                    }
                }
            }
        }
        return meters.computeIfAbsent(new Key(r.kind(), target, r.vantagePoint().id()), Meters::new);
    }

    @Override
    public void probeStarted(ProbeRequest request) {
        meters(request).sent.increment();
    }

    @Override
    public void probeFinished(ProbeRequest request, ProbeOutcome outcome) {
        Meters m = meters(request);
        m.outcome(outcome.type()).increment();
        if (outcome.isSuccess()) {
            m.rtt.record(outcome.rttNanos(), TimeUnit.NANOSECONDS);
        }
    }
}
