package io.pathprobe.agent.prometheus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pathprobe.core.AddressText;
import io.pathprobe.core.OutcomeAttribute;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.ProbeSession;
import io.pathprobe.core.SessionListener;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.VantagePoint;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * smokeping_prober's model: each configured target × module is probed on its own schedule (one packet per
 * interval, for ever) into counters and an RTT histogram with smokeping's buckets. Series exist only for
 * configured targets, so /metrics' cardinality is the configuration's. A reload keeps the series that did not
 * change (their counters go on) and removes the meters of those that went.
 */
final class ContinuousProber implements AutoCloseable {
    /** smokeping_prober's buckets: 50 µs doubling to 26.2144 s (20 buckets). */
    static final Duration[] BUCKETS = buckets();

    /** One series: what is probed, as it was pinned at start or reload. */
    record Series(String target, Module module, InetAddress ip, int port, Duration interval) {
    }

    private final ProbeEngine engine;
    private final VantagePoint point;
    private final MeterRegistry registry;
    private final String vantage;
    private final Map<Series, Running> running = new HashMap<>();

    ContinuousProber(ProbeEngine engine, VantagePoint point, MeterRegistry registry, String vantage) {
        this.engine = engine;
        this.point = point;
        this.registry = registry;
        this.vantage = vantage;
    }

    private static Duration[] buckets() {
        Duration[] b = new Duration[20];
        for (int i = 0; i < b.length; i++) {
            b[i] = Duration.ofNanos(50_000L << i);
        }
        return b;
    }

    /** Makes {@code wanted} the running series: unchanged ones go on, others stop or start. */
    synchronized void apply(List<Series> wanted) {
        Map<Series, Running> started = new HashMap<>();
        try {
            for (Series s : wanted) {
                if (!running.containsKey(s) && !started.containsKey(s)) {
                    started.put(s, new Running(s));
                }
            }
        } catch (RuntimeException e) {
            // All or nothing: what ran before goes on unchanged.
            started.values().forEach(Running::stop);
            throw new IllegalArgumentException("a continuous probe cannot run: " + e.getMessage(), e);
        }
        List<Series> gone = new ArrayList<>(running.keySet());
        gone.removeAll(wanted);
        for (Series s : gone) {
            running.remove(s).stop();
        }
        running.putAll(started);
    }

    synchronized int size() {
        return running.size();
    }

    @Override
    public synchronized void close() {
        for (Running r : running.values()) {
            r.stop();
        }
        running.clear();
    }

    /** A series' session and meters. */
    private final class Running implements SessionListener {
        private final List<Meter> meters = new ArrayList<>();
        private final Counter duplicates;
        private final Counter sendErrors;
        private final Timer rtt;
        private final AtomicInteger ttl = new AtomicInteger(-1);
        private final ProbeSession session;
        private final AtomicReference<ProbeSession> sessionRef = new AtomicReference<>();

        Running(Series s) {
            Tags tags = Tags.of("vantage", vantage, "target", s.target(), "ip", AddressText.of(s.ip()), "module",
                    s.module().name());
            // Counted when sent, as smokeping_prober does: 1 - answered/sent is then the loss, with no lag for
            // the lost probes' timeouts (counting them when they end would under-read loss in a short window).
            add(FunctionCounter.builder("pathprobe_requests", sessionRef,
                    r -> r.get() == null ? 0 : r.get().snapshot().sent()).description("Probes sent")
                    .tags(tags).register(registry));
            duplicates = add(Counter.builder("pathprobe_response_duplicates").description("Duplicate answers")
                    .tags(tags).register(registry));
            sendErrors = add(Counter.builder("pathprobe_send_errors").description("Probes that could not be sent"
                    + " (local errors)").tags(tags).register(registry));
            rtt = add(Timer.builder("pathprobe_response_duration").description("Round-trip times of answered"
                    + " probes").tags(tags).serviceLevelObjectives(BUCKETS).register(registry));
            if (s.module().prober() == Module.Prober.ICMP) {
                add(Gauge.builder("pathprobe_response_ttl", ttl, AtomicInteger::get)
                        .description("TTL of the last echo reply").tags(tags).register(registry));
            }
            ProbeRequest.Builder rb = ProbeRequest.builder(s.module().prober() == Module.Prober.TCP ? "tcp" : "icmp")
                    .target(s.ip()).timeout(s.module().packetTimeout()).vantagePoint(point);
            if (s.module().prober() == Module.Prober.TCP) {
                rb.port(s.port());
            }
            session = engine.startSession(rb.build(), new SessionPlan(0, s.interval(), Duration.ZERO), this);
            sessionRef.set(session);
        }

        private <M extends Meter> M add(M m) {
            meters.add(m);
            return m;
        }

        @Override
        public void onOutcome(ProbeSession s, long sequence, ProbeOutcome outcome) {
            if (outcome.isSuccess()) {
                rtt.record(outcome.rttNanos(), TimeUnit.NANOSECONDS);
                Integer replyTtl = outcome.attribute(OutcomeAttribute.REPLY_TTL); // an echo reply's
                if (replyTtl != null) {
                    ttl.set(replyTtl);
                }
            } else if (outcome instanceof ProbeOutcome.LocalError) {
                sendErrors.increment();
            }
        }

        @Override
        public void onDuplicate(ProbeSession s, long sequence) {
            duplicates.increment();
        }

        void stop() {
            session.stop();
            for (Meter m : meters) {
                registry.remove(m);
            }
        }
    }
}
