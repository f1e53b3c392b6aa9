package io.pathprobe.core.stats;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;

/**
 * Running statistics of one series of probes (one target, or one hop of a trace), computed the way mtr and ping
 * compute them so that numbers can be compared side by side:
 * <ul>
 *   <li>Loss% = 100 − 100 × received / (sent − in flight): probes still in flight are not counted as lost (mtr);</li>
 *   <li>StDev = √(ssd / (n − 1)) with ssd accumulated by Welford's method (mtr); mdev = √(Σx²/n − (Σx/n)²) (ping);</li>
 *   <li>Jttr = |RTTₙ − RTTₙ₋₁| (0 for the first reply), Javg its running mean over all replies, Jmax its maximum,
 *       Jint the RFC 1889 A.8 estimator {@code J += |D| − ((J + 8) >> 4)}, kept ×16 as mtr shows it (mtr);</li>
 *   <li>Gmean the geometric mean of the RTTs (mtr); percentiles from an HdrHistogram (3 significant digits).</li>
 * </ul>
 * The histogram's counts are kept by bucket ({@link RttBuckets}), made at the first RTT: memory follows the range
 * of buckets seen, and an increment is an index and a store from the first RTT on (a packed histogram's walk and
 * growth per value was most of the event loops' Java time in a fast many-target ping; a plain one holds ~100 KB of
 * counts for loopback to one-second RTTs, and a ticket capture holds thousands of series). Percentiles are the same
 * as a plain histogram's of the same precision.
 * Times are nanoseconds. Not thread-safe: one writer, or guard it (sessions do).
 */
public final class ProbeStatistics {
    private static final int SIGNIFICANT_DIGITS = RttBuckets.SIGNIFICANT_DIGITS;

    private long sent;
    private long inFlight;
    private long received;
    private long duplicates;
    private long late;
    private long corrupted;
    /** Counts by {@link OutcomeType#ordinal()}; grows when a prober's kind is declared after this was made. */
    private long[] outcomes = new long[OutcomeType.values().size()];
    private long retransmittedConnects;
    private long synRetransmits;

    private long last = -1;
    private long best;
    private long worst;
    private double avg;
    private double ssd;
    private double sum;
    private double sumSquares;
    /** Σ ln(RTT): the geometric mean is exp of its mean (one log per RTT, where mtr's update costs two pow). */
    private double sumLog;
    private long jitter;
    private double javg;
    private long jworst;
    private long jinta;
    /** The histogram's counts, made at the first RTT (see the class comment). */
    private RttBuckets buckets;
    /**
     * p50, p90 and p99 of the RTTs so far, or null when an RTT came since they were read: reading them sorts the
     * buckets (tens of microseconds for a long series), which thousands of traces ending at once on one event
     * loop cannot afford per snapshot.
     */
    private long[] percentiles;
    /**
     * The RTTs recorded so far in ascending order while there are at most {@link #FEW} of them, then null: a
     * short series (a trace's hop over a few rounds) reads its percentiles here without walking the histogram.
     */
    private long[] few;
    private static final int FEW = 16;

    /** A probe was sent: it is in flight until {@link #recordOutcome} (or forever, if the series stops first). */
    public void recordSent() {
        sent++;
        inFlight++;
    }

    /**
     * {@code probes} probes were sent, for an owner that counts sends elsewhere and folds them in before the next
     * outcome (as {@link #recordSent()} that many times).
     *
     * @throws IllegalArgumentException when {@code probes} is negative
     */
    public void recordSent(long probes) {
        if (probes < 0) {
            throw new IllegalArgumentException("probes sent must not be negative, was " + probes);
        }
        sent += probes;
        inFlight += probes;
    }

    /** The outcome of a sent probe; a success ({@link ProbeOutcome#isSuccess()}) counts as received. */
    public void recordOutcome(ProbeOutcome outcome) {
        recordOutcome(outcome, outcome.isSuccess());
    }

    /**
     * The outcome of a sent probe.
     *
     * @param countsAsReply whether it counts as received, e.g. a Time Exceeded for a hop of a trace
     */
    public void recordOutcome(ProbeOutcome outcome, boolean countsAsReply) {
        if (inFlight > 0) {
            inFlight--;
        }
        int kind = outcome.type().ordinal();
        if (kind >= outcomes.length) {
            outcomes = java.util.Arrays.copyOf(outcomes, OutcomeType.values().size());
        }
        outcomes[kind]++;
        int resent = outcome.retransmits();
        if (resent > 0) {
            retransmittedConnects++;
            synRetransmits += resent;
        }
        if (countsAsReply && outcome.rttNanos() >= 0) {
            recordRtt(outcome.rttNanos());
        }
    }

