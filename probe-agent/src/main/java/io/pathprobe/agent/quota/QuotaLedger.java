package io.pathprobe.agent.quota;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.Checks;
import io.pathprobe.core.text.NumberText;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;

/**
 * The captures each token has running, against its {@link Quotas}: {@link #admit} grants a {@link Lease} or
 * answers a {@link Rejection} naming the rule and, when running captures ending would make room, a Retry-After
 * computed from their planned ends. Thread-safe: admissions and releases are serialised, so concurrent requests
 * never together exceed a limit.
 */
public final class QuotaLedger {
    private final Quotas defaults;
    private final Map<String, Quotas> perToken;
    private final Clock clock;
    private final Map<String, List<Lease>> running = new HashMap<>(); // guarded by this

    /** A ledger giving every token the same quotas. */
    public QuotaLedger(Quotas quotas) {
        this(quotas, Map.of(), Clock.systemUTC());
    }

    /**
     * A ledger with quotas per token id ({@code defaults} for the others) and a clock for the planned ends of
     * captures (Retry-After).
     */
    public QuotaLedger(Quotas defaults, Map<String, Quotas> perToken, Clock clock) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.perToken = Map.copyOf(perToken);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The quotas of a token. */
    public Quotas quotas(String tokenId) {
        return perToken.getOrDefault(Objects.requireNonNull(tokenId, "tokenId"), defaults);
    }

    /** How many captures the token has running (admitted and not yet released). */
    public synchronized int running(String tokenId) {
        return running.getOrDefault(tokenId, List.of()).size();
    }

    /**
     * Admits a capture for a token, or says which quota it would break. The plan alone is checked first (its
     * duration, its rate to each target, its total rate: no Retry-After, retrying cannot help), then with the
     * token's running captures (concurrent captures, total rate, rate per target: Retry-After until enough of them
     * reach their planned end). Release the lease when the capture ends. The plan's targets × ports and the body
     * size are {@link Quotas#checkPlan} and {@link Quotas#checkBody}'s, checked before the plan gets here.
     *
     * @param duration                  the capture's planned duration
     * @param probesPerSecondByTarget   the probes per second the capture sends to each pinned address
     * @throws IllegalArgumentException for a non-positive duration, no targets, or negative rates
     */
    public Admission admit(String tokenId, Duration duration, Map<InetAddress, Double> probesPerSecondByTarget) {
        Quotas q = quotas(tokenId);
        Checks.positive(duration, "capture duration");
        if (probesPerSecondByTarget == null || probesPerSecondByTarget.isEmpty()) {
            throw new IllegalArgumentException("a capture needs at least one target");
        }
        Map<InetAddress, Double> rates = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<InetAddress, Double> e : probesPerSecondByTarget.entrySet()) {
            double r = Quotas.rate(Objects.requireNonNull(e.getValue(), "rate"), "probes per second to "
                    + AddressText.of(e.getKey()));
            rates.put(e.getKey(), r);
            total += r;
        }
        Optional<Rejection> alone = q.tooLong(duration)
                .or(() -> q.tooFastPerTarget(rates.values().stream().mapToDouble(Double::doubleValue).max()
                        .orElse(0)));
        double asked = total;
        alone = alone.or(() -> q.tooFastInTotal(asked));
        if (alone.isPresent()) {
            return alone.get();
        }
        synchronized (this) {
            Instant now = clock.instant();
            List<Lease> mine = running.computeIfAbsent(tokenId, k -> new ArrayList<>());
            List<Lease> byEnd = new ArrayList<>(mine);
            byEnd.sort(Comparator.comparing(l -> l.plannedEnd));
            String who = "token '" + tokenId + "'";
            if (mine.size() >= q.concurrentCaptures()) {
                long retry = retryAfter(now, byEnd.get(mine.size() - q.concurrentCaptures()).plannedEnd);
                return new Rejection(QuotaRule.CONCURRENT_CAPTURES, who + " already runs " + mine.size()
                        + " capture" + (mine.size() == 1 ? "" : "s") + ", its maximum at once: retry when one ends"
                        + " (in about " + retry + " s) or cancel one", OptionalLong.of(retry));
            }
            Rejection r = overRate(now, byEnd, l -> l.total, total, q.probesPerSecond(), QuotaRule.PROBES_PER_SECOND,
                    who + " would send %s probes/s in total with this capture (%s running + %s asked), above its"
                            + " maximum of %s");
            if (r != null) {
                return r;
            }
            for (Map.Entry<InetAddress, Double> e : rates.entrySet()) {
                InetAddress target = e.getKey();
                r = overRate(now, byEnd, l -> l.rates.getOrDefault(target, 0.0), e.getValue(),
                        q.probesPerSecondPerTarget(), QuotaRule.PROBES_PER_SECOND_PER_TARGET, who + " would send %s"
                                + " probes/s to " + AddressText.of(target) + " with this capture (%s running + %s"
                                + " asked), above its maximum of %s per target");
                if (r != null) {
                    return r;
                }
            }
            Lease lease = new Lease(this, tokenId, now.plus(duration), Map.copyOf(rates), total);
            mine.add(lease);
            return lease;
        }
    }

    /**
     * A rejection when the running captures' rate plus {@code asked} exceeds {@code limit}, with a Retry-After until
     * enough of them (in order of planned end) have ended; {@code null} when it fits. {@code asked} alone fits, so
     * some point in that order always makes room.
     */
    private static Rejection overRate(Instant now, List<Lease> byEnd, ToDoubleFunction<Lease> rate, double asked,
            double limit, QuotaRule rule, String format) {
        double current = 0;
        for (Lease l : byEnd) {
            current += rate.applyAsDouble(l);
        }
        if (!Quotas.exceeds(current + asked, limit)) {
            return null;
        }
        double left = current;
        Instant free = now;
        for (Lease l : byEnd) {
            left -= rate.applyAsDouble(l);
            free = l.plannedEnd;
            if (!Quotas.exceeds(left + asked, limit)) {
                break;
            }
        }
        long retry = retryAfter(now, free);
        String message = String.format(format, NumberText.g(current + asked), NumberText.g(current),
                NumberText.g(asked), NumberText.g(limit)) + ": retry when running captures end (in about " + retry
                + " s)";
        return new Rejection(rule, message, OptionalLong.of(retry));
    }

    /** Whole seconds from now until {@code end}, rounded up, at least 1 (a capture may overrun its plan). */
    private static long retryAfter(Instant now, Instant end) {
        long millis = Duration.between(now, end).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    synchronized void release(Lease lease) {
        List<Lease> mine = running.get(lease.tokenId());
        if (mine == null) {
            return;
        }
        mine.removeIf(l -> l == lease);
        if (mine.isEmpty()) {
            running.remove(lease.tokenId());
        }
    }
}
