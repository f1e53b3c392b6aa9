package io.pathprobe.core.stats;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;


/**
 * The counts of an HdrHistogram of {@value #SIGNIFICANT_DIGITS} significant digits, kept in ascending order of
 * bucket in chunks of {@value #CHUNK} counts that are made as values reach them, so that memory follows what was
 * measured while an increment costs a shift, two loads and a store from the first value on, and neighbouring RTTs
 * share a cache line; values are counted in batches (see {@link #pending}). (A packed histogram instead walks its
 * index per value and copies every populated entry each time a new bucket appears; a plain one holds ~100 KB of
 * counts for loopback to one-second RTTs in each series; a hash table of buckets spread neighbouring RTTs over its
 * whole table, and with 254 busy series of several thousand buckets each, a table a series, its loads missed the
 * caches: 23% of a 10M-probe ping's event-loop samples.)
 *
 * <p>A bucket is numbered by its place in the histogram's counts array, which gives its lowest equivalent value
 * back, so {@link #histogram()} rebuilds exactly the histogram the values would have made: the same counts,
 * minimum, maximum and percentiles. The directory spans only the chunks from the lowest value's to the highest's
 * (a series of RTTs within a millisecond of each other holds a few chunks). Values are non-negative.
 * Single-writer and not thread-safe, reads included (they count what is pending): {@link ProbeStatistics} is its
 * one owner.
 */
final class RttBuckets {
    static final int SIGNIFICANT_DIGITS = 3;
    /** Bucket arithmetic only (equivalent values and ranges, which read final fields); never recorded in. */
    private static final Histogram SHAPE = new Histogram(SIGNIFICANT_DIGITS);
    /**
     * Bits of a bucket's sub-bucket number: 2^SUB_BITS is the first value whose bucket spans two values (2,048 at 3
     * digits); from there each power of two of values holds 2^(SUB_BITS-1) buckets.
     */
    private static final int SUB_BITS;
    static {
        int bits = 1;
        while (SHAPE.sizeOfEquivalentValueRange(1L << bits) == 1) {
            bits++;
        }
        SUB_BITS = bits;
    }
    private static final int HALF_BITS = SUB_BITS - 1;
    private static final int SUB_MASK = (1 << SUB_BITS) - 1;
    /** Counts a chunk: 16 longs, two cache lines. */
    private static final int CHUNK_BITS = 4;
    static final int CHUNK = 1 << CHUNK_BITS;

    /**
     * Bucket numbers recorded but not yet counted: {@link #record} appends here and counts them {@value #PENDING}
     * at a time. A many-target ping's series spread over tens of MB of counts, so an increment per reply was a
     * cache miss amid the event loop's other work (a fifth of its Java time at 5M probes over 254 targets); counted
     * together, the misses of one series overlap, and its counts are read once per batch. Every read counts them
     * first.
     */
    private final int[] pending = new int[PENDING];
    private int pendingCount;
    static final int PENDING = 32;
    /** Chunks of counts for chunk numbers {@code first} to {@code first + chunks.length - 1}; null until reached. */
    private long[][] chunks;
    private int first;
    private long total;

    /**
     * A value's bucket number, contiguous and ascending with the values (HdrHistogram's counts index): values below
     * 2^SUB_BITS are their own bucket; above, the power of two {@code b} above the sub-buckets gives buckets of
     * 2^b values, numbered {@code (b << HALF_BITS) + (value >>> b)}.
     */
    static int index(long value) {
        int b = (64 - SUB_BITS) - Long.numberOfLeadingZeros(value | SUB_MASK);
        return (b << HALF_BITS) + (int) (value >>> b);
    }

    /** The lowest value of a bucket (the inverse of {@link #index}). */
    static long lowestValue(int index) {
        if (index <= SUB_MASK) {
            return index;
        }
        int b = (index >>> HALF_BITS) - 1;
        return (long) (index - (b << HALF_BITS)) << b;
    }

    /** Counts one value (nanoseconds, not negative). */
    void record(long value) {
        pending[pendingCount++] = index(value);
        if (pendingCount == PENDING) {
            countPending();
        }
    }

