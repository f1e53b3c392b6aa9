package io.pathprobe.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ProbeSession} repeats its probe, like ping's {@code -c}, {@code -i} and {@code -w}.
 *
 * @param count    probes to send; 0 = no limit (until the deadline or {@link ProbeSession#stop()})
 * @param interval time between the starts of successive probes
 * @param deadline how long the whole session may run; {@link Duration#ZERO} = no deadline
 */
public record SessionPlan(long count, Duration interval, Duration deadline) {
    /** ping's default interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    public SessionPlan {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(deadline, "deadline");
        if (count < 0) {
            throw new IllegalArgumentException("count " + count + " must be 0 (no limit) or positive");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval.toMillis() + " ms");
        }
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative");
        }
    }

    /** {@code count} probes, one per second. */
    public static SessionPlan count(long count) {
        return new SessionPlan(count, DEFAULT_INTERVAL, Duration.ZERO);
    }

    public SessionPlan withInterval(Duration interval) {
        return new SessionPlan(count, interval, deadline);
    }

    public SessionPlan withDeadline(Duration deadline) {
        return new SessionPlan(count, interval, deadline);
    }

    public SessionPlan withCount(long count) {
        return new SessionPlan(count, interval, deadline);
    }
}
