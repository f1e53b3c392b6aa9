package io.pathprobe.core.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The single-queue {@link Pacer}: every thread queues on one queue. Without a rate limit every thread that frees a
 * slot or queues an item starts what the slots allow itself (a compare-and-set takes a slot; no lock), so each event
 * loop refills its own probes as they end and the loops share the work. With a rate limit one thread at a time drains
 * the queue (the others leave it work), through a token bucket holding at most 10 ms of tokens, so a paced run sends
 * smoothly instead of in bursts.
 */
final class QueuePacer<T> extends Pacer<T> {
    private final long nanosPerToken;
    private final long burstNanos;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean wakeupScheduled = new AtomicBoolean();
    /** Time at which the next token is available; only touched by the draining thread. */
    private long nextTokenNanos;

    QueuePacer(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer, Consumer<T> starter,
               LongSupplier clock) {
        super(maxInFlight, timer, starter, clock);
        this.nanosPerToken = maxPerSecond == 0 ? 0 : Math.max(1, 1_000_000_000L / maxPerSecond);
        this.burstNanos = Math.max(nanosPerToken, 10_000_000L);
        this.nextTokenNanos = clock.getAsLong() - burstNanos; // start with a full bucket
    }

    @Override
    public void submit(T item) {
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

    @Override
    public void releaseWithoutProgress() {
        inFlight.decrementAndGet();
        if (!queue.isEmpty() || !held.isEmpty()) {
            drain();
        }
    }

    @Override
    public void drainQueued(Consumer<T> end) {
        super.drainQueued(end);
        for (T item = queue.poll(); item != null; item = queue.poll()) {
            end.accept(item);
        }
    }

    @Override
    public int queued() {
        return queue.size() + held.size();
    }

    @Override
    T pollQueued() {
        return queue.poll();
    }

    @Override
    boolean queuedLooksEmpty() {
        return queue.isEmpty();
    }

    @Override
    void drain() {
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

    private void scheduleWakeup(long delayNanos) {
        if (wakeupScheduled.compareAndSet(false, true)) {
            timer.schedule(() -> {
                wakeupScheduled.set(false);
                drain();
            }, delayNanos, TimeUnit.NANOSECONDS);
        }
    }
}