    /** A second answer to a probe already answered (ping's DUP!): counted apart, never as received. */
    public void recordDuplicate() {
        duplicates++;
    }

    /** An answer after its probe had timed out: counted apart, never as received. */
    public void recordLate() {
        late++;
    }

    /** A reply with the probe's token but wrong data (ping's "wrong data byte"): counted apart, never as received. */
    public void recordCorrupted() {
        corrupted++;
    }

    private void recordRtt(long rtt) {
        jitter = last < 0 ? 0 : Math.abs(rtt - last);
        last = rtt;
        if (received == 0) {
            best = worst = rtt;
            jitter = 0;
            jworst = 0;
            jinta = 0;
        }
        best = Math.min(best, rtt);
        worst = Math.max(worst, rtt);
        jworst = Math.max(jworst, jitter);
        received++;
        double oldAvg = avg;
        avg += (rtt - oldAvg) / received;
        ssd += (rtt - oldAvg) * (rtt - avg);
        javg += (jitter - javg) / received;
        jinta += jitter - ((jinta + 8) >> 4);
        sumLog += Math.log(rtt); // -Infinity for a 0 RTT: the mean is 0 from then on, as mtr's
        sum += rtt;
        sumSquares += (double) rtt * rtt;
        if (buckets == null) {
            buckets = new RttBuckets();
        }
        long v = Math.max(0, rtt);
        buckets.record(v);
        percentiles = null;
        keepFew(v);
    }

    private void keepFew(long v) {
        if (received > FEW) {
            few = null;
            return;
        }
        if (few == null) {
            few = new long[FEW];
        }
        int i = (int) received - 1;
        for (; i > 0 && few[i - 1] > v; i--) {
            few[i] = few[i - 1];
        }
        few[i] = v;
    }

    /** Probes sent so far (without the copy {@link #snapshot()} makes). */
    public long sent() {
        return sent;
    }

    /** Probes received so far. */
    public long received() {
        return received;
    }

    /** Probes sent whose outcome has not been recorded yet. */
    public long inFlight() {
        return inFlight;
    }

    /** mtr's Drop now: probes that ended without being received (as {@link StatsSnapshot#dropped()}). */
    public long dropped() {
        return (sent - inFlight) - received;
    }

    /** An immutable copy of the figures now. */
    public StatsSnapshot snapshot() {
        long answered = sent - inFlight;
        double loss = answered == 0 ? 0 : 100.0 - 100.0 * received / answered;
        double stdev = received > 1 ? Math.sqrt(ssd / (received - 1.0)) : 0;
        double mean = received == 0 ? 0 : sum / received;
        double mdev = received == 0 ? 0 : Math.sqrt(Math.max(0, sumSquares / received - mean * mean));
        double gmean = received == 0 ? 0 : Math.exp(sumLog / received);
        long[] p = received == 0 ? NO_PERCENTILES : percentiles();
        return new StatsSnapshot(sent, received, inFlight, duplicates, late, outcomes.clone(),
                retransmittedConnects, synRetransmits, loss, received == 0 ? -1 : last, received == 0 ? -1 : best,
                received == 0 ? -1 : worst, avg, stdev, mdev, gmean, jitter, javg, jworst, jinta,
                p[0], p[1], p[2], corrupted);
    }

    private static final long[] NO_PERCENTILES = {-1, -1, -1};
    private static final double[] SHOWN = {50, 90, 99};

    private long[] percentiles() {
        if (percentiles == null) {
            long[] p = new long[SHOWN.length];
            if (few != null) {
                // the value at the count the percentile needs, as the histogram's bucket of it reports it
                for (int i = 0; i < p.length; i++) {
                    p[i] = RttBuckets.highestEquivalent(few[(int) RttBuckets.countAt(SHOWN[i], received) - 1]);
                }
            } else {
                p = buckets.valuesAtPercentiles(SHOWN);
            }
            percentiles = p;
        }
        return percentiles;
    }

    /**
     * The RTT histogram itself (nanoseconds), for percentiles beyond those in the snapshot: a new one at each
     * call, empty before the first RTT.
     */
    public Histogram histogram() {
        return buckets == null ? new PackedHistogram(SIGNIFICANT_DIGITS) : buckets.histogram();
    }
}
