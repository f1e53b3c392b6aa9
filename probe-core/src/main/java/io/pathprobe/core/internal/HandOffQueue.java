package io.pathprobe.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A queue that any thread may {@link #offer} to and one thread (its owner) {@link #poll}s: unbounded, in order per
 * producer, and without a node per element (a {@link java.util.concurrent.ConcurrentLinkedQueue} allocates 24 bytes
 * an element and makes every consumer CAS its head). Elements go into chunks of {@value #CHUNK} slots: a producer
 * claims a slot with one atomic add on the chunk's counter and stores into it; the owner reads slots in order with
 * plain loads and stores, and moves to the next chunk when one is used up.
 *
 * <p>A slot claimed and not yet stored reads as empty: {@link #poll} returns null and {@link #isEmpty} true until the
 * store. So a producer must, after its offer, make sure the owner looks again (the pacer schedules a drain on the
 * owner's loop when it sees a free slot). The store is volatile, so a producer's read after the offer (of a free
 * slot, say) is not ordered before it, and an owner that frees a slot and then looks at the queue sees the element,
 * or the producer sees the slot.
 */
final class HandOffQueue<T> {
    static final int CHUNK = 256;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle CLAIMED;
    private static final VarHandle NEXT;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CLAIMED = l.findVarHandle(Chunk.class, "claimed", int.class);
            NEXT = l.findVarHandle(Chunk.class, "next", Chunk.class);
            TAIL = l.findVarHandle(HandOffQueue.class, "tail", Chunk.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Chunk {
        final Object[] slots = new Object[CHUNK];
        /** Slots claimed by producers; counts on past {@link #CHUNK} when full (each producer then moves on). */
        @SuppressWarnings("unused") // through CLAIMED
        volatile int claimed;
        volatile Chunk next;
    }

    /** Where producers claim; may lag behind the newest chunk (a producer finding it full moves it on). */
    @SuppressWarnings("FieldMayBeFinal") // through TAIL
    private volatile Chunk tail;
    /** The owner's chunk and next slot in it (the owner's alone). */
    private Chunk head;
    private int index;

    HandOffQueue() {
        Chunk c = new Chunk();
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
                Chunk fresh = new Chunk();
                n = NEXT.compareAndSet(c, null, fresh) ? fresh : c.next;
            }
            TAIL.compareAndSet(this, c, n);
        }
    }

    /** The first element, taken off; null when there is none (or its producer has not stored it yet). Owner only. */
    @SuppressWarnings("unchecked")
    T poll() {
        Object o = peekSlot();
        if (o != null) {
            head.slots[index++] = null;
        }
        return (T) o;
    }

    /** Whether {@link #poll} would return null now. Owner only (from another thread: a hint). */
    boolean isEmpty() {
        return peekSlot() == null;
    }

    private Object peekSlot() {
        if (index == CHUNK) {
            Chunk n = head.next;
            if (n == null) {
                return null;
            }
            head = n; // the used-up chunk goes to the collector
            index = 0;
        }
        return SLOTS.getAcquire(head.slots, index);
    }

    /**
     * Elements claimed and not yet polled: exact when producers and owner are quiet; from a thread other than the
     * owner, an estimate.
     */
    int size() {
        Chunk c = head;
        int from = index;
        long n = 0;
        for (; c != null; c = c.next, from = 0) {
            n += Math.max(0, Math.min((int) CLAIMED.getVolatile(c), CHUNK) - from);
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }
}
