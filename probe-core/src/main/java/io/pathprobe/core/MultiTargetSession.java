package io.pathprobe.core;

import io.pathprobe.core.stats.ProbeStatistics;
import io.pathprobe.core.stats.StatsSnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Many targets probed in rounds, as fping does: round {@code k} sends probe {@code k} to every target in turn,
 * rounds start {@link SessionPlan#interval()} apart (the per-target period, fping's {@code -p}), consecutive sends
 * are at least {@code gap} apart (fping's {@code -i}; zero = as fast as the engine admits them), and each target
 * keeps its own statistics, exactly as one {@link ProbeSession} per target would. One pacing thread serves every
 * target, where a session per target would run one timer each; it submits from outside the engine's event loops,
 * so the engine spreads the probes over all of its loops.
 *
 * <p>At most {@code window} probes are submitted and not yet ended, so a fast plan over many targets holds a
 * bounded queue. A target ends when its count has been sent and every probe has ended; the whole session ends when
 * every target has, when the plan's deadline passes, or on {@link #stop()} (probes in flight are then left out of
 * the loss figure, as in {@link ProbeSession}). Thread-safe.
 *
 * <p>Concurrency: a target's figures are guarded by the target, and only ends of probes (on the event loops) and
 * readers take that lock; a send counts itself with one compare-and-set on the target's send count, which also
 * carries the target's end, so that a send never waits for an outcome being counted (nor an event loop for a
 * pacing thread descheduled while holding the lock) and no probe is sent or counted after its target ended.
 */
public final class MultiTargetSession {
    /**
     * A window for runs as fast as the engine goes: twice what the engine runs at once (its in-flight limit, 10,240 by
     * default), so that its queue is never empty and its event loops start the next probe themselves as one ends.
     */
    public static final int DEFAULT_WINDOW = 20_480;

    /** Receives outcomes with the target's index in the request list; no-op defaults, called on engine threads. */
    public interface Listener {
        /** Probe {@code sequence} (from 1) to target {@code target} is about to be sent (ping -O's moment). */
        default void onSent(int target, long sequence) {
        }

        /** Probe {@code sequence} (from 1) to target {@code target} ended with {@code outcome}. */
        default void onOutcome(int target, long sequence, ProbeOutcome outcome) {
        }

        /** Probe {@code sequence} to {@code target} got a duplicate answer; counted in duplicates only. */
        default void onDuplicate(int target, long sequence) {
        }

        /** Probe {@code sequence} to {@code target} was answered after its timeout; counted in late only. */
        default void onLate(int target, long sequence, long rttNanos) {
        }

        /** Probe {@code sequence} to {@code target} got a reply with other data; counted in corrupted only. */
        default void onCorrupted(int target, long sequence, int byteIndex) {
        }
    }

    /** One target's account. Guarded by itself, but for {@link #sends}. */
    private static final class Target {
        /** In {@link #sends}: the target has ended, and counts no more sends. */
        private static final long ENDED = Long.MIN_VALUE;

        final MultiTargetSession session;
        final int index;
        final ProbeRequest request;
        final ProbeStatistics stats = new ProbeStatistics();
        final CompletableFuture<StatsSnapshot> done = new CompletableFuture<>();
        /** Probes sent, with {@link #ENDED} set once the target has ended; no lock. */
        final AtomicLong sends = new AtomicLong();
        /** How many of {@link #sends} the statistics have counted. */
        long folded;
        long ended;
        long endNanos;
        /** Written under the target's lock; read without it by the scheduler, to pass over ended targets. */
        volatile boolean finished;

        Target(MultiTargetSession session, int index, ProbeRequest request) {
            this.session = session;
            this.index = index;
            this.request = request;
        }

        /** Counts a send, unless the target has ended; whether it did. */
        boolean countSend() {
            return sends.getAndUpdate(s -> s < 0 ? s : s + 1) >= 0;
        }

        /** Ends the send count; false when it had ended already. */
        boolean endSends() {
            return sends.getAndUpdate(s -> s | ENDED) >= 0;
        }

        /** Brings the statistics' send count up to date: before an outcome or a read. Holds the lock. */
        void fold() {
            long s = sends.get() & ~ENDED;
            if (s > folded) {
                stats.recordSent(s - folded);
                folded = s;
            }
        }
    }

