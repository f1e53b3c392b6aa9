package io.pathprobe.core.stats;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.TestOutcomes;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each figure against values computed by hand from mtr's (ui/net.c) and ping's definitions. */
class ProbeStatisticsTest {
    private static final InetAddress TARGET = InetAddress.getLoopbackAddress();
    private static final long MS = 1_000_000;

    private static ProbeOutcome reply(long ms) {
        return TestOutcomes.answer(ms * MS, TARGET);
    }

    /** RTTs 10, 20, 15, 30 ms; one timeout; one probe still in flight. */
    private static StatsSnapshot sample() {
        ProbeStatistics s = new ProbeStatistics();
        for (int i = 0; i < 6; i++) {
            s.recordSent();
        }
        s.recordOutcome(reply(10));
        s.recordOutcome(reply(20));
        s.recordOutcome(new ProbeOutcome.TimedOut(2000 * MS));
        s.recordOutcome(reply(15));
        s.recordOutcome(reply(30));
        return s.snapshot();
    }

    @Test
    void countsAndLossExcludeProbesInFlight() {
        StatsSnapshot s = sample();
        assertEquals(6, s.sent());
        assertEquals(4, s.received());
        assertEquals(1, s.inFlight());
        assertEquals(1, s.count(OutcomeType.TIMED_OUT));
        assertEquals(4, s.count(TestOutcomes.ANSWER));
        // mtr: 100 - 100 * 4 / (6 - 1) = 20 %
        assertEquals(20.0, s.lossPercent(), 1e-9);
        assertEquals(1, s.dropped());
        // ping: (6 - 4) / 6 = 33.33 %
        assertEquals(100.0 * 2 / 6, s.pingLossPercent(), 1e-9);
    }

    @Test
    void rttFiguresAsMtrAndPingComputeThem() {
        StatsSnapshot s = sample();
        assertEquals(30 * MS, s.lastNanos());
        assertEquals(10 * MS, s.bestNanos());
        assertEquals(30 * MS, s.worstNanos());
        assertEquals(18.75 * MS, s.avgNanos(), 1e-3);
        // ssd = 8.75² + 1.25² + 3.75² + 11.25² = 218.75 ms²; StDev = sqrt(218.75 / 3) = 8.539125... ms
        assertEquals(8.539125638299666 * MS, s.stdevNanos(), 1);
        // ping mdev = sqrt(Σx²/n − mean²) = sqrt(218.75 / 4) = 7.395099... ms
        assertEquals(7.39509972887452 * MS, s.mdevNanos(), 1);
        // Gmean = (10·20·15·30)^(1/4) = 17.320508... ms
        assertEquals(17.320508075688775 * MS, s.gmeanNanos(), 10);
    }

    @Test
    void jitterAsMtrComputesIt() {
        StatsSnapshot s = sample();
        // Jttr: 0 for the first reply, then |20−10| = 10, |15−20| = 5, |30−15| = 15 ms
        assertEquals(15 * MS, s.jitterNanos());
        // Javg: mean of 0, 10, 5, 15 over the 4 replies = 7.5 ms
        assertEquals(7.5 * MS, s.javgNanos(), 1e-3);
        assertEquals(15 * MS, s.jmaxNanos());
        // Jint, RFC 1889 A.8 in integer nanoseconds: J += D − ((J + 8) >> 4)
        // 0 → 0; +10,000,000 − 0 = 10,000,000; +5,000,000 − 625,000 = 14,375,000;
        // +15,000,000 − 898,438 = 28,476,562
        assertEquals(28_476_562L, s.jintNanos());
    }

    @Test
    void percentilesComeFromTheHistogram() {
        StatsSnapshot s = sample();
        // 3 significant digits: each value is within 0.1 % of the recorded one
        assertEquals(15 * MS, s.p50Nanos(), 15 * MS / 1000.0);
        assertEquals(30 * MS, s.p99Nanos(), 30 * MS / 1000.0);
    }

    @Test
    void emptySeriesHasNoRttAndNoLoss() {
        StatsSnapshot s = new ProbeStatistics().snapshot();
        assertEquals(0, s.sent());
        assertEquals(0.0, s.lossPercent());
        assertEquals(-1, s.lastNanos());
        assertEquals(-1, s.bestNanos());
        assertEquals(0.0, s.stdevNanos());
    }

    @Test
    void singleReplyHasZeroStdevAndJitter() {
        ProbeStatistics st = new ProbeStatistics();
        st.recordSent();
        st.recordOutcome(reply(7));
        StatsSnapshot s = st.snapshot();
        assertEquals(0.0, s.stdevNanos());
        assertEquals(0, s.jitterNanos());
        assertEquals(7 * MS, s.gmeanNanos(), 1e-6);
        assertEquals(0.0, s.lossPercent());
    }

