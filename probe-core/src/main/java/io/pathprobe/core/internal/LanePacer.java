package io.pathprobe.core.internal;

import io.netty.util.concurrent.EventExecutor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The {@link Pacer} with a lane per event loop (no rate limit): each loop has a queue of its own
 * ({@link HandOffQueue}: no node per item), so the loops and the submitters do not all meet on one queue. A loop
 * queues what it submits on its own queue; another thread spreads its items over the loops' queues in turn and asks
 * the loop to drain (one task for a batch). A loop whose item ends starts the next queued one in that slot, its own
 * queue's first and else another loop's (an idle loop takes work from a busy one), without touching the shared
 * in-flight count: a busy loop refills itself without a shared write. Every fall of the count is followed by a look
 * at every lane's queue, so an item never waits while a slot is free. Held items are started by whichever thread
 * frees a slot, before any lane's.
 */
final class LanePacer<T> extends Pacer<T> {
    /** One per event loop. */
    private final Lane<T>[] lanes;
    /** Which lane a submitter that is not a loop queues on next (a lost update only skews the turn). */
    private int nextLane;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** An index 64 bytes or more from either end of an array one longer than twice it: its element alone on a line. */
    private static final int PADDED = 8;

    /** One event loop's queue, and whether a drain of it is asked for. */
    private static final class Lane<T> implements Runnable {
        final LanePacer<T> pacer;
        final EventExecutor loop;
        final HandOffQueue<T> queue = new HandOffQueue<>();
        /**
         * Items offered (with the queue's count of those taken, another thread's test for a non-empty queue), at
         * {@link #PADDED}: alone on a cache line, as submitters write it and every loop reads this lane's fields.
         */
        private final long[] offered = new long[2 * PADDED + 1];
        final AtomicBoolean drainScheduled = new AtomicBoolean();
        /**
         * This loop's own state, at twice {@link #PADDED} and after, on a line of its own: whether it is in
         * {@link #drainLane} or a hand-over (an item ending inside its start must not nest), and the items it has
         * picked for a slot (which queue goes first, {@link #next}). Written at every pick, so kept off the line of
         * the fields the other threads read.
         */
        private final int[] own = new int[6 * PADDED];

        int depth() {
            return own[2 * PADDED];
        }

        void depth(int d) {
            own[2 * PADDED] = d;
        }

        int nextPick() {
            return ++own[2 * PADDED + 1];
        }

        void offered() {
            LONGS.getAndAdd(offered, PADDED, 1L);
        }

        long offeredCount() {
            return (long) LONGS.getVolatile(offered, PADDED);
        }

        Lane(LanePacer<T> pacer, EventExecutor loop) {
            this.pacer = pacer;
            this.loop = loop;
        }

        /** Never falsely false: the count taken is read after the count offered, and neither goes back. */
        boolean looksNonEmpty() {
            return offeredCount() != queue.taken();
        }

        /** A drain asked for by another thread. */
        @Override
        public void run() {
            drainScheduled.set(false);
            pacer.drainLane(this);
        }
    }

    LanePacer(int maxInFlight, ScheduledExecutorService timer, Consumer<T> starter, LongSupplier clock,
              EventExecutor[] loops) {
        super(maxInFlight, timer, starter, clock);
        @SuppressWarnings("unchecked")
        Lane<T>[] ls = new Lane[loops.length];
        for (int i = 0; i < loops.length; i++) {
            ls[i] = new Lane<>(this, loops[i]);
        }
        this.lanes = ls;
    }

    @Override
    public void submit(T item) {
        Lane<T> me = currentLane();
        if (me != null) {
            if (me.depth() == 0 && held.isEmpty() && me.queue.isEmpty()) {
                int n = inFlight.get();
                if (n < limit && inFlight.compareAndSet(n, n + 1)) {
                    starter.accept(item); // nothing waits here: start it now, without a queue slot
                    return;
                }
            }
            me.queue.offer(item);
            me.offered();
            drainLane(me);
            return;
        }
        int i = nextLane;
        nextLane = i + 1 == lanes.length ? 0 : i + 1;
        Lane<T> l = lanes[i];
        l.queue.offer(item);
        l.offered(); // before the look at the count: a release after it sees the item
        if (inFlight.get() < limit || !held.isEmpty()) {
            scheduleDrain(l);
        }
    }

    @Override
    public void releaseWithoutProgress() {
        inFlight.decrementAndGet();
        slotFreed(currentLane());
    }

    @Override
    public void drainQueued(Consumer<T> end) {
        super.drainQueued(end);
        for (Lane<T> l : lanes) {
            for (T item = l.queue.poll(); item != null; item = l.queue.poll()) {
                end.accept(item);
            }
        }
    }

    @Override
    public int queued() {
        int n = held.size();
        for (Lane<T> l : lanes) {
            n += (int) (l.offeredCount() - l.queue.taken());
        }
        return n;
    }

    @Override
    void drain() {
        Lane<T> me = currentLane();
        if (me != null) {
            drainLane(me);
        } else {
            drainUnpaced(); // the held items, on this thread
        }
        notifyOthers(me);
    }

