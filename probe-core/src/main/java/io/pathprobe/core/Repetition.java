package io.pathprobe.core;

import io.netty.channel.EventLoop;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Repeated probing on a {@link ProbeEngine}: rounds on a fixed schedule (a session's probes, a trace's rounds), a
 * count of rounds, a deadline, a stop, and the work still in flight. It ends once: when the count has been sent and
 * nothing is in flight any more (and {@link Rounds#drained} adds no more), when the deadline passes, on
 * {@link #stop()}, or when the engine closes; after that it records nothing, so probes still in flight are left out
 * of the figures (mtr's rule). {@link ProbeSession} and mtr's {@code Tracer} are built on it; a new kind of repeated
 * probing should be too.
 *
 * <p>Made by {@link ProbeEngine#repeat}, it runs on one of the engine's event loops and is closed with the engine.
 * Each round is in flight while {@link Rounds#round} runs; work it starts that ends later (a probe, a delayed step)
 * is counted with {@link #hold()} and uncounted with {@link #end} or {@link #release()}. Thread-safe: callbacks are
 * made without the repetition's lock held, and the {@code record} given to {@link #end} runs under it.
 */
public final class Repetition {
    /** What a repetition does; the callbacks are made on the engine's threads. */
    public interface Rounds {
        /**
         * Round {@code n} (from 1) is due: start its probes, each counted with {@link #hold()} first. Do not block:
         * this runs on an event loop.
         */
        void round(Repetition r, long n);

        /**
         * Every round has been sent and nothing is in flight: hold and start more work (e.g. re-probes) and return
         * true, or return false to end now. By default, ends.
         */
        default boolean drained(Repetition r) {
            return false;
        }

        /** The repetition has ended; called once. */
        void finished(Repetition r);
    }

    private final ProbeEngine engine;
    private final EventLoop loop;
    private final Duration interval;
    private final long count;
    private final Duration deadline;
    private final Rounds rounds;
    private long started;
    private long inFlight;
    private boolean sending = true;
    private boolean begun;
    private boolean finished;
    private boolean paused;
    private long pausedTicks;
    private long startNanos;
    private long endNanos;
    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> deadlineTimer;

    Repetition(ProbeEngine engine, EventLoop loop, Duration interval, long count, Duration deadline, Rounds rounds) {
        this.engine = engine;
        this.loop = loop;
        this.interval = interval;
        this.count = count;
        this.deadline = deadline;
        this.rounds = Objects.requireNonNull(rounds, "rounds");
    }

    /** Starts the rounds: the first now, the next every interval. Once only. */
    public synchronized void start() {
        if (begun) {
            throw new IllegalStateException("this repetition has already started");
        }
        begun = true;
        startNanos = System.nanoTime();
        if (finished) {
            return; // the engine closed before the start
        }
        ticker = loop.scheduleAtFixedRate(this::tick, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        if (!deadline.isZero()) {
            deadlineTimer = loop.schedule(this::stop, deadline.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Runs the next round now rather than at its slot and counts the interval from it (ping's flood: the next echo
     * as soon as the last was answered, or an interval after it, whichever comes first). Does nothing once every
     * round has started or the repetition has ended.
     */
    public void nextNow() {
        loop.execute(nextNowTask);
    }

    /**
     * The round runs in this task rather than through a timer due at once (a scheduled task waits for the loop's
     * next turn through epoll; a task runs in this one). The interval's timer is not re-armed per round either:
     * moving the loop's nearest deadline costs a timerfd syscall each time. It fires at most once an interval and
     * sends only when no round has gone for an interval ({@link #paceTick}).
     */
    private final Runnable nextNowTask = this::runNextNow;
    /** When the last round started, once rounds are paced by {@link #nextNow}; on the loop. */
    private long lastRoundNanos;
    private boolean pacedByNext;

    private void runNextNow() {
        synchronized (this) {
            if (!sending || finished || ticker == null) {
                return;
            }
            if (!pacedByNext) {
                pacedByNext = true;
                ticker.cancel(false);
                ticker = loop.schedule(this::paceTick, interval.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        lastRoundNanos = System.nanoTime();
        tick();
    }

    /** The interval's timer once rounds are paced by {@link #nextNow}: a round if none went for an interval. */
    private void paceTick() {
        long every = interval.toNanos();
        long now = System.nanoTime();
        long due = lastRoundNanos + every;
        if (now - due >= 0) {
            lastRoundNanos = now;
            tick();
            due = now + every;
        }
        synchronized (this) {
            if (sending && !finished) {
                ticker = loop.schedule(this::paceTick, due - now, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void tick() {
        long n;
        synchronized (this) {
            if (!sending) {
                return;
            }
            if (paused) {
                pausedTicks++; // mtr's pause: no round, and none counted toward the count
                return;
            }
            n = ++started;
            if (count > 0 && n >= count) {
                sending = false;
                ticker.cancel(false);
            }
            inFlight++; // the round itself, until it has started its work
        }
        try {
            rounds.round(this, n);
        } catch (RuntimeException e) {
            stop(); // a round that cannot run ends the repetition rather than silently ending its schedule
        } finally {
            release();
        }
    }

    /**
     * Counts work that ends later (a probe, a delayed step) as in flight: the repetition does not end by count
     * before it ends. Returns false, counting nothing, once the repetition has ended: then do not start the work.
     */
    public boolean hold() {
        return hold(null);
    }

    /** As {@link #hold()}, running {@code record} (e.g. count a probe as sent) under the lock when it holds. */
    public synchronized boolean hold(Runnable record) {
        if (finished) {
            return false;
        }
        if (record != null) {
            record.run();
        }
        inFlight++;
        return true;
    }

    /** Ends work counted by {@link #hold()} that records nothing (a finished step). */
    public void release() {
        end(null, null);
    }

    /**
     * Ends work counted by {@link #hold()}: runs {@code record} (e.g. count a probe's outcome) under the lock
     * unless the repetition has ended, then {@code afterward} (e.g. tell a listener) without it, and then, if this
     * was the last work, asks {@link Rounds#drained} and ends. Either may be null.
     *
     * @return whether it was recorded (false after the end: left in flight, as mtr does)
     */
    public boolean end(Runnable record, Runnable afterward) {
        boolean drained;
        synchronized (this) {
            if (finished) {
                return false;
            }
            if (record != null) {
                record.run();
            }
            inFlight--;
            drained = !sending && inFlight == 0;
        }
        if (afterward != null) {
            afterward.run();
        }
        if (drained && !rounds.drained(this)) {
            finish();
        }
        return true;
    }

    /**
     * Runs {@code task} on this repetition's event loop after {@code delayNanos}, unless the repetition has ended
     * by then. Hold first what the task will release.
     */
    public void schedule(Runnable task, long delayNanos) {
        loop.schedule(() -> {
            if (!isFinished()) {
                task.run();
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Holds the next rounds back until {@link #resume()} (mtr's {@code p} key): work in flight still ends and is
     * recorded; a tick of the interval while paused starts no round and is not one of the count (mtr 0.95 sends no
     * batch and counts none while paused), while the deadline, if any, runs on. Does nothing once ended.
     */
    public synchronized void pause() {
        paused = true;
    }

    /** Starts rounds again after {@link #pause()}, at the next tick of the interval (the schedule is kept). */
    public synchronized void resume() {
        paused = false;
    }

    /** Whether rounds are held back by {@link #pause()}. */
    public synchronized boolean isPaused() {
        return paused;
    }

    /** Ticks of the interval that started no round because the repetition was paused. */
    public synchronized long pausedTicks() {
        return pausedTicks;
    }

    /** Stops sending and ends now with what was recorded; work in flight is left out. Idempotent. */
    public void stop() {
        finish();
    }

    private void finish() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            sending = false;
            endNanos = System.nanoTime();
            if (ticker != null) {
                ticker.cancel(false);
            }
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
        }
        engine.ended(this);
        rounds.finished(this);
    }

    /** Rounds started so far. */
    public synchronized long rounds() {
        return started;
    }

    /** Time from the start to now, or to the end once ended. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(Math.max(0, (finished ? endNanos : System.nanoTime()) - startNanos));
    }

    /** {@link System#nanoTime()} at the end, once ended. */
    public synchronized long endNanos() {
        return endNanos;
    }

    public synchronized boolean isFinished() {
        return finished;
    }
}
