package io.pathprobe.core;

/**
 * A run that sends on a {@link Repetition} (a {@link ProbeSession}, a trace): its caller's pause, resume and stop,
 * written once for every such run. A subclass gives its repetition; the engine made it with
 * {@link ProbeEngine#repeat}.
 */
public abstract class RepeatedRun {
    protected RepeatedRun() {
    }

    /** The schedule this run sends on. */
    protected abstract Repetition repetition();

    /**
     * Sends no more probes until {@link #resume()} (mtr's {@code p} key); probes in flight still end and count, and
     * an interval that passes while paused sends nothing and is not one of the plan's count (see
     * {@link Repetition#pause()}), while a deadline, if any, runs on.
     */
    public void pause() {
        repetition().pause();
    }

    /** Sends probes again after {@link #pause()}, from the next tick of the interval. */
    public void resume() {
        repetition().resume();
    }

    /** Whether probes are held back by {@link #pause()}. */
    public boolean isPaused() {
        return repetition().isPaused();
    }

    /** Stops sending and ends the run now with what was measured; probes in flight are left out. Idempotent. */
    public void stop() {
        repetition().stop();
    }
}