    private final ProbeEngine engine;
    private final List<Target> targets;
    private final SessionPlan plan;
    private final long gapNanos;
    private final int window;
    private final long periodNanos;
    /** claim()'s answers that are not an ordinal. */
    private static final long NONE_LEFT = -1;
    private static final long WINDOW_FULL = -2;
    private static final long NOT_DUE = -3;
    /** The pacing thread's nap while ending probes keep a full window going: its only cost is this bound. */
    private static final long WINDOW_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Guards the schedule: each share's next probe's ordinal, the last send's time, the next due time. Targets are
     * dealt into {@link #shares} shares, one an event loop: target {@code i} is in share {@code i % shares}, and an
     * ending probe on loop {@code j} sends the next probe of share {@code j}, so that while the window is full (a
     * run as fast as the engine goes) each target's probes start, end and are counted on one loop, and its figures
     * stay in that core's cache (with every loop sending to every target, each reply's counting missed on lines
     * the other core had written: RttBuckets.record was 23% of the loops' samples with two loops and nothing with
     * one). The pacing thread takes the lowest ordinal of all shares, which is the one round-robin order.
     */
    private final Object schedule = new Object();
    private final int shares;
    private final long[] nextOrdinal;
    private long lastSendNanos;
    private long dueNanos;
    /** Set while the window is full: ending probes send the next ones. */
    private volatile boolean windowFull;
    /** [this thread is pumping, sends owed, its share + 2 (1: none, 0: not known yet)]. */
    private final ThreadLocal<long[]> pumping = ThreadLocal.withInitial(() -> new long[3]);
    private final Listener listener;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger unfinished;
    private final CompletableFuture<Void> all = new CompletableFuture<>();
    private final Thread pacer;
    private volatile boolean stopped;
    /** Carries the deadline and the engine's close; ends when the session does. */
    private Repetition lifetime;
    private long startNanos;
    private volatile long endNanos;

    private MultiTargetSession(ProbeEngine engine, List<ProbeRequest> requests, SessionPlan plan, Duration gap,
                               int window, Listener listener) {
        this.engine = engine;
        this.plan = plan;
        this.gapNanos = gap.toNanos();
        this.window = window;
        this.periodNanos = plan.interval().toNanos();
        this.listener = listener;
        this.targets = new ArrayList<>(requests.size());
        for (ProbeRequest r : requests) {
            targets.add(new Target(this, targets.size(), r));
        }
        this.unfinished = new AtomicInteger(targets.size());
        this.shares = Math.max(1, Math.min(engine.loopCount(), targets.size()));
        this.nextOrdinal = new long[shares];
        for (int i = 0; i < shares; i++) {
            nextOrdinal[i] = i;
        }
        this.pacer = new Thread(this::pace, "pathprobe-rounds");
        pacer.setDaemon(true);
    }

