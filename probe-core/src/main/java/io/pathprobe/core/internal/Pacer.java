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
 * Admits queued work under two limits shared by every prober of an engine: at most {@code maxInFlight} items
 * started and not yet released, and at most {@code maxPerSecond} starts per second (0 = unlimited).
 *
 * <p>Any thread may {@link #submit} or {@link #release}; one thread at a time drains the queue (the others leave
 * it work), so starts never run concurrently with each other. The rate limit is a token bucket holding at most
 * 10 ms of tokens, so a paced run sends smoothly instead of in bursts.
 */
public final class Pacer<T> {
    private final int maxInFlight;
    private final long nanosPerToken;
    private final long burstNanos;
    private final ScheduledExecutorService timer;
    private final Consumer<T> starter;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean wakeupScheduled = new AtomicBoolean();
    private final LongSupplier clock;
    /** Time at which the next token is available; only touched by the draining thread. */
    private long nextTokenNanos;

    public Pacer(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer, Consumer<T> starter) {
        this(maxInFlight, maxPerSecond, timer, starter, System::nanoTime);
    }

    /** With an explicit clock (nanoseconds), so tests can drive time. */
    Pacer(int maxInFlight, long maxPerSecond, ScheduledExecutorService timer, Consumer<T> starter, LongSupplier clock) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        if (maxPerSecond < 0) {
            throw new IllegalArgumentException("maxPerSecond must be 0 (unlimited) or positive, was " + maxPerSecond);
        }
        this.maxInFlight = maxInFlight;
        this.nanosPerToken = maxPerSecond == 0 ? 0 : Math.max(1, 1_000_000_000L / maxPerSecond);
        this.burstNanos = Math.max(nanosPerToken, 10_000_000L);
        this.timer = timer;
        this.starter = starter;
        this.clock = clock;
        this.nextTokenNanos = clock.getAsLong() - burstNanos; // start with a full bucket
    }

    public void submit(T item) {
        queue.add(item);
        drain();
    }

    /** One started item has finished; frees its in-flight slot. */
    public void release() {
        inFlight.decrementAndGet();
        if (!queue.isEmpty()) {
            drain();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int queued() {
        return queue.size();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            while (!queue.isEmpty()) {
                if (inFlight.get() >= maxInFlight) {
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
                T item = queue.poll();
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
