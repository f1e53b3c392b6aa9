package io.pathprobe.core.spi;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One pending wake-up of a prober that times out its own probes ({@link Prober#handlesTimeouts()}): it runs the
 * prober's sweep on its event loop at the earliest deadline asked for, plus a slack so that a sweep finds every
 * probe due by then rather than waking once per probe. Asking for a later deadline than the pending one does
 * nothing; an earlier one moves the wake-up.
 *
 * <p>Not thread-safe: every call on the one loop it was made for (the prober's lane).
 */
public final class SweepTimer {
    private final EventExecutor loop;
    private final Runnable sweep;
    private final long slackNanos;
    private final Runnable fire = this::fire;
    private ScheduledFuture<?> future;
    private long dueNanos = Long.MAX_VALUE;

    /**
     * @param loop the loop that runs {@code sweep}
     * @param sweep what to run at the deadline; it asks again ({@link #atOrBefore}) for what is still pending
     * @param slackNanos how long after the deadline it runs, at least 0
     */
    public SweepTimer(EventExecutor loop, Runnable sweep, long slackNanos) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.sweep = Objects.requireNonNull(sweep, "sweep");
        if (slackNanos < 0) {
            throw new IllegalArgumentException("slack must not be negative: " + slackNanos + " ns");
        }
        this.slackNanos = slackNanos;
    }

    /** Makes sure the sweep runs by {@code due} (a {@link System#nanoTime()} value) plus the slack. */
    public void atOrBefore(long due) {
        if (due - dueNanos >= 0 && future != null) {
            return;
        }
        if (future != null) {
            future.cancel(false);
        }
        dueNanos = due;
        long delay = Math.max(0, due - System.nanoTime()) + slackNanos;
        future = loop.schedule(fire, delay, TimeUnit.NANOSECONDS);
    }

    /** Drops the pending wake-up (the prober closing). */
    public void cancel() {
        if (future != null) {
            future.cancel(false);
            future = null;
        }
        dueNanos = Long.MAX_VALUE;
    }

    private void fire() {
        future = null;
        dueNanos = Long.MAX_VALUE;
        sweep.run();
    }
}
