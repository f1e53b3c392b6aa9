package io.pathprobe.agent.quota;

import io.pathprobe.core.Checks;
import io.pathprobe.core.text.NumberText;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One token's limits. Immutable; {@link #defaults()} are what an agent shared by a support team should allow
 * without thought, sized from a ticket capture (ping 1/s, TCP connects 1/s per port, MTR traces of up to 30 hops a
 * second per mode): about 100 probes/s to one target for a two-port capture.
 * <ul>
 *   <li>{@link #concurrentCaptures()} 4 at once per token;</li>
 *   <li>{@link #probesPerSecond()} 1000 per token in total, over all its running captures;</li>
 *   <li>{@link #probesPerSecondPerTarget()} 200 to any one address per token, over all its running captures;</li>
 *   <li>{@link #captureDuration()} 1 hour per capture (a ticket capture's default is 10 minutes);</li>
 *   <li>{@link #targetPorts()} 64 targets × ports per plan (a target without ports counts once);</li>
 *   <li>{@link #requestBodyBytes()} 64 KiB per request body (a plan is a few hundred bytes of JSON).</li>
 * </ul>
 * The plan checks take plain numbers, so any plan type can be checked; {@link QuotaLedger} checks the running
 * captures.
 */
public final class Quotas {
    private static final Quotas DEFAULTS = new Builder().build();

    private final int concurrentCaptures;
    private final double probesPerSecond;
    private final double probesPerSecondPerTarget;
    private final Duration captureDuration;
    private final int targetPorts;
    private final long requestBodyBytes;

    private Quotas(Builder b) {
        this.concurrentCaptures = b.concurrentCaptures;
        this.probesPerSecond = b.probesPerSecond;
        this.probesPerSecondPerTarget = b.probesPerSecondPerTarget;
        this.captureDuration = b.captureDuration;
        this.targetPorts = b.targetPorts;
        this.requestBodyBytes = b.requestBodyBytes;
    }

    /** The defaults listed above. */
    public static Quotas defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these quotas. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.concurrentCaptures = concurrentCaptures;
        b.probesPerSecond = probesPerSecond;
        b.probesPerSecondPerTarget = probesPerSecondPerTarget;
        b.captureDuration = captureDuration;
        b.targetPorts = targetPorts;
        b.requestBodyBytes = requestBodyBytes;
        return b;
    }

    /** Captures a token may run at once. */
    public int concurrentCaptures() {
        return concurrentCaptures;
    }

    /** Probes per second a token may send in total, summed over its running captures. */
    public double probesPerSecond() {
        return probesPerSecond;
    }

    /** Probes per second a token may send to one address, summed over its running captures. */
    public double probesPerSecondPerTarget() {
        return probesPerSecondPerTarget;
    }

    /** The longest capture a plan may ask for. */
    public Duration captureDuration() {
        return captureDuration;
    }

    /** The most targets × ports one plan may have. */
    public int targetPorts() {
        return targetPorts;
    }

    /** The largest request body accepted ({@code 413} above). */
    public long requestBodyBytes() {
        return requestBodyBytes;
    }

    /**
     * Checks a plan's shape against these limits, on its own (not counting running captures): retrying the same
     * plan cannot succeed, so a rejection has no Retry-After.
     *
     * @param duration                 how long the capture runs
     * @param targets                  the addresses it probes (a name's pinned addresses count each)
     * @param ports                    the destination ports per target (0 for a port-less plan, counted as 1)
     * @param probesPerSecondPerTarget the probes per second the plan sends to each target
     * @return the first limit broken, or empty
     * @throws IllegalArgumentException for a non-positive duration, no targets, or negative numbers
     */
    public Optional<Rejection> checkPlan(Duration duration, int targets, int ports, double probesPerSecondPerTarget) {
        Checks.positive(duration, "capture duration");
        Checks.range(targets, 1, Integer.MAX_VALUE, "number of targets");
        Checks.range(ports, 0, 65535, "number of ports");
        rate(probesPerSecondPerTarget, "probes per second per target");
        Optional<Rejection> r = tooLong(duration);
        if (r.isPresent()) {
            return r;
        }
        long pairs = (long) targets * Math.max(1, ports);
        if (pairs > targetPorts) {
            return plan(QuotaRule.TARGET_PORTS, "the plan has " + targets + " target" + (targets == 1 ? "" : "s")
                    + " × " + Math.max(1, ports) + " port" + (Math.max(1, ports) == 1 ? "" : "s") + " = " + pairs
                    + ", more than this token's maximum of " + targetPorts + " per plan: probe fewer ports or targets");
        }
        r = tooFastPerTarget(probesPerSecondPerTarget);
        return r.isPresent() ? r : tooFastInTotal(probesPerSecondPerTarget * targets);
    }

    Optional<Rejection> tooLong(Duration duration) {
        return duration.compareTo(captureDuration) <= 0 ? Optional.empty() : plan(QuotaRule.CAPTURE_DURATION,
                "a capture of " + seconds(duration) + " is longer than this token's maximum of "
                        + seconds(captureDuration) + ": capture for at most that long");
    }

    Optional<Rejection> tooFastPerTarget(double rate) {
        return !exceeds(rate, probesPerSecondPerTarget) ? Optional.empty() : plan(
                QuotaRule.PROBES_PER_SECOND_PER_TARGET, "the plan sends " + NumberText.g(rate) + " probes/s to a"
                        + " target, more than this token's maximum of " + NumberText.g(probesPerSecondPerTarget)
                        + ": lengthen the intervals or check fewer ports");
    }

    Optional<Rejection> tooFastInTotal(double total) {
        return !exceeds(total, probesPerSecond) ? Optional.empty() : plan(QuotaRule.PROBES_PER_SECOND,
                "the plan sends " + NumberText.g(total) + " probes/s in total, more than this token's maximum of "
                        + NumberText.g(probesPerSecond) + ": lengthen the intervals or probe fewer targets");
    }

    /** {@code value > limit}, forgiving the rounding of sums of rates (0.1 + 0.2 is not above 0.3). */
    static boolean exceeds(double value, double limit) {
        return value > limit * (1 + 1e-9);
    }

    /** Checks a request body's size (known from {@code Content-Length}, or counted while reading). */
    public Optional<Rejection> checkBody(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a body size cannot be negative, was " + bytes);
        }
        return bytes <= requestBodyBytes ? Optional.empty() : plan(QuotaRule.REQUEST_BODY, "the request body has "
                + bytes + " bytes, more than the maximum of " + requestBodyBytes + ": a plan is a small JSON"
                + " document");
    }

    private static Optional<Rejection> plan(QuotaRule rule, String message) {
        return Optional.of(new Rejection(rule, message, OptionalLong.empty()));
    }

    static String seconds(Duration d) {
        return new java.math.BigDecimal(d.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString() + " s";
    }

    static double rate(double v, String what) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be a finite number of at least 0, was " + v);
        }
        return v;
    }

    @Override
    public String toString() {
        return "Quotas[concurrentCaptures=" + concurrentCaptures + ", probesPerSecond="
                + NumberText.g(probesPerSecond) + ", probesPerSecondPerTarget=" + NumberText.g(probesPerSecondPerTarget)
                + ", captureDuration=" + seconds(captureDuration) + ", targetPorts=" + targetPorts
                + ", requestBodyBytes=" + requestBodyBytes + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quotas q && q.concurrentCaptures == concurrentCaptures
                && q.probesPerSecond == probesPerSecond && q.probesPerSecondPerTarget == probesPerSecondPerTarget
                && q.captureDuration.equals(captureDuration) && q.targetPorts == targetPorts
                && q.requestBodyBytes == requestBodyBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(concurrentCaptures, probesPerSecond, probesPerSecondPerTarget, captureDuration,
                targetPorts, requestBodyBytes);
    }

    /** Sets limits; each setter checks its value. */
    public static final class Builder {
        private int concurrentCaptures = 4;
        private double probesPerSecond = 1000;
        private double probesPerSecondPerTarget = 200;
        private Duration captureDuration = Duration.ofHours(1);
        private int targetPorts = 64;
        private long requestBodyBytes = 64 * 1024;

        private Builder() {
        }

        /** Captures at once, at least 1. */
        public Builder concurrentCaptures(int n) {
            this.concurrentCaptures = Checks.range(n, 1, Integer.MAX_VALUE, "concurrent captures");
            return this;
        }

        /** Probes per second in total, above 0. */
        public Builder probesPerSecond(double n) {
            this.probesPerSecond = positiveRate(n, "probes per second");
            return this;
        }

        /** Probes per second to one address, above 0. */
        public Builder probesPerSecondPerTarget(double n) {
            this.probesPerSecondPerTarget = positiveRate(n, "probes per second per target");
            return this;
        }

        /** The longest capture, above 0. */
        public Builder captureDuration(Duration d) {
            this.captureDuration = Checks.positive(d, "maximum capture duration");
            return this;
        }

        /** Targets × ports per plan, at least 1. */
        public Builder targetPorts(int n) {
            this.targetPorts = Checks.range(n, 1, Integer.MAX_VALUE, "targets × ports");
            return this;
        }

        /** The largest request body in bytes, at least 1. */
        public Builder requestBodyBytes(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("request body bytes " + n + " is out of range: use at least 1");
            }
            this.requestBodyBytes = n;
            return this;
        }

        private static double positiveRate(double n, String what) {
            if (rate(n, what) == 0) {
                throw new IllegalArgumentException(what + " must be above 0, was 0");
            }
            return n;
        }

        /** The quotas. */
        public Quotas build() {
            return new Quotas(this);
        }
    }
}
