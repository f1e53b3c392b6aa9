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
 * <p>A bucket is keyed by its place in the histogram (which gives its lowest equivalent value back), so
 * {@link #histogram()} rebuilds exactly the histogram the values would have made: the same counts, minimum, maximum
 * and percentiles. 8 bytes a slot, at most 3/4 of them in use. Values are non-negative.
 * Single-writer and not thread-safe: {@link ProbeStatistics} is its one owner.
 */
final class RttBuckets {
    static final int SIGNIFICANT_DIGITS = 3;
    /** Bucket arithmetic only (equivalent values and ranges, which read final fields); never recorded in. */
    private static final Histogram SHAPE = new Histogram(SIGNIFICANT_DIGITS);
    /**
     * Bits of a bucket's sub-bucket number: a bucket's lowest value is {@code sub << shift} with {@code sub} below
     * 2^SUB_BITS, where 2^SUB_BITS is the first value whose bucket spans two values (2,048 at 3 digits).
     */
    private static final int SUB_BITS;
    static {
        int bits = 1;
        while (SHAPE.sizeOfEquivalentValueRange(1L << bits) == 1) {
            bits++;
        }
        SUB_BITS = bits;
    }
    /** A slot is {@code code << COUNT_BITS | count}; 0 is an empty slot (a counted bucket's count is at least 1). */
    private static final int COUNT_BITS = 42;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final int FIRST_CAPACITY = 16;

    /** One long a bucket, so that an increment touches one cache line (254 busy series do not fit in a cache). */
    private long[] slots = new long[FIRST_CAPACITY];
    /** 64 - log2(capacity): the table index is the hash's top bits. */
    private int shift = 64 - Integer.numberOfTrailingZeros(FIRST_CAPACITY);
    private int size;
    private long total;

    /**
     * A bucket's number, ascending with its values: its shift above its sub-bucket number (a higher shift's lowest
     * value, 2^(SUB_BITS-1) << shift, is above every value of the shift below it).
     */
    private static long code(long value) {
        long lowest = SHAPE.lowestEquivalentValue(value);
        int s = Long.numberOfTrailingZeros(SHAPE.sizeOfEquivalentValueRange(lowest));
        return (long) s << SUB_BITS | lowest >>> s;
    }

    private static long lowestValue(long code) {
        return (code & ((1L << SUB_BITS) - 1)) << (code >>> SUB_BITS);
    }

    /**
     * Counts one value (nanoseconds, not negative).
     *
     * @throws ArithmeticException when one bucket would count 2^42 values (50 days of a million a second in it)
     */
    void record(long value) {
        long code = code(value);
        int mask = slots.length - 1;
        for (int i = slot(code); ; i = (i + 1) & mask) {
            long s = slots[i];
            if (s == 0) {
                slots[i] = code << COUNT_BITS | 1;
                total++;
                if (++size > (slots.length >> 2) * 3) { // at most 3/4 full: probes stay short
                    grow();
                }
                return;
            }
            if (s >>> COUNT_BITS == code) {
                if ((s & COUNT_MASK) == COUNT_MASK) {
                    throw new ArithmeticException("an RTT bucket would count 2^" + COUNT_BITS + " values");
                }
                slots[i] = s + 1;
                total++;
                return;
            }
        }
    }

    private int slot(long code) {
        return (int) ((code * 0x9E3779B97F4A7C15L) >>> shift); // Fibonacci hashing: neighbouring buckets spread
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        shift--;
        int mask = slots.length - 1;
        for (long s : old) {
            if (s != 0) {
                int i = slot(s >>> COUNT_BITS);
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = s;
            }
        }
    }

    /** The counted buckets as slots, in ascending order of their values (codes sort as the values); for histogram(). */
    private long[] sorted() {
        long[] out = new long[size];
        int n = 0;
        for (long s : slots) {
            if (s != 0) {
                out[n++] = s;
            }
        }
        Arrays.sort(out); // codes are in the high bits, and below 2^(63 - COUNT_BITS): unsigned order is signed
        return out;
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
     * {@code ascending} (percentiles in (0, 100], in ascending order): the same count at each percentile (its
     * rounding included), the same value (the highest equivalent of the bucket that reaches it). All zeros when
     * empty, as the histogram's. Without sorting the table: one pass counts by shift (a power of two of values),
     * then only the shifts that hold a percentile are counted by sub-bucket, in order (a sort of every bucket was
     * most of a 254-target sweep's end, where each target's last snapshot reads its percentiles).
     */
    long[] valuesAtPercentiles(double[] ascending) {
        long[] out = new long[ascending.length];
        if (total == 0) {
            return out;
        }
        long[] byShift = new long[64];
        for (long s : slots) {
            if (s != 0) {
                byShift[(int) (s >>> COUNT_BITS >>> SUB_BITS)] += s & COUNT_MASK;
            }
        }
        int shift = 0;
        long below = 0; // values in the shifts under 'shift'
        long[] subs = null;
        int subsShift = -1;
        for (int i = 0; i < ascending.length; i++) {
            long want = countAt(ascending[i], total);
            while (below + byShift[shift] < want) {
                below += byShift[shift++];
            }
            if (subsShift != shift) {
                subs = bySub(shift);
                subsShift = shift;
            }
            long running = below;
            int sub = 0;
            while ((running += subs[sub]) < want) {
                sub++;
            }
            out[i] = highestEquivalent(lowestValue((long) shift << SUB_BITS | sub));
        }
        return out;
    }

    /** The counts of the buckets of one shift, by sub-bucket number. */
    private long[] bySub(int shift) {
        long[] subs = new long[1 << SUB_BITS];
        for (long s : slots) {
            long code = s >>> COUNT_BITS;
            if (s != 0 && code >>> SUB_BITS == shift) {
                subs[(int) (code & ((1L << SUB_BITS) - 1))] += s & COUNT_MASK;
            }
        }
        return subs;
    }

    /** The count a percentile needs, rounded as {@link Histogram#getValueAtPercentile} rounds it. */
    static long countAt(double percentile, long total) {
        double p = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0), 100.0);
        return Math.max(1, (long) Math.ceil(p / 100.0 * total));
    }

    /** The histogram these values make: a new packed one (its size follows the buckets, as this table's). */
    Histogram histogram() {
        PackedHistogram h = new PackedHistogram(SIGNIFICANT_DIGITS);
        for (long s : sorted()) {
            h.recordValueWithCount(lowestValue(s >>> COUNT_BITS), s & COUNT_MASK);
        }
        return h;
    }
}