    /** Nothing of the lanes': {@link #drainUnpaced} starts only held items here, the lanes' queues are theirs. */
    @Override
    T pollQueued() {
        return null;
    }

    @Override
    boolean queuedLooksEmpty() {
        return true;
    }

    /** The lane of the calling thread, or null when it is not one of the loops. */
    private Lane<T> currentLane() {
        for (Lane<T> l : lanes) {
            if (l.loop.inEventLoop()) {
                return l;
            }
        }
        return null;
    }

    /**
     * The next queued item for a slot of this loop's, null when none waits: its own lane's first, else another's;
     * but every {@value #OTHERS_FIRST_EVERY}th pick the others' first, so that a loop that keeps its own queue full
     * (a flood ending and starting probes) cannot hold every slot while another loop's items wait.
     */
    private T next(Lane<T> me) {
        if (me.nextPick() % OTHERS_FIRST_EVERY == 0) {
            T item = others(me);
            return item != null ? item : me.queue.poll();
        }
        T item = me.queue.poll();
        return item != null ? item : others(me);
    }

    private static final int OTHERS_FIRST_EVERY = 16;

    private T others(Lane<T> me) {
        for (Lane<T> l : lanes) {
            T item;
            if (l != me && (item = l.queue.poll()) != null) {
                return item;
            }
        }
        return null;
    }

    /**
     * On a loop whose item ended: starts the next queued item in the freed slot, the count unchanged. Only while the
     * limit is the configured one and nothing is held (held items go first, through a drain).
     *
     * <p>Every {@value #OTHERS_FIRST_EVERY}th time, when another loop has items queued, the slot goes to that loop
     * instead (given back to the count, and that loop asked to drain), which starts its own item in it. Slots
     * otherwise never move between loops: a slot handed over stays on the loop where its item ended, so once every
     * slot was on one loop (its drain took them all while the other was still waking) the other started nothing,
     * its queue emptied from the first, and one core stayed idle (the engine at 1,024 echoes in flight: 0.56 M/s in
     * such runs, 0.8 M/s otherwise).
     */
    @Override
    boolean handOver() {
        Lane<T> me = currentLane();
        if (me == null || me.depth() != 0 || !held.isEmpty()) {
            return false;
        }
        T next;
        if (me.nextPick() % OTHERS_FIRST_EVERY == 0) {
            Lane<T> waiting = otherWithItems(me);
            if (waiting != null) {
                inFlight.decrementAndGet();
                scheduleDrain(waiting);
                return true;
            }
            next = me.queue.poll();
        } else {
            next = me.queue.poll();
            if (next == null) {
                next = others(me);
            }
        }
        if (next == null) {
            return false;
        }
        me.depth(1);
        try {
            starter.accept(next);
        } finally {
            me.depth(0);
        }
        if (!me.queue.isEmpty() || !held.isEmpty()) {
            drainLane(me); // items that ended inside that start freed slots
        }
        return true;
    }

    /** After the in-flight count fell: the freed slot goes to whoever waits, on this lane or another. */
    private void slotFreed(Lane<T> me) {
        if (me != null) {
            drainLane(me);
        } else if (!held.isEmpty()) {
            drainUnpaced();
        }
        notifyOthers(me);
    }

    /** Asks every other lane with something queued to drain (never misses one: see {@link Lane#looksNonEmpty}). */
    private void notifyOthers(Lane<T> me) {
        for (Lane<T> l : lanes) {
            if (l != me && l.looksNonEmpty()) {
                scheduleDrain(l);
            }
        }
    }

    private void scheduleDrain(Lane<T> l) {
        if (!l.drainScheduled.get() && l.drainScheduled.compareAndSet(false, true)) {
            try {
                l.loop.execute(l);
            } catch (RejectedExecutionException e) {
                l.drainScheduled.set(false); // the loop has stopped (engine closed): its calls were ended already
            }
        }
    }

    /** Starts held items, then this lane's queue, then the others', in the free slots; on the lane's loop. */
    private void drainLane(Lane<T> me) {
        if (me.depth() != 0) {
            return; // an item this loop started ended at once and released: the loop below goes on
        }
        me.depth(1);
        try {
            while (true) {
                int n = inFlight.get();
                if (n >= limit) {
                    return; // a release will drain again
                }
                if (held.isEmpty() && me.queue.isEmpty() && !othersLookNonEmpty(me)) {
                    return;
                }
                if (!inFlight.compareAndSet(n, n + 1)) {
                    continue;
                }
                T item = held.poll();
                if (item == null) {
                    item = next(me);
                }
                if (item == null) {
                    inFlight.decrementAndGet();
                    notifyOthers(me); // a submitter may have seen the slot taken: its item is on another lane
                    return;
                }
                starter.accept(item);
            }
        } finally {
            me.depth(0);
        }
    }

    /** Another lane that looks to have items queued, or null. */
    private Lane<T> otherWithItems(Lane<T> me) {
        for (Lane<T> l : lanes) {
            if (l != me && l.looksNonEmpty()) {
                return l;
            }
        }
        return null;
    }

    private boolean othersLookNonEmpty(Lane<T> me) {
        return otherWithItems(me) != null;
    }
}