    /** Adds the pending bucket numbers to their counts (the directory widened first, once, to span them all). */
    private void countPending() {
        int n = pendingCount;
        if (n == 0) {
            return;
        }
        int[] p = pending;
        int lo = p[0];
        int hi = lo;
        for (int k = 1; k < n; k++) {
            lo = Math.min(lo, p[k]);
            hi = Math.max(hi, p[k]);
        }
        reach(lo >>> CHUNK_BITS); // each returns at once when the directory spans the chunk already
        long[][] dir = reach(hi >>> CHUNK_BITS);
        int base = first;
        for (int k = 0; k < n; k++) {
            int i = p[k];
            int c = (i >>> CHUNK_BITS) - base;
            long[] chunk = dir[c];
            if (chunk == null) {
                chunk = dir[c] = new long[CHUNK];
            }
            chunk[i & (CHUNK - 1)]++;
        }
        total += n;
        pendingCount = 0;
    }

    /** Widens the directory to hold chunk number {@code chunk}, by at least half again so that widening is rare. */
    private long[][] reach(int chunk) {
        if (chunks != null && chunk >= first && chunk - first < chunks.length) {
            return chunks;
        }
        if (chunks == null) {
            chunks = new long[1][];
            first = chunk;
            return chunks;
        }
        int last = first + chunks.length - 1;
        int lo = Math.min(first, chunk);
        int hi = Math.max(last, chunk);
        int grow = Math.max(hi - lo + 1, chunks.length + (chunks.length >> 1));
        int end = index(Long.MAX_VALUE) >>> CHUNK_BITS; // the directory never spans past the last bucket or below 0
        if (chunk < first) {
            lo = Math.max(0, hi - grow + 1);
        } else {
            hi = Math.min(end, lo + grow - 1);
        }
        long[][] dir = new long[hi - lo + 1][];
        System.arraycopy(chunks, 0, dir, first - lo, chunks.length);
        chunks = dir;
        first = lo;
        return dir;
    }

    /** Values counted. */
    long total() {
        return total + pendingCount;
    }

    /** What {@link Histogram#highestEquivalentValue} says of {@code value} for this precision. */
    static long highestEquivalent(long value) {
        return SHAPE.highestEquivalentValue(value);
    }

    /**
     * What {@link Histogram#getValueAtPercentile} of the histogram of these values returns for each of
     * {@code ascending} (percentiles in (0, 100], in ascending order): the same count at each percentile (its
     * rounding included), the same value (the highest equivalent of the bucket that reaches it). All zeros when
     * empty, as the histogram's. One walk of the chunks in order, which are already sorted (a sort of every bucket
     * was most of a 254-target sweep's end, where each target's last snapshot reads its percentiles).
     */
    long[] valuesAtPercentiles(double[] ascending) {
        countPending();
        long[] out = new long[ascending.length];
        if (total == 0) {
            return out;
        }
        int p = 0;
        long want = countAt(ascending[0], total);
        long running = 0;
        for (int c = 0; c < chunks.length; c++) {
            long[] chunk = chunks[c];
            if (chunk == null) {
                continue;
            }
            for (int j = 0; j < CHUNK; j++) {
                running += chunk[j];
                while (running >= want) { // this bucket reaches the percentile (and maybe the next ones)
                    out[p++] = highestEquivalent(lowestValue(((first + c) << CHUNK_BITS) + j));
                    if (p == ascending.length) {
                        return out;
                    }
                    want = countAt(ascending[p], total);
                }
            }
        }
        throw new IllegalStateException("percentiles past the last count"); // countAt is at most total
    }

    /** The count a percentile needs, rounded as {@link Histogram#getValueAtPercentile} rounds it. */
    static long countAt(double percentile, long total) {
        double p = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0), 100.0);
        return Math.max(1, (long) Math.ceil(p / 100.0 * total));
    }

    /** The histogram these values make: a new packed one (its size follows the buckets, as these chunks'). */
    Histogram histogram() {
        countPending();
        PackedHistogram h = new PackedHistogram(SIGNIFICANT_DIGITS);
        if (chunks != null) {
            for (int c = 0; c < chunks.length; c++) {
                long[] chunk = chunks[c];
                for (int j = 0; chunk != null && j < CHUNK; j++) {
                    if (chunk[j] != 0) {
                        h.recordValueWithCount(lowestValue(((first + c) << CHUNK_BITS) + j), chunk[j]);
                    }
                }
            }
        }
        return h;
    }
}