    @Test
    void duplicatesAndLateAnswersAreNeverReceived() {
        ProbeStatistics st = new ProbeStatistics();
        st.recordSent();
        st.recordOutcome(new ProbeOutcome.TimedOut(MS));
        st.recordLate();
        st.recordDuplicate();
        StatsSnapshot s = st.snapshot();
        assertEquals(0, s.received());
        assertEquals(1, s.late());
        assertEquals(1, s.duplicates());
        assertEquals(100.0, s.lossPercent());
    }

    @Test
    void synRetransmitsAreCounted() {
        ProbeStatistics st = new ProbeStatistics();
        for (int r : new int[] {0, 1, 2}) {
            st.recordSent();
            st.recordOutcome(TestOutcomes.answer(MS, TARGET, r));
        }
        StatsSnapshot s = st.snapshot();
        assertEquals(2, s.retransmittedConnects());
        assertEquals(3, s.synRetransmits());
    }

    @Test
    void aHopCountsTimeExceededAsItsReply() {
        ProbeStatistics st = new ProbeStatistics();
        st.recordSent();
        st.recordOutcome(new ProbeOutcome.TtlExceeded(3 * MS, TARGET, 0), true);
        assertEquals(1, st.snapshot().received());
        assertEquals(3 * MS, st.snapshot().lastNanos());
    }

