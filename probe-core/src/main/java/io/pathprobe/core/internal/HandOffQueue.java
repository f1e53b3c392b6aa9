package io.pathprobe.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A queue that any thread may {@link #offer} to and {@link #poll} from, built for one main consumer (the loop that
 * owns it) and rare others (idle loops taking its work): unbounded, in order per producer, and without a node per
 * element (a {@link java.util.concurrent.ConcurrentLinkedQueue} allocates 24 bytes an element). Elements go into
 * chunks of {@value #CHUNK} slots: a producer claims a slot with one atomic add on the chunk's counter and stores
 * into it; a consumer takes the element at the queue-wide count of those taken with one compare-and-set of it.
 *
 * <p>A slot claimed and not yet stored reads as empty: {@link #poll} returns null and {@link #isEmpty} true until the
 * store, so a producer must, after its offer, make sure a consumer looks again (the pacer schedules a drain when it
 * sees a free slot). The store is volatile, so a producer's read after the offer (of a free slot, say) is not ordered
 * before it. Taken slots are not cleared (a racing consumer would read a cleared slot as the end of the queue): a
 * chunk and what it held go to the collector together once every slot of it is taken.
 */
final class HandOffQueue<T> {
    static final int CHUNK = 256;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle CLAIMED;
    private static final VarHandle NEXT;
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Where in {@link #taken} the count is: 64 bytes or more from either end of the array, alone on its cache line. */
    private static final int PADDED = 8;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CLAIMED = l.findVarHandle(Chunk.class, "claimed", int.class);
            NEXT = l.findVarHandle(Chunk.class, "next", Chunk.class);
            TAIL = l.findVarHandle(HandOffQueue.class, "tail", Chunk.class);
            HEAD = l.findVarHandle(HandOffQueue.class, "head", Chunk.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Chunk {
        final Object[] slots = new Object[CHUNK];
        /** The queue-wide index of slot 0. */
        final long base;
        /** Slots claimed by producers; counts on past {@link #CHUNK} when full (each producer then moves on). */
        @SuppressWarnings("unused") // through CLAIMED
        volatile int claimed;
        volatile Chunk next;

        Chunk(long base) {
            this.base = base;
        }
    }

    /** Where producers claim; may lag behind the newest chunk (a producer finding it full moves it on). */
    @SuppressWarnings("FieldMayBeFinal") // through TAIL
    private volatile Chunk tail;
    /** The chunk holding the next element to take; may lag (a consumer finding it used up moves it on). */
    @SuppressWarnings("FieldMayBeFinal") // through HEAD
    private volatile Chunk head;
    /**
     * Elements taken so far (the queue-wide index of the next to take), at {@link #PADDED}: written at every take, so
     * kept off the line of {@link #tail}, which every offer reads (sharing it made each take and offer miss in cache).
     */
    private final long[] taken = new long[2 * PADDED + 1];

    HandOffQueue() {
        Chunk c = new Chunk(0);
        head = c;
        tail = c;
    }

    /** Adds {@code item} at the end; any thread. */
    void offer(T item) {
        if (item == null) {
            throw new NullPointerException("item");
        }
        while (true) {
            Chunk c = tail;
            int i = (int) CLAIMED.getAndAdd(c, 1);
            if (i < CHUNK) {
                SLOTS.setVolatile(c.slots, i, item);
                return;
            }
            Chunk n = c.next;
            if (n == null) {
                Chunk fresh = new Chunk(c.base + CHUNK);
                n = NEXT.compareAndSet(c, null, fresh) ? fresh : c.next;
            }
            if (n == c) {
                n = head; // c was used up and let go (its producer had not moved the tail on yet): the head is past it
            }
            TAIL.compareAndSet(this, c, n);
        }
    }

    /** The first element, taken off; null when there is none (or its producer has not stored it yet). Any thread. */
    @SuppressWarnings("unchecked")
    T poll() {
        while (true) {
            long g = taken();
            Object o = at(g);
            if (o == null) {
                return null;
            }
            if (o != RETRY && LONGS.compareAndSet(taken, PADDED, g, g + 1)) {
                return (T) o;
            }
        }
    }

    /** Whether {@link #poll} would return null now. */
    boolean isEmpty() {
        while (true) {
            Object o = at(taken());
            if (o != RETRY) {
                return o == null;
            }
        }
    }

    private static final Object RETRY = new Object();

    /** The element at queue-wide index {@code g}, null when not (yet) there, or {@link #RETRY} after a race. */
    private Object at(long g) {
        Chunk c = head;
        long off = g - c.base;
        if (off < 0) {
            return RETRY; // the head moved on after g was read: g was taken meanwhile
        }
        if (off >= CHUNK) {
            Chunk n = c.next;
            if (n == null) {
                return null;
            }
            if (n != c && HEAD.compareAndSet(this, c, n)) {
                // Let go of the used-up chunk: linked to itself, it keeps nothing after it alive (a chunk that reached
                // the old generation would otherwise hold every later one until a full collection).
                NEXT.setRelease(c, c);
            }
            return RETRY;
        }
        return SLOTS.getAcquire(c.slots, (int) off);
    }

    /** Elements stored and not yet taken (from a thread other than the consumers', an estimate). */
    int size() {
        long n = 0;
        long from = taken();
        for (Chunk c = head; c != null; c = c.next == c ? null : c.next) {
            long end = c.base + Math.min((int) CLAIMED.getVolatile(c), CHUNK);
            n += Math.max(0, end - Math.max(from, c.base));
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** Elements taken so far (never more than were offered; another thread may read a value a little behind). */
    long taken() {
        return (long) LONGS.getVolatile(taken, PADDED);
    }
}
