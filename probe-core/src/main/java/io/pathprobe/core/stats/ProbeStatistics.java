package io.pathprobe.core.stats;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
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
 * Memory follows what was measured: the histogram is made at the first RTT and is a packed one, whose size grows
 * with the number of distinct RTT buckets seen rather than with the range (a plain one holds ~80 KB of counts for
 * RTTs up to a second; a trace keeps one per hop and flow, a ticket capture thousands). Its percentiles are the
 * same as a plain histogram's of the same precision. A series that has recorded {@link #DENSE_AFTER} RTTs moves to a
 * plain one: a packed one costs a walk of its index per value (half the event loops' Java time in a fast ping). The
 * plain one weighs ~100 KB more (loopback to one-second RTTs); only series that busy pay it (a one-hour ticket
 * capture at the default 1 s interval stays packed).
 * Times are nanoseconds. Not thread-safe: one writer, or guard it (sessions do).
 */
public final class ProbeStatistics {
    private static final int SIGNIFICANT_DIGITS = 3;
    /** RTTs after which the packed histogram becomes a plain one (see the class comment). */
    static final long DENSE_AFTER = 16_384;

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
    private double gmean;
    private long jitter;
    private double javg;
    private long jworst;
    private long jinta;
    /** Made at the first RTT (see the class comment). */
    private Histogram histogram;
    /**
     * p50, p90 and p99 of the RTTs so far, or null when an RTT came since they were read: a packed histogram's
     * percentile walks every bucket up to it (tens of microseconds each), which thousands of traces ending at once
     * on one event loop cannot afford per snapshot.
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
            gmean = rtt;
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
        if (received > 1) {
            gmean = Math.pow(gmean, (received - 1.0) / received) * Math.pow(rtt, 1.0 / received);
        }
        sum += rtt;
        sumSquares += (double) rtt * rtt;
        if (histogram == null) {
            histogram = new PackedHistogram(SIGNIFICANT_DIGITS);
        } else if (received == DENSE_AFTER) {
            Histogram dense = new Histogram(SIGNIFICANT_DIGITS); // auto-resizing, as the packed one
            dense.add(histogram);
            histogram = dense;
        }
        long v = Math.max(0, rtt);
        histogram.recordValue(v);
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
        long[] p = received == 0 ? NO_PERCENTILES : percentiles();
        return new StatsSnapshot(sent, received, inFlight, duplicates, late, outcomes.clone(),
                retransmittedConnects, synRetransmits, loss, received == 0 ? -1 : last, received == 0 ? -1 : best,
                received == 0 ? -1 : worst, avg, stdev, mdev, received == 0 ? 0 : gmean, jitter, javg, jworst, jinta,
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
                    p[i] = histogram.highestEquivalentValue(few[(int) countAt(SHOWN[i], received) - 1]);
                }
            } else {
                p = valuesAtPercentiles(histogram, SHOWN);
            }
            percentiles = p;
        }
        return percentiles;
    }

    /**
     * What {@link Histogram#getValueAtPercentile} returns for each of {@code ascending} (percentiles in (0, 100],
     * in ascending order), in one walk over the buckets instead of one each: the same count at each percentile
     * (its rounding included), the same value (the highest equivalent of the bucket that reaches it).
     */
    static long[] valuesAtPercentiles(Histogram h, double[] ascending) {
        long[] out = new long[ascending.length];
        long total = h.getTotalCount();
        int next = 0;
        long want = countAt(ascending[0], total);
        for (HistogramIterationValue v : h.recordedValues()) {
            while (v.getTotalCountToThisValue() >= want) {
                out[next++] = h.highestEquivalentValue(v.getValueIteratedTo());
                if (next == out.length) {
                    return out;
                }
                want = countAt(ascending[next], total);
            }
        }
        return out; // an empty histogram: zeros, as getValueAtPercentile
    }

    /** The count a percentile needs, rounded as {@link Histogram#getValueAtPercentile} rounds it. */
    private static long countAt(double percentile, long total) {
        double p = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0), 100.0);
        return Math.max(1, (long) Math.ceil(p / 100.0 * total));
    }

    /**
     * The RTT histogram itself (nanoseconds), for percentiles beyond those in the snapshot: a copy, empty before
     * the first RTT.
     */
    public Histogram histogram() {
        return histogram == null ? new PackedHistogram(SIGNIFICANT_DIGITS) : histogram.copy();
    }
}
