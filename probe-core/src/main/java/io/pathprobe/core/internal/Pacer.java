package io.pathprobe.core.internal;

import io.netty.util.concurrent.EventExecutor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Admits queued work under two limits shared by every prober of an engine: at most {@code maxInFlight} items
 * started and not yet released, and at most {@code maxPerSecond} starts per second (0 = unlimited).
 *
 * <p>Any thread may {@link #submit} or {@link #release}. Without a rate limit every thread that frees a slot or
 * queues an item starts what the slots allow itself (a compare-and-set takes a slot; no lock), so each event loop
 * refills its own probes as they end and the loops share the work. With a rate limit one thread at a time drains
 * the queue (the others leave it work), through a token bucket holding at most 10 ms of tokens, so a paced run
 * sends smoothly instead of in bursts.
 *
 * <p>Lanes (without a rate limit, when made with the engine's event loops): each loop has a queue of its own
 * ({@link HandOffQueue}: no node per item), so the loops and the submitters do not all meet on one queue. A loop
 * queues what it submits on its own queue; another thread spreads its items over the loops' queues in turn and asks
 * the loop to drain (one task for a batch). A loop whose item ends starts the next queued one in that slot, its own
 * queue's first and else another loop's (an idle loop takes work from a busy one), without touching the shared
 * in-flight count: a busy loop refills itself without a shared write. Every fall of the count is followed by a look
 * at every lane's queue, so an item never waits while a slot is free.
 *
 * <p>Backpressure: an item whose start ran out of a local resource (descriptors, buffers, ports) is
 * {@link #hold held}: its slot is freed, the item goes first in line, and the effective limit drops below what is
 * still running (which is what the resource allows now) by a headroom of an eighth, at least 4, left for the rest of
 * the process (its files, name lookups, the JDK's own lazily opened files). Each release lets the limit grow by one
 * again, up to that ceiling; after {@link #CEILING_LIFETIME_NANOS} without a shortage the ceiling goes, so the limit
 * finds room that has come free. With nothing in flight a timer retries.
 */
public final class Pacer<T> {
    private final int maxInFlight;
    private final long nanosPerToken;
    private final long burstNanos;
    private final ScheduledExecutorService timer;
    private final Consumer<T> starter;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    /** Held items, started again before the queue's. */
    private final Queue<T> held = new ConcurrentLinkedQueue<>();
    /** The in-flight limit in force: {@code maxInFlight}, or lower while a resource is short. */
    private volatile int limit;
    /** How long the ceiling a shortage set holds without a further shortage: 10 s. */
    static final long CEILING_LIFETIME_NANOS = 10_000_000_000L;
    /** The most the limit grows back to after a shortage, until it lifts. */
    private volatile int ceiling;
    private volatile long lastShortageNanos;
    /** When the engine last held an item with nothing in flight and no release since; 0 when not stalled. */
    private volatile long stalledSince;
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    /** Timed retries since the last release: each waits twice as long as the one before, up to 64 ms. */
    private volatile int retries;
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean wakeupScheduled = new AtomicBoolean();
    private final LongSupplier clock;
    /** Time at which the next token is available; only touched by the draining thread. */
    private long nextTokenNanos;
    /** One per event loop (unpaced pacers made with loops), else null: everything goes through {@link #queue}. */
    private final Lane<T>[] lanes;
    /** Which lane a submitter that is not a loop queues on next (a lost update only skews the turn). */
    private int nextLane;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** An index 64 bytes or more from either end of an array one longer than twice it: its element alone on a line. */
    private static final int PADDED = 8;

    /** One event loop's queue, and whether a drain of it is asked for. */
    private static final class Lane<T> implements Runnable {
        final Pacer<T> pacer;
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

        Lane(Pacer<T> pacer, EventExecutor loop) {
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

    public Pacer(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer, Consumer<T> starter) {
        this(maxInFlight, maxPerSecond, timer, starter, System::nanoTime, null);
    }

    /**
     * With a lane per event loop in {@code loops} (without a rate limit; with one, a single queue as above): an item
     * starts on the loop whose queue it was on, or on the submitting thread when that is a loop and nothing waits.
     */
    public Pacer(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer, Consumer<T> starter,
                 EventExecutor[] loops) {
        this(maxInFlight, maxPerSecond, timer, starter, System::nanoTime, loops);
    }

    /** With an explicit clock (nanoseconds), so tests can drive time. */
    Pacer(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer, Consumer<T> starter, LongSupplier clock) {
        this(maxInFlight, maxPerSecond, timer, starter, clock, null);
    }

    private Pacer(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer, Consumer<T> starter,
                  LongSupplier clock, EventExecutor[] loops) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        if (maxPerSecond < 0) {
            throw new IllegalArgumentException("maxPerSecond must be 0 (unlimited) or positive, was " + maxPerSecond);
        }
        this.maxInFlight = maxInFlight;
        this.limit = maxInFlight;
        this.ceiling = maxInFlight;
        this.nanosPerToken = maxPerSecond == 0 ? 0 : Math.max(1, 1_000_000_000L / maxPerSecond);
        this.burstNanos = Math.max(nanosPerToken, 10_000_000L);
        this.timer = timer;
        this.starter = starter;
        this.clock = clock;
        this.nextTokenNanos = clock.getAsLong() - burstNanos; // start with a full bucket
        if (loops != null && loops.length > 0 && nanosPerToken == 0) {
            @SuppressWarnings("unchecked")
            Lane<T>[] ls = new Lane[loops.length];
            for (int i = 0; i < loops.length; i++) {
                ls[i] = new Lane<>(this, loops[i]);
            }
            this.lanes = ls;
        } else {
            this.lanes = null;
        }
    }

    public void submit(T item) {
        if (lanes != null) {
            submitToLane(item);
            return;
        }
        if (nanosPerToken == 0 && held.isEmpty() && queue.isEmpty()) {
            // Nothing waiting and no rate limit: take a slot and start it here, without a queue node or a hand-over.
            int n = inFlight.get();
            if (n < limit && inFlight.compareAndSet(n, n + 1)) {
                starter.accept(item);
                return;
            }
        }
        queue.add(item);
        drain();
    }

    /** One started item has finished; frees its in-flight slot (and, as it ran, whatever it held). */
    public void release() {
        // Written only when set: a store per release to these shared fields made every loop's release miss in
        // cache on the others' (the line holds the counters too).
        if (stalledSince != 0) {
            stalledSince = 0;
        }
        if (retries != 0) {
            retries = 0;
        }
        int l = limit; // 0 while a timed retry is due
        if (l < maxInFlight) {
            int c = ceiling;
            if (c < maxInFlight && clock.getAsLong() - lastShortageNanos >= CEILING_LIFETIME_NANOS) {
                ceiling = c = maxInFlight;
            }
            if (l < c) {
                limit = l + 1; // a lost update only slows the growth
            }
        } else if (lanes != null && handOver()) {
            return;
        }
        releaseWithoutProgress();
    }

    /** One started item has ended without having run (it failed for lack of a resource): frees its slot only. */
    public void releaseWithoutProgress() {
        if (lanes != null) {
            inFlight.decrementAndGet();
            slotFreed(currentLane());
            return;
        }
        inFlight.decrementAndGet();
        if (!queue.isEmpty() || !held.isEmpty()) {
            drain();
        }
    }

    /**
     * A started item could not run because a local resource ran out; nothing of it is held any more. Frees its slot
     * and keeps it to start again, first in line, when a release (or, with nothing in flight, a timer) lets it.
     *
     * @param giveUpNanos how long a shortage may last with nothing in flight before items are given up
     * @return false when the shortage has lasted that long: the item is not held, and its slot is still taken
     *         (the caller ends it and releases the slot without progress)
     */
    public boolean hold(T item, long giveUpNanos) {
        int running = inFlight.get() - 1;
        long now = clock.getAsLong();
        if (running == 0) {
            long since = stalledSince;
            if (since == 0) {
                stalledSince = now == 0 ? 1 : now;
            } else if (now - since >= giveUpNanos) {
                return false;
            }
        }
        int c = Math.max(1, running - Math.max(4, running / 8));
        lastShortageNanos = now;
        ceiling = c;
        // With nothing running, nothing starts until the retry timer (or a release) says so: a drain on this
        // thread must not start the item again at once, in a loop.
        limit = running == 0 ? 0 : c;
        held.add(item);
        inFlight.decrementAndGet();
        if (running == 0) {
            scheduleRetry();
        } else {
            drain(); // a release may have come between the count above and the hold
        }
        return true;
    }

    /**
     * Takes every queued and held item off its queue and gives it to {@code end}, without starting it (for a
     * shutdown: the items were never started, so no slot is theirs). Any thread.
     */
    public void drainQueued(Consumer<T> end) {
        for (T item = held.poll(); item != null; item = held.poll()) {
            end.accept(item);
        }
        for (T item = queue.poll(); item != null; item = queue.poll()) {
            end.accept(item);
        }
        if (lanes != null) {
            for (Lane<T> l : lanes) {
                for (T item = l.queue.poll(); item != null; item = l.queue.poll()) {
                    end.accept(item);
                }
            }
        }
    }

    /** The in-flight limit now in force (lower than the configured one while a resource is short). */
    public int limit() {
        return limit;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int queued() {
        int n = queue.size() + held.size();
        if (lanes != null) {
            for (Lane<T> l : lanes) {
                n += (int) (l.offeredCount() - l.queue.taken());
            }
        }
        return n;
    }

    private void drain() {
        if (lanes != null) {
            Lane<T> me = currentLane();
            if (me != null) {
                drainLane(me);
            } else {
                drainUnpaced(); // the held items, on this thread
            }
            notifyOthers(me);
            return;
        }
        if (nanosPerToken == 0) {
            drainUnpaced();
            return;
        }
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            while (!held.isEmpty() || !queue.isEmpty()) {
                if (inFlight.get() >= limit) {
                    break; // a release() will drain again
                }
                if (nanosPerToken != 0) {
                    long now = clock.getAsLong();
                    long earliest = now - burstNanos;
                    if (nextTokenNanos < earliest) {
                        nextTokenNanos = earliest;
                    }
                    if (nextTokenNanos > now) {
                        scheduleWakeup(nextTokenNanos - now);
                        break;
                    }
                    nextTokenNanos += nanosPerToken;
                }
                T item = held.poll();
                if (item == null) {
                    item = queue.poll();
                }
                if (item == null) {
                    break;
                }
                inFlight.incrementAndGet();
                starter.accept(item);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    /**
     * Starts what the in-flight limit allows, on this thread, concurrently with any others doing the same. A thread
     * that takes a slot and finds the queues emptied by another gives the slot back and looks again, so an item
     * queued meanwhile is not left behind (its submitter saw the slot taken; this thread sees the item).
     */
    private void drainUnpaced() {
        int[] depth = draining.get();
        if (depth[0] != 0) {
            return; // an item this thread started ended at once and released: the loop below goes on
        }
        depth[0] = 1;
        try {
            drainUnpacedLoop();
        } finally {
            depth[0] = 0;
        }
    }

    /**
     * Whether this thread is in {@link #drainUnpaced} already (an item that ends as it starts releases its slot in
     * the start): a nested drain would recurse once per queued item, and a long queue of such items overflow the stack.
     * Per pacer: a start that submits to another engine's pacer must still drain that one.
     */
    private final ThreadLocal<int[]> draining = ThreadLocal.withInitial(() -> new int[1]);

    private void drainUnpacedLoop() {
        while (!held.isEmpty() || !queue.isEmpty()) { // with lanes, only held items: the lanes' queues are theirs
            int n = inFlight.get();
            if (n >= limit) {
                return; // a release() will drain again
            }
            if (!inFlight.compareAndSet(n, n + 1)) {
                continue;
            }
            T item = held.poll();
            if (item == null) {
                item = queue.poll();
            }
            if (item == null) {
                inFlight.decrementAndGet();
                continue;
            }
            starter.accept(item);
        }
    }

    // ---- lanes

    /** The lane of the calling thread, or null when it is not one of the loops. */
    private Lane<T> currentLane() {
        for (Lane<T> l : lanes) {
            if (l.loop.inEventLoop()) {
                return l;
            }
        }
        return null;
    }

    private void submitToLane(T item) {
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
     * @return whether the slot went to a next item
     */
    private boolean handOver() {
        Lane<T> me = currentLane();
        if (me == null || me.depth() != 0 || !held.isEmpty()) {
            return false;
        }
        T next = next(me);
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
    void drainLane(Lane<T> me) {
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

    private boolean othersLookNonEmpty(Lane<T> me) {
        for (Lane<T> l : lanes) {
            if (l != me && l.looksNonEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * With nothing in flight no release will come: look again soon (a socket closing after its probe ended frees its
     * descriptor within a loop turn), then less and less often.
     */
    private void scheduleRetry() {
        if (retryScheduled.compareAndSet(false, true)) {
            int n = retries;
            retries = n + 1;
            timer.schedule(this::retryTimerFired, 1L << Math.min(n, 6), TimeUnit.MILLISECONDS);
        }
    }

    /** The retry timer: one more item may try. Package-private for tests that drive time themselves. */
    void retryTimerFired() {
        retryScheduled.set(false);
        if (limit == 0) {
            limit = 1;
        }
        drain();
    }

    private void scheduleWakeup(long delayNanos) {
        if (wakeupScheduled.compareAndSet(false, true)) {
            timer.schedule(() -> {
                wakeupScheduled.set(false);
                drain();
            }, delayNanos, TimeUnit.NANOSECONDS);
        }
    }
}
