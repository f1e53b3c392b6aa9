package io.pathprobe.core;

import io.pathprobe.core.stats.ProbeStatistics;
import io.pathprobe.core.stats.StatsSnapshot;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One probe repeated at an interval (ping's {@code -c/-i/-w}), with running statistics. Probes start on a fixed
 * schedule whether or not earlier ones have answered, as ping does. The session ends when the count has been sent
 * and every probe has ended, when the deadline passes, on {@link #stop()}, or when its engine closes; at a deadline
 * or stop, probes still in flight are left out of the loss figure (mtr's rule). It runs on the engine's
 * {@link Repetition}. Thread-safe.
 */
public final class ProbeSession extends RepeatedRun {
    private final ProbeEngine engine;
    private final ProbeRequest request;
    private final SessionPlan plan;
    private final SessionListener listener;
    /** Guarded by {@link #repetition}'s lock (records) and by this (reads); see {@link Repetition#end}. */
    private final ProbeStatistics stats = new ProbeStatistics();
    private final CompletableFuture<StatsSnapshot> done = new CompletableFuture<>();
    private final Repetition repetition;

    ProbeSession(ProbeEngine engine, ProbeRequest request, SessionPlan plan, SessionListener listener) {
        this.engine = engine;
        this.request = request;
        this.plan = plan;
        this.listener = listener;
        this.repetition = engine.repeat(plan.interval(), plan.count(), plan.deadline(), new Repetition.Rounds() {
            @Override
            public void round(Repetition r, long n) {
                probe(n);
            }

            @Override
            public void finished(Repetition r) {
                StatsSnapshot snapshot = snapshot();
                listener.onFinished(ProbeSession.this, snapshot);
                done.complete(snapshot);
            }
        });
    }

    void start() {
        repetition.start();
    }

    private void probe(long seq) {
        boolean sent = repetition.hold(() -> {
            synchronized (this) {
                stats.recordSent();
            }
        });
        if (!sent) {
            return;
        }
        listener.onSent(this, seq);
        try {
            engine.submitValidated(request, observer(seq)); // validated when the session started
        } catch (RuntimeException e) {
            ended(seq, new ProbeOutcome.LocalError("probe not started: " + e.getMessage(), null));
            stop();
        }
    }

    private void ended(long seq, ProbeOutcome outcome) {
        // after a stop: not recorded, left as in flight, like mtr
        repetition.end(() -> {
            synchronized (this) {
                stats.recordOutcome(outcome);
            }
        }, () -> listener.onOutcome(this, seq, outcome));
    }

    /**
     * Sends the next probe now rather than at its slot, and counts the interval from it (ping's flood: the next
     * echo goes as soon as the last was answered, or an interval after it, whichever comes first). Does nothing
     * once the count has been sent or the session has ended.
     */
    public void sendNext() {
        repetition.nextNow();
    }

    /** Records a duplicate answer (for probers that see them); never counted as received. */
    public synchronized void recordDuplicate() {
        stats.recordDuplicate();
    }

    /** Records an answer that came after its probe's timeout; never counted as received. */
    public synchronized void recordLate() {
        stats.recordLate();
    }

    /** Records a reply with wrong data (ping's "wrong data byte"); never counted as received. */
    public synchronized void recordCorrupted() {
        stats.recordCorrupted();
    }

    /**
     * Hears of probe {@code seq}'s end, and routes its duplicate, late and corrupted answers into the statistics and to
     * the listener (one object a probe, and no completion stage on its future).
     */
    private ProbeEventListener observer(long seq) {
        return new ProbeEventListener() {
            @Override
            public void probeFinished(ProbeHandle probe, ProbeOutcome outcome) {
                ended(seq, outcome);
            }

            @Override
            public void probeFailed(ProbeHandle probe, ProbeOutcome outcome) {
                ended(seq, outcome);
            }

            @Override
            public void probeDuplicate(ProbeRequest r) {
                recordDuplicate();
                listener.onDuplicate(ProbeSession.this, seq);
            }

            @Override
            public void probeLate(ProbeRequest r, long rttNanos) {
                recordLate();
                listener.onLate(ProbeSession.this, seq, rttNanos);
            }

            @Override
            public void probeCorrupted(ProbeRequest r, int byteIndex) {
                recordCorrupted();
                listener.onCorrupted(ProbeSession.this, seq, byteIndex);
            }
        };
    }

    @Override
    protected Repetition repetition() {
        return repetition;
    }

    public ProbeRequest request() {
        return request;
    }

    public SessionPlan plan() {
        return plan;
    }

    /** The figures so far. */
    public synchronized StatsSnapshot snapshot() {
        return stats.snapshot();
    }

    /** Time from the start to now, or to the end once finished (ping's "time"). */
    public Duration elapsed() {
        return repetition.elapsed();
    }

    /** Completes with the final figures when the session ends. */
    public CompletableFuture<StatsSnapshot> completion() {
        return done;
    }

    public boolean isFinished() {
        return repetition.isFinished();
    }
}
