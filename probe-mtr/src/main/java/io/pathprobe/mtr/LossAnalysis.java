package io.pathprobe.mtr;

import io.pathprobe.mtr.internal.Binomial;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading a trace's loss: which hops lose probes only because the router is slow to answer (ICMP rate limiting or
 * de-prioritisation of the Time Exceeded it generates), and from which hop loss carries on to the destination.
 *
 * <h2>The rule</h2>
 * A hop's probes either end (answered or timed out: {@code n}, mtr's {@code Snt − in flight}) or are in flight;
 * {@code x} of the {@code n} were lost. Each hop's true loss rate is bounded with exact one-sided Clopper–Pearson
 * bounds at confidence 1 − {@link #ALPHA} (99%): {@code L(x, n)}, the rate it is at least, and {@code U(x, n)},
 * the rate it is at most. "Hop j loses clearly less than hop k" means {@code U_j < L_k}: the two bounds do not
 * overlap. When in truth hop j loses as much as hop k, that needs {@code U_j} below j's true rate or {@code L_k}
 * above k's, each with probability at most 1%, so a wrong "clearly less" has probability at most 2% per pair
 * (far less in practice: both bounds must miss at once by a wide margin).
 * <ul>
 *   <li>A hop with {@code x = 0} is {@link LossVerdict#NO_LOSS}; with {@code n <} {@link #MIN_PROBES} it is
 *       {@link LossVerdict#TOO_FEW_PROBES} (the bounds would allow almost anything).</li>
 *   <li>Loss at hop k is {@link LossVerdict#NOT_CARRIED_ON} when some later <em>responding</em> hop j (up to the
 *       last responding hop, the destination included) with at least {@code MIN_PROBES} ended probes loses clearly
 *       less. Probes lost in forwarding up to router k can never reach hop j, so hop j's loss is at least the
 *       forwarding part of hop k's (return paths aside); a later hop that loses clearly less proves the excess was
 *       router k not answering. A silent hop ({@code ???}) followed by answering hops is the extreme case.</li>
 *   <li>Otherwise loss at hop k is {@link LossVerdict#CARRIED_ON} (when a later hop with enough probes, or none at
 *       all — k is the last — could have contradicted it), else {@code TOO_FEW_PROBES}.</li>
 *   <li><b>Persistent loss</b> is the loss at the last responding hop D (the destination when reached), when D has
 *       at least {@code MIN_PROBES} ended probes and the loss is shown to be real: {@code L(x, n)} is at least
 *       {@link #PERSISTENT_LOSS_FLOOR} (1%), i.e. with 99% confidence D loses more than 1 probe in 100. Worked
 *       figures: 1 lost of 45 gives {@code L = 1 − 0.99^(1/45) = 0.00022}, far below the floor (an odd lost probe
 *       on a clean path is not persistent loss); 3 of 45 give 0.0098, still below; 4 of 45 give 0.019 and 14 of
 *       50 give 0.145, above it. Only then is a row highlighted and a start named. It begins at the first responding hop p with
 *       loss such that every answering hop from p to D lost probes and none loses clearly less than D does
 *       ({@code U_j < L_D}, hops with enough probes only): walking back from D, the first answering hop with no
 *       loss, or that clearly loses less than D, ends the search. A {@code NOT_CARRIED_ON} hop inside the stretch
 *       neither ends it nor can be its start: its figure is mostly the router declining to answer, which hides
 *       how much it forwards, so the start named is the first hop whose loss can be read as forwarding loss. A
 *       rate-limiting first-hop router in front of loss that begins further on is therefore not blamed (the
 *       difference between "the client's own network" and "the carrier"); the price is that forwarding loss
 *       beginning exactly at such a router is reported from the hop after it.</li>
 *   <li><b>A destination that rate-limits</b>: in UDP mode the destination answers with ICMP port unreachable,
 *       an error message that Linux sends to one peer from a token bucket: a burst of {@link #RATE_LIMIT_BURST}
 *       (6), then one per {@code net.ipv4.icmp_ratelimit} (1000 ms: {@link #RATE_LIMIT_PER_SECOND}) or
 *       {@code net.ipv6.icmp.ratelimit} (100 ms on kernel 6.18, 1000 ms on older ones:
 *       {@link #RATE_LIMIT_PER_SECOND_IPV6}), beside a global {@code icmp_msgs_per_sec=1000},
 *       {@code icmp_msgs_burst=50} budget that a trace does not reach. Measured in a namespace lab on kernel 6.18
 *       with 20 port-unreachable triggers at once: a fresh peer gets 6 answers in both families; IPv4 then 1 after
 *       1 s, 3 after 3 s, 6 (full) after 10 s; IPv6 5 after 500 ms. So when the destination D lost probes and its
 *       {@code r} answers fit that limiter over the span {@code T} of the probes sent at its TTL —
 *       {@code r ≤ 6 + T·ρ + 1} with ρ = 1/s (IPv6: 10/s), and at least what an empty bucket refilling at 1/s gives
 *       {@code n} probes spaced {@code i} apart, one answer per {@code ceil(1 s / i)} probes:
 *       {@code floor(n / ceil(1 s / i)) − 1} (the ±1 absorbs the kernel's jiffy rounding) — its verdict is
 *       {@link LossVerdict#RATE_LIMITED}: the destination declining to answer, not loss. It never starts
 *       persistent loss. A long UDP trace through a lossy last link answers far more than the limiter allows, and
 *       heavy loss far fewer than it must give, so both are still read as loss; in between a UDP trace alone
 *       cannot tell, and the ICMP or TCP mode trace of the same path (whose answers Linux does not rate-limit)
 *       decides. In ICMP and TCP mode the destination's loss is read as loss.</li>
 * </ul>
 * Neither rule needs loss figures to be equal: they look for evidence against carrying on, so a short trace says
 * "too few probes" or "carried on" rather than guessing. Run more rounds to sharpen the verdicts.
 */
public final class LossAnalysis {
    /** One-sided error of each confidence bound: 1%. */
    public static final double ALPHA = 0.01;
    /** Fewest ended probes at a hop for any verdict about its loss. */
    public static final long MIN_PROBES = 10;
    /** Persistent loss needs the last hop's lower bound {@code L(x, n)} at least this loss rate (1%). */
    public static final double PERSISTENT_LOSS_FLOOR = 0.01;
    /** Answers a destination may give at once before its limiter bites: Linux's per-peer burst (6). */
    public static final double RATE_LIMIT_BURST = 6;
    /** Answers per second a limited destination gives: Linux's default {@code icmp_ratelimit} of 1000 ms. */
    public static final double RATE_LIMIT_PER_SECOND = 1;
    /**
     * Answers per second a limited IPv6 destination may give: {@code net.ipv6.icmp.ratelimit} is 100 ms on recent
     * kernels (1000 ms on older ones, which {@link #RATE_LIMIT_PER_SECOND} covers).
     */
    public static final double RATE_LIMIT_PER_SECOND_IPV6 = 10;

    private LossAnalysis() {
    }

    /**
     * The verdicts and persistent-loss hop for {@code hops}.
     *
     * @param verdicts           one per hop, in the same order
     * @param persistentLossFrom the TTL where persistent loss begins, or 0 for none
     */
    public record Result(List<LossVerdict> verdicts, int persistentLossFrom) {
        public Result {
            verdicts = List.copyOf(verdicts);
        }
    }

    /** Analyses hops given in TTL order (their own verdicts are ignored), without the rate-limit reading. */
    public static Result analyze(List<HopSnapshot> hops) {
        return analyze(hops, null, Duration.ZERO);
    }

    /**
     * Analyses hops given in TTL order (their own verdicts are ignored), reading the destination's loss for rate
     * limiting when the mode's answers can be rate-limited.
     *
     * @param mode            how the trace probed; {@code null} for unknown (no rate-limit reading)
     * @param destinationSpan time from the first to the last probe sent at the destination's TTL
     */
    public static Result analyze(List<HopSnapshot> hops, ProbeMode mode, Duration destinationSpan) {
        int last = -1;
        for (int i = 0; i < hops.size(); i++) {
            if (hops.get(i).stats().received() > 0) {
                last = i;
            }
        }
        List<LossVerdict> verdicts = new ArrayList<>(hops.size());
        for (int k = 0; k < hops.size(); k++) {
            verdicts.add(verdict(hops, k, last));
        }
        if (last >= 0 && destinationRateLimited(hops.get(last), mode, destinationSpan)) {
            verdicts.set(last, LossVerdict.RATE_LIMITED);
        }
        return new Result(verdicts, persistentLossFrom(hops, verdicts, last));
    }

    /**
     * Whether the destination's loss fits its rate limiter rather than loss (the rule's last item): UDP mode, some
     * probes lost, and a number of answers {@code r} of {@code n} probes within what Linux's default per-peer
     * limiter gives probes spaced {@code i} apart over a span {@code T}:
     * {@code floor(n / ceil(1 / (ρ·i))) − 1 ≤ r ≤ B + ρ·T + 1}.
     */
    static boolean destinationRateLimited(HopSnapshot d, ProbeMode mode, Duration span) {
        if (mode != ProbeMode.UDP || !d.destination() || d.lost() == 0) {
            return false;
        }
        boolean v6 = d.host() instanceof java.net.Inet6Address;
        double fastest = v6 ? RATE_LIMIT_PER_SECOND_IPV6 : RATE_LIMIT_PER_SECOND;
        long n = d.answeredOrLost();
        long r = d.stats().received();
        double t = Math.max(0, span.toNanos()) / 1e9;
        double most = RATE_LIMIT_BURST + fastest * t + 1;
        // From an empty bucket, one answer every ceil(1 / (ρ·i)) probes: each answer waits for a whole token.
        double least = 0;
        if (n > 1 && t > 0) {
            double spacing = t / (n - 1);
            least = Math.floor(n / Math.ceil(1 / (RATE_LIMIT_PER_SECOND * spacing))) - 1;
        }
        return r <= most && r >= least;
    }

    /** {@code hops} with their verdicts set, as a {@link HopTable} ending for {@code stop}. */
    public static HopTable table(List<HopSnapshot> hops, StopReason stop) {
        return table(hops, stop, null, Duration.ZERO);
    }

    /**
     * {@code hops} with their verdicts set, reading the destination's loss for rate limiting too (see the rule).
     *
     * @param mode            how the trace probed; {@code null} for unknown (no rate-limit reading)
     * @param destinationSpan time from the first to the last probe sent at the destination's TTL
     */
    public static HopTable table(List<HopSnapshot> hops, StopReason stop, ProbeMode mode, Duration destinationSpan) {
        Result r = analyze(hops, mode, destinationSpan);
        List<HopSnapshot> judged = new ArrayList<>(hops.size());
        for (int i = 0; i < hops.size(); i++) {
            judged.add(hops.get(i).withVerdict(r.verdicts().get(i)));
        }
        return new HopTable(judged, stop, r.persistentLossFrom());
    }

    private static LossVerdict verdict(List<HopSnapshot> hops, int k, int last) {
        HopSnapshot hop = hops.get(k);
        if (hop.lost() == 0) {
            return LossVerdict.NO_LOSS;
        }
        if (hop.answeredOrLost() < MIN_PROBES) {
            return LossVerdict.TOO_FEW_PROBES;
        }
        double lower = Binomial.lowerBound(hop.lost(), hop.answeredOrLost(), ALPHA);
        boolean judgedByLater = false;
        for (int j = k + 1; j <= last; j++) {
            HopSnapshot later = hops.get(j);
            if (later.stats().received() == 0 || later.answeredOrLost() < MIN_PROBES) {
                continue;
            }
            judgedByLater = true;
            if (upper(later) < lower) {
                return LossVerdict.NOT_CARRIED_ON;
            }
        }
        return judgedByLater || k >= last ? LossVerdict.CARRIED_ON : LossVerdict.TOO_FEW_PROBES;
    }

    private static int persistentLossFrom(List<HopSnapshot> hops, List<LossVerdict> verdicts, int last) {
        if (last < 0 || verdicts.get(last) == LossVerdict.RATE_LIMITED) {
            return 0;
        }
        HopSnapshot end = hops.get(last);
        if (end.lost() == 0 || end.answeredOrLost() < MIN_PROBES) {
            return 0;
        }
        double endLower = Binomial.lowerBound(end.lost(), end.answeredOrLost(), ALPHA);
        if (endLower < PERSISTENT_LOSS_FLOOR) {
            return 0; // not shown to exceed the floor: an odd lost probe, not persistent loss
        }
        int from = end.ttl();
        for (int j = last - 1; j >= 0; j--) {
            HopSnapshot hop = hops.get(j);
            if (hop.answeredOrLost() >= MIN_PROBES && upper(hop) < endLower) {
                break;
            }
            if (hop.stats().received() > 0 && hop.lost() == 0) {
                break; // an answering hop without loss: the loss that reaches D is not seen continuing from before it
            }
            if (verdicts.get(j) == LossVerdict.NOT_CARRIED_ON) {
                continue; // its loss is mostly the router not answering: it cannot show where forwarding loss begins
            }
            if (hop.lost() > 0 && hop.stats().received() > 0) {
                from = hop.ttl();
            }
        }
        return from;
    }

    private static double upper(HopSnapshot hop) {
        return Binomial.upperBound(hop.lost(), hop.answeredOrLost(), ALPHA);
    }
}