    /**
     * Starts probing {@code requests} as {@code plan} says; each request is validated now.
     *
     * @param gap    least time between two consecutive sends to any targets; {@link Duration#ZERO} = none
     * @param window most probes submitted and not yet ended (e.g. {@link #DEFAULT_WINDOW})
     * @throws IllegalArgumentException when a request is not valid for its prober, the list is empty, the gap is
     *                                  negative, the window below 1, or the interval too short for this process
     * @throws ProberUnavailableException when a request's prober cannot run here
     */
    public static MultiTargetSession start(ProbeEngine engine, List<ProbeRequest> requests, SessionPlan plan,
                                           Duration gap, int window, Listener listener) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(plan, "plan");
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no targets: give at least one request");
        }
        if (gap.isNegative()) {
            throw new IllegalArgumentException("gap must not be negative, was " + gap.toNanos() + " ns");
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, was " + window);
        }
        ProbeEngine.checkInterval(plan.interval());
        if (!gap.isZero()) {
            ProbeEngine.checkInterval(gap);
        }
        for (ProbeRequest r : requests) {
            engine.validate(r); // once a target: its probes are submitted without a check each
        }
        MultiTargetSession s = new MultiTargetSession(engine, requests, plan, gap, window,
                listener == null ? new Listener() { } : listener);
        s.begin();
        return s;
    }

    private synchronized void begin() {
        startNanos = System.nanoTime();
        lastSendNanos = startNanos - gapNanos;
        // The deadline, and the end with the engine's close, are a repetition's: one round, held until every
        // target has ended (or stopped by the deadline or the engine, which then ends the session).
        lifetime = engine.repeat(plan.interval(), 1, plan.deadline(), new Repetition.Rounds() {
            @Override
            public void round(Repetition r, long n) {
                r.hold();
            }

            @Override
            public void finished(Repetition r) {
                stop();
            }
        });
        lifetime.start();
        pacer.start();
    }

    /**
     * The pacing thread: claims each probe when it is due (rounds on a fixed schedule; late rounds catch up, as a
     * fixed-rate timer does) and sends it. While the window is full it naps: ending probes then send the next ones
     * themselves, on their event loops, so that a run as fast as the engine goes needs no wake-up per probe.
     */
    private void pace() {
        try {
            while (!stopped) {
                long now = System.nanoTime();
                long k = claim(now, -1);
                if (k >= 0) {
                    send(k);
                } else if (k == NONE_LEFT) {
                    return;
                } else if (k == WINDOW_FULL) {
                    windowFull = true;
                    if (outstanding.get() >= window && !stopped) {
                        LockSupport.parkNanos(this, WINDOW_NAP_NANOS);
                    }
                } else {
                    long due;
                    synchronized (schedule) {
                        due = dueNanos;
                    }
                    if (due - now > 0 && !stopped) {
                        LockSupport.parkNanos(this, due - now); // an unpark (stop, a target's end) comes early
                    }
                }
            }
        } catch (RuntimeException e) {
            stop(); // the engine closed under us: end with what was measured
        }
    }

    /**
     * The next probe's ordinal ({@code round * targets + index}) of share {@code share}, or of all shares for -1 (the
     * lowest of their next ones), if it is due at {@code now} and the window has room, counted as outstanding; else
     * {@link #NONE_LEFT} (in that share, or in all), {@link #WINDOW_FULL} or {@link #NOT_DUE} (with
     * {@link #dueNanos} set for all shares). Targets that have ended are passed over.
     */
    private long claim(long now, int share) {
        int n = targets.size();
        synchronized (schedule) {
            while (true) {
                int s = share;
                if (s < 0) {
                    s = 0;
                    for (int i = 1; i < shares; i++) {
                        if (nextOrdinal[i] < nextOrdinal[s]) {
                            s = i;
                        }
                    }
                }
                long k = nextOrdinal[s];
                if (stopped || plan.count() > 0 && k / n >= plan.count()) {
                    return NONE_LEFT;
                }
                if (targets.get((int) (k % n)).finished) {
                    nextOrdinal[s] = following(k, s);
                    continue;
                }
                if (outstanding.get() >= window) {
                    return WINDOW_FULL;
                }
                long due = Math.max(startNanos + (k / n) * periodNanos, lastSendNanos + gapNanos);
                if (due - now > 0) {
                    if (share < 0) {
                        dueNanos = due;
                    }
                    return NOT_DUE;
                }
                nextOrdinal[s] = following(k, s);
                lastSendNanos = now;
                outstanding.incrementAndGet();
                return k;
            }
        }
    }

    /** The ordinal after {@code k} in share {@code s}: its next target, or the share's first in the next round. */
    private long following(long k, int s) {
        int n = targets.size();
        return k % n + shares < n ? k + shares : (k / n + 1) * n + s;
    }

    /**
     * An ending probe's turn while the window is full: sends what is due in its place. A probe that ends at once
     * (inside the send) asks again through {@code pumping} instead of recursing.
     */
    private void pump() {
        long[] p = pumping.get(); // [this thread is pumping, sends owed, its share + 2]
        if (p[0] != 0) {
            p[1]++;
            return;
        }
        p[0] = 1;
        p[1] = 1;
        try {
            while (p[1] > 0) {
                p[1]--;
                long k = claim(System.nanoTime(), share(p));
                if (k < 0) {
                    if (k != WINDOW_FULL) {
                        windowFull = false; // nothing due now: the pacing thread keeps the time again
                        LockSupport.unpark(pacer);
                    }
                    return;
                }
                send(k);
            }
        } catch (RuntimeException e) {
            stop(); // the engine closed under us
        } finally {
            p[0] = 0;
            p[1] = 0;
        }
    }

    /** This thread's share: its event loop's, or -1 (all) on another thread. */
    private int share(long[] p) {
        if (p[2] == 0) {
            int loop = Thread.currentThread() == pacer ? -1 : engine.loopIndex();
            p[2] = (loop < shares ? loop : -1) + 2;
        }
        return (int) p[2] - 2;
    }

    /** Sends claimed probe {@code k}; a target that ended since its claim gives the slot back. */
    private void send(long k) {
        int n = targets.size();
        int index = (int) (k % n);
        long seq = k / n + 1;
        Target t = targets.get(index);
        if (!t.countSend()) {
            outstanding.decrementAndGet(); // ended since the claim
            return;
        }
        listener.onSent(index, seq);
        try {
            engine.submitValidated(t.request, new Sent(t, seq)); // validated once, at the start
        } catch (RuntimeException e) {
            ended(index, t, seq, new ProbeOutcome.LocalError("probe not started: " + e.getMessage(), null));
            throw e;
        }
    }

    /**
     * One sent probe: hears of its end and of its extra answers from the engine (one object a probe, and no
     * completion stage on its future). It lives as long as the engine tells of the probe's late and duplicate
     * answers (for ICMP until its timeout, a timeout longer if it timed out), so it holds only its target and number:
     * 24 bytes.
     */
    private static final class Sent implements ProbeEventListener {
        private final Target t;
        private final long seq;

        Sent(Target t, long seq) {
            this.t = t;
            this.seq = seq;
        }

        @Override
        public void probeFinished(ProbeHandle probe, ProbeOutcome outcome) {
            t.session.ended(t.index, t, seq, outcome);
        }

        @Override
        public void probeFailed(ProbeHandle probe, ProbeOutcome outcome) {
            t.session.ended(t.index, t, seq, outcome);
        }

        @Override
        public void probeDuplicate(ProbeRequest r) {
            synchronized (t) {
                t.stats.recordDuplicate();
            }
            t.session.listener.onDuplicate(t.index, seq);
        }

        @Override
        public void probeLate(ProbeRequest r, long rttNanos) {
            synchronized (t) {
                t.stats.recordLate();
            }
            t.session.listener.onLate(t.index, seq, rttNanos);
        }

        @Override
        public void probeCorrupted(ProbeRequest r, int byteIndex) {
            synchronized (t) {
                t.stats.recordCorrupted();
            }
            t.session.listener.onCorrupted(t.index, seq, byteIndex);
        }
    }

    private void ended(int index, Target t, long seq, ProbeOutcome outcome) {
        outstanding.decrementAndGet();
        boolean last;
        synchronized (t) {
            if (t.finished) {
                return; // after a stop: left as in flight
            }
            t.fold();
            t.stats.recordOutcome(outcome);
            t.ended++;
            last = plan.count() > 0 && t.ended >= plan.count();
        }
        listener.onOutcome(index, seq, outcome);
        if (last) {
            finish(t);
        }
        if (windowFull) {
            pump();
        }
    }

    private void finish(Target t) {
        if (!t.endSends()) {
            return;
        }
        StatsSnapshot s;
        synchronized (t) {
            t.finished = true;
            t.endNanos = System.nanoTime();
            t.fold();
            s = t.stats.snapshot();
        }
        t.done.complete(s);
        if (unfinished.decrementAndGet() == 0) {
            endNanos = System.nanoTime();
            stopped = true;
            LockSupport.unpark(pacer);
            Repetition r;
            synchronized (this) {
                r = lifetime;
            }
            if (r != null) {
                r.stop();
            }
            all.complete(null);
        }
    }

    /** Stops sending and ends every target now with what was measured; probes in flight are left out. Idempotent. */
    public void stop() {
        stopped = true;
        LockSupport.unpark(pacer);
        for (Target t : targets) {
            finish(t);
        }
    }

    /**
     * Stops probing target {@code index} and ends it now with what was measured (fping's default mode stops at the
     * first answer); its probes in flight are left out. Idempotent.
     */
    public void stop(int index) {
        finish(targets.get(index));
    }

    /** Number of targets, in the order of the requests given. */
    public int size() {
        return targets.size();
    }

    /** Target {@code index}'s request. */
    public ProbeRequest request(int index) {
        return targets.get(index).request;
    }

    /** Target {@code index}'s figures so far. */
    public StatsSnapshot snapshot(int index) {
        Target t = targets.get(index);
        synchronized (t) {
            t.fold();
            return t.stats.snapshot();
        }
    }

    /**
     * Time from the start to now, or to target {@code index}'s end once it finished (ping's "time", as a
     * {@link ProbeSession} counts it: every target's schedule starts at the session's start).
     */
    public Duration elapsed(int index) {
        Target t = targets.get(index);
        synchronized (t) {
            return Duration.ofNanos((t.finished ? t.endNanos : System.nanoTime()) - startNanos);
        }
    }

    /** Completes with target {@code index}'s final figures when it ends. */
    public CompletableFuture<StatsSnapshot> completion(int index) {
        return targets.get(index).done;
    }

    /** Completes when every target has ended. */
    public CompletableFuture<Void> completion() {
        return all;
    }

    /** Time from the start to now, or to the end once every target ended (fping's "elapsed real time"). */
    public Duration elapsed() {
        long end = endNanos;
        return Duration.ofNanos((end != 0 ? end : System.nanoTime()) - startNanos);
    }
}
