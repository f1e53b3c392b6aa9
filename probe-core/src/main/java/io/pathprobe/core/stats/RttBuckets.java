package io.pathprobe.core.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;

import java.util.Arrays;

/**
 * The counts of an HdrHistogram of {@value #SIGNIFICANT_DIGITS} significant digits, kept by bucket in an
 * open-addressing table that grows with the number of distinct buckets seen (as a packed histogram's storage
 * does), so that memory follows what was measured while an increment costs a hash and a probe or two from the
 * first value on. A packed histogram instead walks its index per value and copies every populated entry each time
 * a new bucket appears (most of the event loops' Java time in a fast many-target ping); a plain one is cheap to
 * increment but holds ~100 KB of counts for loopback to one-second RTTs in each series.
 *
 * <p>A bucket is keyed by its lowest equivalent value, so {@link #histogram()} rebuilds exactly the histogram the
 * values would have made (the same counts, minimum, maximum and percentiles). Values are non-negative.
 * Single-writer and not thread-safe: {@link ProbeStatistics} is its one owner.
 */
final class RttBuckets {
    static final int SIGNIFICANT_DIGITS = 3;
    /** Bucket arithmetic only (lowest and highest equivalent values, which read final fields); never recorded in. */
    private static final Histogram SHAPE = new Histogram(SIGNIFICANT_DIGITS);
    private static final int FIRST_CAPACITY = 16;

    /** A bucket's lowest equivalent value where {@code counts} is not 0. */
    private long[] keys = new long[FIRST_CAPACITY];
    private long[] counts = new long[FIRST_CAPACITY];
    /** 64 - log2(capacity): the table index is the hash's top bits. */
    private int shift = 64 - Integer.numberOfTrailingZeros(FIRST_CAPACITY);
    private int size;
    private long total;

    /** Counts one value (nanoseconds, not negative). */
    void record(long value) {
        long key = SHAPE.lowestEquivalentValue(value);
        int mask = keys.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (counts[i] == 0) {
                keys[i] = key;
                counts[i] = 1;
                total++;
                if (++size > keys.length >> 1) { // at most half full: probes stay short
                    grow();
                }
                return;
            }
            if (keys[i] == key) {
                counts[i]++;
                total++;
                return;
            }
        }
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift); // Fibonacci hashing: neighbouring buckets spread
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldCounts = counts;
        keys = new long[oldKeys.length * 2];
        counts = new long[oldKeys.length * 2];
        shift--;
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldCounts[j] != 0) {
                int i = slot(oldKeys[j]);
                while (counts[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                counts[i] = oldCounts[j];
            }
        }
    }

    /** Values counted. */
    long total() {
        return total;
    }

    /** What {@link Histogram#highestEquivalentValue} says of {@code value} for this precision. */
    static long highestEquivalent(long value) {
        return SHAPE.highestEquivalentValue(value);
    }

    /**
     * What {@link Histogram#getValueAtPercentile} of the histogram of these values returns for each of
     * {@code ascending} (percentiles in (0, 100], in ascending order), in one walk over the buckets in order: the
     * same count at each percentile (its rounding included), the same value (the highest equivalent of the bucket
     * that reaches it). All zeros when empty, as the histogram's.
     */
    long[] valuesAtPercentiles(double[] ascending) {
        long[] out = new long[ascending.length];
        if (total == 0) {
            return out;
        }
        long[] sorted = new long[size];
        long[] at = new long[size];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (counts[i] != 0) {
                sorted[n++] = keys[i];
            }
        }
        Arrays.sort(sorted);
        for (int j = 0; j < n; j++) {
            at[j] = countOf(sorted[j]);
        }
        int next = 0;
        long want = countAt(ascending[0], total);
        long running = 0;
        for (int j = 0; j < n; j++) {
            running += at[j];
            while (running >= want) {
                out[next++] = highestEquivalent(sorted[j]);
                if (next == out.length) {
                    return out;
                }
                want = countAt(ascending[next], total);
            }
        }
        return out;
    }

    private long countOf(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key); counts[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return counts[i];
            }
        }
        return 0;
    }

    /** The count a percentile needs, rounded as {@link Histogram#getValueAtPercentile} rounds it. */
    static long countAt(double percentile, long total) {
        double p = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0), 100.0);
        return Math.max(1, (long) Math.ceil(p / 100.0 * total));
    }

    /** The histogram these values make: a new packed one (its size follows the buckets, as this table's). */
    Histogram histogram() {
        PackedHistogram h = new PackedHistogram(SIGNIFICANT_DIGITS);
        for (int i = 0; i < keys.length; i++) {
            if (counts[i] != 0) {
                h.recordValueWithCount(keys[i], counts[i]);
            }
        }
        return h;
    }
}
