package io.pathprobe.core.internal;

import io.netty.util.concurrent.EventExecutor;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Admits queued work under two limits shared by every prober of an engine: at most {@code maxInFlight} items
 * started and not yet released, and at most {@code maxPerSecond} starts per second (0 = unlimited). Any thread may
 * {@link #submit} or {@link #release}.
 *
 * <p>Two kinds, made by {@link #create}: {@link QueuePacer}, one queue for every thread (with a rate limit, or
 * without event loops), and {@link LanePacer}, a queue per event loop (no rate limit). This class holds what both
 * share: the in-flight count and limit, and the backpressure below.
 *
 * <p>Backpressure: an item whose start ran out of a local resource (descriptors, buffers, ports) is
 * {@link #hold held}: its slot is freed, the item goes first in line, and the effective limit drops below what is
 * still running (which is what the resource allows now) by a headroom of an eighth, at least 4, left for the rest of
 * the process (its files, name lookups, the JDK's own lazily opened files). Each release lets the limit grow by one
 * again, up to that ceiling; after {@link #CEILING_LIFETIME_NANOS} without a shortage the ceiling goes, so the limit
 * finds room that has come free. With nothing in flight a timer retries.
 */
public abstract class Pacer<T> {
    final int maxInFlight;
    final ScheduledExecutorService timer;
    final Consumer<T> starter;
    final LongSupplier clock;
    /** Held items, started again before any queued one. */
    final Queue<T> held = new ConcurrentLinkedQueue<>();
    /** The in-flight limit in force: {@code maxInFlight}, or lower while a resource is short. */
    volatile int limit;
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
    final AtomicInteger inFlight = new AtomicInteger();

    Pacer(int maxInFlight, ScheduledExecutorService timer, Consumer<T> starter, LongSupplier clock) {
        this.maxInFlight = maxInFlight;
        this.limit = maxInFlight;
        this.ceiling = maxInFlight;
        this.timer = timer;
        this.starter = starter;
        this.clock = clock;
    }

    public static <T> Pacer<T> create(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer,
                                      Consumer<T> starter) {
        return create(maxInFlight, maxPerSecond, timer, starter, System::nanoTime, null);
    }

    /**
     * With a lane per event loop in {@code loops} (without a rate limit; with one, a single queue): an item starts on
     * the loop whose queue it was on, or on the submitting thread when that is a loop and nothing waits.
     */
    public static <T> Pacer<T> create(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer,
                                      Consumer<T> starter, EventExecutor[] loops) {
        return create(maxInFlight, maxPerSecond, timer, starter, System::nanoTime, loops);
    }

    /** With an explicit clock (nanoseconds), so tests can drive time. */
    static <T> Pacer<T> create(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer, Consumer<T> starter,
                               LongSupplier clock) {
        return create(maxInFlight, maxPerSecond, timer, starter, clock, null);
    }

    private static <T> Pacer<T> create(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer,
                                       Consumer<T> starter, LongSupplier clock, EventExecutor[] loops) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        if (maxPerSecond < 0) {
            throw new IllegalArgumentException("maxPerSecond must be 0 (unlimited) or positive, was " + maxPerSecond);
        }
        if (loops != null && loops.length > 0 && maxPerSecond == 0) {
            return new LanePacer<>(maxInFlight, timer, starter, clock, loops);
        }
        return new QueuePacer<>(maxInFlight, maxPerSecond, timer, starter, clock);
    }

    public abstract void submit(T item);

    /** One started item has finished; frees its in-flight slot (and, as it ran, whatever it held). */
    public final void release() {
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
        } else if (handOver()) {
            return;
        }
        releaseWithoutProgress();
    }

    /**
     * On release at the configured limit: gives the freed slot straight to a next item, the count unchanged.
     *
     * @return whether it did (else the count falls and the queues are looked at)
     */
    boolean handOver() {
        return false;
    }

    /** One started item has ended without having run (it failed for lack of a resource): frees its slot only. */
    public abstract void releaseWithoutProgress();

    /**
     * A started item could not run because a local resource ran out; nothing of it is held any more. Frees its slot
     * and keeps it to start again, first in line, when a release (or, with nothing in flight, a timer) lets it.
     *
     * @param giveUpNanos how long a shortage may last with nothing in flight before items are given up
     * @return false when the shortage has lasted that long: the item is not held, and its slot is still taken
     *         (the caller ends it and releases the slot without progress)
     */
    public final boolean hold(T item, long giveUpNanos) {
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
    }

    /** The in-flight limit now in force (lower than the configured one while a resource is short). */
    public final int limit() {
        return limit;
    }

    public final int inFlight() {
        return inFlight.get();
    }

    /** Items submitted or held and not yet started. */
    public abstract int queued();

    /** Starts what the limits allow, held items first. */
    abstract void drain();

    /** The next item of the pacer's own queue for {@link #drainUnpaced}, null when none: held items come first. */
    abstract T pollQueued();

    abstract boolean queuedLooksEmpty();

    /**
     * Starts held items (and {@link #pollQueued}'s) while the in-flight limit allows, on this thread, concurrently
     * with any others doing the same. A thread that takes a slot and finds the queues emptied by another gives the
     * slot back and looks again, so an item queued meanwhile is not left behind (its submitter saw the slot taken;
     * this thread sees the item).
     */
    final void drainUnpaced() {
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
        while (!held.isEmpty() || !queuedLooksEmpty()) {
            int n = inFlight.get();
            if (n >= limit) {
                return; // a release() will drain again
            }
            if (!inFlight.compareAndSet(n, n + 1)) {
                continue;
            }
            T item = held.poll();
            if (item == null) {
                item = pollQueued();
            }
            if (item == null) {
                inFlight.decrementAndGet();
                continue;
            }
            starter.accept(item);
        }
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
    final void retryTimerFired() {
        retryScheduled.set(false);
        if (limit == 0) {
            limit = 1;
        }
        drain();
    }
}