    /**
     * The bucket table's percentiles are HdrHistogram's own, value for value, and the histogram it rebuilds is the
     * one the values make: 1 to 3,000 RTTs spread from a microsecond to 10 s, some repeated, against packed and
     * plain histograms (seeded, so a failure reproduces), with percentiles at the rounding edges of small counts.
     */
    @Test
    void bucketPercentilesAreTheHistogramsOwn() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(12);
        double[] ps = {1, 33.3, 50, 66.7, 90, 99, 99.9, 100};
        for (int round = 0; round < 300; round++) {
            org.HdrHistogram.Histogram h = round % 2 == 0 ? new org.HdrHistogram.PackedHistogram(3)
                    : new org.HdrHistogram.Histogram(3);
            RttBuckets b = new RttBuckets();
            int n = 1 + random.nextInt(round < 100 ? 10 : 3000);
            long v = 0;
            for (int i = 0; i < n; i++) {
                if (i == 0 || random.nextInt(4) != 0) { // else the same value again: a count above 1 per bucket
                    v = round % 3 == 0 ? random.nextInt(3) : (long) Math.pow(10, 3 + 7 * random.nextDouble());
                }
                h.recordValue(v);
                b.record(v);
            }
            long[] got = b.valuesAtPercentiles(ps);
            for (int i = 0; i < ps.length; i++) {
                assertEquals(h.getValueAtPercentile(ps[i]), got[i], n + " values, p" + ps[i]);
            }
            assertEquals(n, b.total());
            assertEquals(h, b.histogram(), n + " values");
        }
    }

    /**
     * A bucket's number is HdrHistogram's counts index (contiguous, ascending): its lowest value is the histogram's
     * lowest equivalent value, at every bucket edge from 0 to Long.MAX_VALUE, and values of one bucket share it.
     */
    @Test
    void bucketNumbersAreTheHistogramsCountsIndex() {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        int previous = -1;
        for (long v = 0; v >= 0 && v < Long.MAX_VALUE; v = h.nextNonEquivalentValue(v)) {
            int i = RttBuckets.index(v);
            assertEquals(previous + 1, i, "bucket after " + previous + " at " + v);
            assertEquals(h.lowestEquivalentValue(v), RttBuckets.lowestValue(i), "bucket " + i);
            assertEquals(i, RttBuckets.index(h.highestEquivalentValue(v)), "the top of bucket " + i);
            previous = i;
        }
        assertEquals(previous, RttBuckets.index(Long.MAX_VALUE));
    }

    /** Values far below and above the first ones (the chunk directory widened both ways) keep every count. */
    @Test
    void bucketsWidenDownAndUp() {
        long[] values = {5_000_000, 4_000, 3, 9_000_000_000L, 0, Long.MAX_VALUE, 5_000_000, 70_000};
        org.HdrHistogram.Histogram h = new org.HdrHistogram.PackedHistogram(3);
        RttBuckets b = new RttBuckets();
        for (long v : values) {
            h.recordValue(v);
            b.record(v);
            assertEquals(h, b.histogram(), "after " + v);
        }
        long[] got = b.valuesAtPercentiles(new double[] {1, 50, 100});
        assertEquals(h.getValueAtPercentile(1), got[0]);
        assertEquals(h.getValueAtPercentile(50), got[1]);
        assertEquals(h.getValueAtPercentile(100), got[2]);
    }

    /**
     * Values are counted in batches, and a read between any two records sees every value so far: batches of 1 to
     * three times the batch size, each spread from 0 to Long.MAX_VALUE (the directory widened down and up within
     * one batch), read by total, percentiles or histogram in turn, against HdrHistogram after every read (seeded).
     */
    @Test
    void readsBetweenRecordsSeeEveryValue() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(31);
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        RttBuckets b = new RttBuckets();
        double[] ps = {1, 50, 90, 99, 100};
        long n = 0;
        for (int read = 0; read < 400; read++) {
            int batch = 1 + random.nextInt(3 * RttBuckets.PENDING);
            for (int i = 0; i < batch; i++) {
                long v = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(5);
                    case 1 -> Long.MAX_VALUE - random.nextInt(5);
                    default -> (long) Math.pow(10, 3 + 12 * random.nextDouble());
                };
                h.recordValue(v);
                b.record(v);
                n++;
            }
            switch (read % 3) {
                case 0 -> assertEquals(n, b.total(), "total after " + n);
                case 1 -> {
                    long[] got = b.valuesAtPercentiles(ps);
                    for (int i = 0; i < ps.length; i++) {
                        assertEquals(h.getValueAtPercentile(ps[i]), got[i], n + " values, p" + ps[i]);
                    }
                }
                default -> assertEquals(h, b.histogram(), n + " values");
            }
        }
        assertEquals(h, b.histogram());
    }

    /** A snapshot after a new RTT shows it in the percentiles (they are kept between snapshots, not stale). */
    @Test
    void percentilesFollowEachNewRtt() {
        ProbeStatistics st = new ProbeStatistics();
        st.recordSent();
        st.recordOutcome(reply(10));
        assertEquals(10 * MS, st.snapshot().p99Nanos(), 10 * MS / 1000.0);
        st.recordSent();
        st.recordOutcome(reply(40));
        assertEquals(40 * MS, st.snapshot().p99Nanos(), 40 * MS / 1000.0);
        assertEquals(10 * MS, st.snapshot().p50Nanos(), 10 * MS / 1000.0);
        assertEquals(2, st.received());
        assertEquals(0, st.inFlight());
        assertEquals(0, st.dropped());
    }

    /**
     * A snapshot's p50/p90/p99 are HdrHistogram's for short series (read from the few RTTs kept sorted) and longer
     * ones (the one walk) alike: 1 to 40 RTTs, seeded.
     */
    @Test
    void snapshotPercentilesAreTheHistogramsForShortAndLongSeries() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            ProbeStatistics st = new ProbeStatistics();
            org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
            int n = 1 + round % 40;
            for (int i = 0; i < n; i++) {
                long rtt = (long) Math.pow(10, 3 + 6 * random.nextDouble());
                st.recordSent();
                st.recordOutcome(TestOutcomes.answer(rtt, TARGET));
                h.recordValue(rtt);
            }
            StatsSnapshot s = st.snapshot();
            assertEquals(h.getValueAtPercentile(50), s.p50Nanos(), n + " RTTs, p50");
            assertEquals(h.getValueAtPercentile(90), s.p90Nanos(), n + " RTTs, p90");
            assertEquals(h.getValueAtPercentile(99), s.p99Nanos(), n + " RTTs, p99");
        }
    }

    /** A long series (past the table's growth steps) keeps every count: its histogram is the values' own. */
    @Test
    void theHistogramKeepsEveryCount() {
        java.util.Random random = new java.util.Random(7);
        org.HdrHistogram.PackedHistogram reference = new org.HdrHistogram.PackedHistogram(3);
        ProbeStatistics st = new ProbeStatistics();
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            long rtt = 1_000 + (long) (random.nextDouble() * random.nextDouble() * 50_000_000L);
            st.recordSent();
            st.recordOutcome(TestOutcomes.answer(rtt, TARGET));
            reference.recordValue(rtt);
        }
        StatsSnapshot s = st.snapshot();
        assertEquals(n, st.histogram().getTotalCount());
        assertEquals(reference, st.histogram());
        assertEquals(reference.getValueAtPercentile(50), s.p50Nanos());
        assertEquals(reference.getValueAtPercentile(90), s.p90Nanos());
        assertEquals(reference.getValueAtPercentile(99), s.p99Nanos());
        assertEquals(reference.getMaxValue(), st.histogram().getMaxValue());
        assertEquals(reference.getMinValue(), st.histogram().getMinValue());
    }

    /** Sends counted in one step are the same as one at a time; a negative count is refused. */
    @Test
    void sendsCountedAtOnceAreSendsCountedOneByOne() {
        ProbeStatistics once = new ProbeStatistics();
        ProbeStatistics each = new ProbeStatistics();
        once.recordSent(3);
        for (int i = 0; i < 3; i++) {
            each.recordSent();
        }
        once.recordOutcome(reply(5));
        each.recordOutcome(reply(5));
        StatsSnapshot a = once.snapshot();
        StatsSnapshot b = each.snapshot();
        assertEquals(b.sent(), a.sent());
        assertEquals(b.received(), a.received());
        assertEquals(b.inFlight(), a.inFlight());
        assertEquals(b.lossPercent(), a.lossPercent());
        assertEquals(2, once.inFlight());
        assertThrows(IllegalArgumentException.class, () -> once.recordSent(-1));
    }
}
