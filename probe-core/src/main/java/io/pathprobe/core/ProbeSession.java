package io.pathprobe.core;

import io.netty.channel.EventLoop;
import io.pathprobe.core.stats.ProbeStatistics;
import io.pathprobe.core.stats.StatsSnapshot;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One probe repeated at an interval (ping's {@code -c/-i/-w}), with running statistics. Probes start on a fixed
 * schedule whether or not earlier ones have answered, as ping does. The session ends when the count has been sent
 * and every probe has ended, when the deadline passes, or on {@link #stop()}; at a deadline or stop, probes still
 * in flight are left out of the loss figure (mtr's rule). Thread-safe.
 */
public final class ProbeSession {
    private final ProbeEngine engine;
    private final ProbeRequest request;
    private final SessionPlan plan;
    private final SessionListener listener;
    private final ProbeStatistics stats = new ProbeStatistics();
    private final CompletableFuture<StatsSnapshot> done = new CompletableFuture<>();
    private final EventLoop loop;
    private long sentCount;
    private long endedCount;
    private long startNanos;
    private long endNanos;
    private boolean finished;
    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> deadlineTimer;

    ProbeSession(ProbeEngine engine, ProbeRequest request, SessionPlan plan, SessionListener listener) {
        this.engine = engine;
        this.request = request;
        this.plan = plan;
        this.listener = listener;
        this.loop = engine.nextLoop();
    }

    synchronized void start() {
        startNanos = System.nanoTime();
        long period = plan.interval().toNanos();
        ticker = loop.scheduleAtFixedRate(this::tick, 0, period, TimeUnit.NANOSECONDS);
        if (!plan.deadline().isZero()) {
            deadlineTimer = loop.schedule(this::stop, plan.deadline().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void tick() {
        long seq;
        synchronized (this) {
            if (finished) {
                return;
            }
            if (plan.count() > 0 && sentCount >= plan.count()) {
                ticker.cancel(false);
                return;
            }
            seq = ++sentCount;
            stats.recordSent();
            if (plan.count() > 0 && sentCount >= plan.count()) {
                ticker.cancel(false);
            }
        }
        listener.onSent(this, seq);
        try {
            engine.probe(request, extrasFor(seq)).whenComplete((outcome, error) -> {
                ProbeOutcome o = outcome != null ? outcome : new ProbeOutcome.LocalError(String.valueOf(error), null);
                ended(seq, o);
            });
        } catch (RuntimeException e) {
            ended(seq, new ProbeOutcome.LocalError("probe not started: " + e.getMessage(), null));
            stop();
        }
    }

    private void ended(long seq, ProbeOutcome outcome) {
        boolean last;
        synchronized (this) {
            if (finished) {
                return; // after a stop: left as in flight, like mtr
            }
            stats.recordOutcome(outcome);
            endedCount++;
            last = plan.count() > 0 && endedCount >= plan.count();
        }
        listener.onOutcome(this, seq, outcome);
        if (last) {
            finish();
        }
    }

    /**
     * Sends the next probe now rather than at its slot, and counts the interval from it (ping's flood: the next
     * echo goes as soon as the last was answered, or an interval after it, whichever comes first). Does nothing
     * once the count has been sent or the session has ended.
     */
    public void sendNext() {
        loop.execute(() -> {
            synchronized (this) {
                if (finished || (plan.count() > 0 && sentCount >= plan.count())) {
                    return;
                }
                ticker.cancel(false);
                long period = plan.interval().toNanos();
                ticker = loop.scheduleAtFixedRate(this::tick, 0, period, TimeUnit.NANOSECONDS);
            }
        });
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

    /** Routes probe {@code seq}'s duplicate, late and corrupted answers into the statistics and to the listener. */
    private ProbeEventListener extrasFor(long seq) {
        return new ProbeEventListener() {
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

    /** Stops sending and ends the session now with what was measured; probes in flight are left out. Idempotent. */
    public void stop() {
        finish();
    }

    private void finish() {
        StatsSnapshot snapshot;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            endNanos = System.nanoTime();
            ticker.cancel(false);
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
            snapshot = stats.snapshot();
        }
        listener.onFinished(this, snapshot);
        done.complete(snapshot);
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
    public synchronized Duration elapsed() {
        return Duration.ofNanos((finished ? endNanos : System.nanoTime()) - startNanos);
    }

    /** Completes with the final figures when the session ends. */
    public CompletableFuture<StatsSnapshot> completion() {
        return done;
    }

    public synchronized boolean isFinished() {
        return finished;
    }
}
