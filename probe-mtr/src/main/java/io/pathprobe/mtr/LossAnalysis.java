package io.pathprobe.mtr;

import io.pathprobe.mtr.internal.Binomial;

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
 *       at least {@code MIN_PROBES} ended probes and lost at least one. It begins at the first responding hop p with
 *       loss such that every answering hop from p to D lost probes and none loses clearly less than D does
 *       ({@code U_j < L_D}, hops with enough probes only): walking back from D, the first answering hop with no
 *       loss, or that clearly loses less than D, ends the search. A {@code NOT_CARRIED_ON} hop inside the stretch
 *       neither ends it nor can be its start: its figure is mostly the router declining to answer, which hides
 *       how much it forwards, so the start named is the first hop whose loss can be read as forwarding loss. A
 *       rate-limiting first-hop router in front of loss that begins further on is therefore not blamed (the
 *       difference between "the client's own network" and "the carrier"); the price is that forwarding loss
 *       beginning exactly at such a router is reported from the hop after it.</li>
 * </ul>
 * Neither rule needs loss figures to be equal: they look for evidence against carrying on, so a short trace says
 * "too few probes" or "carried on" rather than guessing. Run more rounds to sharpen the verdicts.
 */
public final class LossAnalysis {
    /** One-sided error of each confidence bound: 1%. */
    public static final double ALPHA = 0.01;
    /** Fewest ended probes at a hop for any verdict about its loss. */
    public static final long MIN_PROBES = 10;

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

    /** Analyses hops given in TTL order (their own verdicts are ignored). */
    public static Result analyze(List<HopSnapshot> hops) {
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
        return new Result(verdicts, persistentLossFrom(hops, verdicts, last));
    }

    /** {@code hops} with their verdicts set, as a {@link HopTable} ending for {@code stop}. */
    public static HopTable table(List<HopSnapshot> hops, StopReason stop) {
        Result r = analyze(hops);
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
        if (last < 0) {
            return 0;
        }
        HopSnapshot end = hops.get(last);
        if (end.lost() == 0 || end.answeredOrLost() < MIN_PROBES) {
            return 0;
        }
        double endLower = Binomial.lowerBound(end.lost(), end.answeredOrLost(), ALPHA);
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
