package io.pathprobe.icmp.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Timeouts for a million probes without a timer each: probes with the same timeout go into one FIFO ring of
 * {@code (generation, key)} longs in send order, so each ring is sorted by deadline and a sweep only looks at ring
 * heads. A probe passes through up to two rings' worth of time: until its timeout (then, if still pending, it times
 * out), while an answer to it is told as a duplicate; then, once timed out, as long again lingering (so a late answer
 * is recognised), after which its key is freed. An answered or otherwise ended probe's key is freed at its timeout.
 * 8 bytes per probe. Confined to the lane's event loop.
 */
public final class TimeoutQueues {
    /** What the sweep does to the table; implemented by the lane. */
    public interface Expiry {
        /** The probe of {@code key} is still pending {@code timeoutNanos} after it was sent: end it as timed out. */
        void timedOut(int key, long timeoutNanos);
    }

    private final PendingTable table;
    private final List<Ring> rings = new ArrayList<>();

    public TimeoutQueues(PendingTable table) {
        this.table = table;
    }

    /** Registers a probe just allocated in the table; {@code timeoutNanos} counts from its send time. */
    public void add(int key, long timeoutNanos) {
        ring(timeoutNanos).waiting.add(entry(key));
    }

    private long entry(int key) {
        return (long) table.generation(key) << 32 | (key & 0xffffffffL);
    }

    private Ring ring(long timeoutNanos) {
        for (int i = 0, n = rings.size(); i < n; i++) {
            Ring r = rings.get(i);
            if (r.timeoutNanos == timeoutNanos) {
                return r;
            }
        }
        Ring r = new Ring(timeoutNanos);
        rings.add(r);
        return r;
    }

    /**
     * Times out what is due at {@code now} and frees keys whose linger time is over.
     *
     * @return the earliest time something is due next, or {@link Long#MAX_VALUE} when nothing is queued
     */
    public long sweep(long now, Expiry expiry) {
        long next = Long.MAX_VALUE;
        for (int i = rings.size() - 1; i >= 0; i--) {
            Ring r = rings.get(i);
            next = Math.min(next, sweepWaiting(r, now, expiry));
            next = Math.min(next, sweepLingering(r, now));
            if (r.waiting.isEmpty() && r.lingering.isEmpty()) {
                rings.remove(i);
            }
        }
        return next;
    }

    private long sweepWaiting(Ring r, long now, Expiry expiry) {
        LongRing q = r.waiting;
        while (!q.isEmpty()) {
            long e = q.peek();
            int key = (int) e;
            if (table.generation(key) != (int) (e >>> 32)) {
                q.poll(); // key reused: that probe is long gone
                continue;
            }
            long due = table.sentNanos(key) + r.timeoutNanos;
            if (due - now > 0) {
                return due;
            }
            q.poll();
            if (table.state(key) == PendingTable.PENDING) {
                expiry.timedOut(key, r.timeoutNanos);
            }
            byte state = table.state(key);
            if (state == PendingTable.ANSWERED || state == PendingTable.ENDED) {
                // Nothing needs it longer: a duplicate is counted within the probe's own wait, and an ended probe
                // ignores answers. Held a second timeout, answered echoes were most of a fast ping's live heap.
                table.free(key);
            } else {
                r.lingering.add(e);
            }
        }
        return Long.MAX_VALUE;
    }

    private long sweepLingering(Ring r, long now) {
        LongRing q = r.lingering;
        while (!q.isEmpty()) {
            long e = q.peek();
            int key = (int) e;
            if (table.generation(key) != (int) (e >>> 32)) {
                q.poll();
                continue;
            }
            long due = table.sentNanos(key) + 2 * r.timeoutNanos;
            if (due - now > 0) {
                return due;
            }
            q.poll();
            if (table.state(key) != PendingTable.PENDING) {
                table.free(key);
            }
        }
        return Long.MAX_VALUE;
    }

    /** Entries queued (waiting and lingering), for tests and memory reports. */
    public long size() {
        long n = 0;
        for (Ring r : rings) {
            n += r.waiting.size() + r.lingering.size();
        }
        return n;
    }

    private static final class Ring {
        final long timeoutNanos;
        final LongRing waiting = new LongRing();
        final LongRing lingering = new LongRing();

        Ring(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
        }
    }

    /** A growable circular FIFO of longs. */
    static final class LongRing {
        private long[] a = new long[64];
        private int head;
        private int size;

        void add(long v) {
            if (size == a.length) {
                long[] b = new long[a.length * 2];
                int first = a.length - head;
                System.arraycopy(a, head, b, 0, Math.min(first, size));
                if (first < size) {
                    System.arraycopy(a, 0, b, first, size - first);
                }
                a = b;
                head = 0;
            }
            a[(head + size) & (a.length - 1)] = v;
            size++;
        }

        long peek() {
            return a[head];
        }

        long poll() {
            long v = a[head];
            head = (head + 1) & (a.length - 1);
            size--;
            if (size == 0) {
                head = 0;
                if (a.length > 4096) {
                    a = new long[64]; // give memory back after a burst
                }
            }
            return v;
        }

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }
    }
}
