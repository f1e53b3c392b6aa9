package io.pathprobe.core;

import io.pathprobe.core.stats.ProbeStatistics;
import io.pathprobe.core.stats.StatsSnapshot;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>Concurrency: the targets are dealt into one share per event loop, each with its own schedule (guarded by
 * the share) and its own credit of window slots (an atomic count: a claim takes one, an end gives one back to the
 * share of the loop it ended on), so that at full speed each loop claims, sends and counts its own share's probes
 * and the two cores write no common line per probe; only a gap between sends ({@code gap} above zero) adds one lock
 * over all shares, for the last send's time. A target's figures are guarded
 * by the target, and only ends of probes (on the event loops) and readers take that lock; a send counts itself with
 * one compare-and-set on the target's send count, which also carries the target's end, so that a send never waits
 * for an outcome being counted (nor an event loop for a pacing thread descheduled while holding the lock) and no
 * probe is sent or counted after its target ended.
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
        final Share share;
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

        Target(MultiTargetSession session, int index, Share share, ProbeRequest request) {
            this.session = session;
            this.index = index;
            this.share = share;
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

    /** Cache-line padding before a share's fields: two shares are written by two cores. */
    @SuppressWarnings("unused")
    private abstract static class SharePad {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    /** A share's fields, between two paddings. */
    private abstract static class ShareFields extends SharePad {
        final int index;
        /** Targets {@code index}, {@code index + shares}, ...: target {@code i} is {@code members[i / shares]}. */
        final Target[] members;
        /**
         * The next probe: its round and its target's place in {@link #members} (no division on the per-probe path),
         * under the share's lock; and its ordinal ({@code round * targets + index}), written under the lock through
         * {@link #NEXT} and read without it by the pacing thread, which sends the lowest first.
         */
        long round;
        int place;
        long next;
        /**
         * Window slots this share may claim; changed through {@link #CREDITS} only. All shares' credits and the probes
         * claimed and not yet ended add up to the window.
         */
        volatile int credits;
        /** When its next probe is due, as the last claim that found it not due saw it; under the share's lock. */
        long dueNanos;

        ShareFields(int index, int credits, int members) {
            this.index = index;
            this.credits = credits;
            this.members = new Target[members];
            this.next = index;
        }

        /** Moves on to the share's next target, or to the next round. Holds the lock. */
        void advance(int targets) {
            if (++place == members.length) {
                place = 0;
                round++;
            }
            NEXT.setRelease(this, round * targets + members[place].index);
        }

        long nextOrdinal() {
            return (long) NEXT.getAcquire(this);
        }
    }

    /**
     * A thread's claim and pump state: the probe claimed (its target and sequence number), whether the thread is
     * pumping, the sends it owes (a probe that ended inside a send), and its loop's share + 2 (1: none, 0: not known
     * yet). One a thread ({@link #pumping}; the pacing thread's is {@link #pacerState}), used by that thread only.
     */
    private static final class PumpState {
        Target target;
        long seq;
        boolean active;
        int owed;
        int home;
    }

    /**
     * One share of the targets, one an event loop (see the class's concurrency note): its schedule is guarded by
     * the share itself, its credit is atomic. Padded on both sides, so that the credits and locks of two shares
     * never share a cache line.
     */
    @SuppressWarnings("unused")
    private static final class Share extends ShareFields {
        long q0, q1, q2, q3, q4, q5, q6, q7;

        Share(int index, int credits, int members) {
            super(index, credits, members);
        }

        /** Takes one slot of this share's credit; false when it has none. */
        boolean take() {
            int c;
            do {
                c = credits;
                if (c <= 0) {
                    return false;
                }
            } while (!CREDITS.compareAndSet(this, c, c - 1));
            return true;
        }

        void giveBack() {
            CREDITS.getAndAdd(this, 1);
        }
    }

    private static final VarHandle CREDITS;
    private static final VarHandle NEXT;

    static {
        try {
            CREDITS = MethodHandles.lookup().findVarHandle(ShareFields.class, "credits", int.class);
            NEXT = MethodHandles.lookup().findVarHandle(ShareFields.class, "next", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ProbeEngine engine;
    /** The number of targets. */
    private final int n;
    private final SessionPlan plan;
    private final long gapNanos;
    private final int window;
    private final long periodNanos;
    /** claim()'s answers: a probe claimed (in the caller's {@link PumpState}), or why none was. */
    private static final long CLAIMED = 0;
    private static final long NONE_LEFT = -1;
    private static final long WINDOW_FULL = -2;
    private static final long NOT_DUE = -3;
    /** The pacing thread's nap while ending probes keep a full window going: its only cost is this bound. */
    private static final long WINDOW_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Targets are dealt into shares, one an event loop: target {@code i} is in share {@code i % shares.length}. A
     * probe ending on loop {@code j} gives its slot to share {@code j} and sends share {@code j}'s next probe from
     * loop {@code j} (where the engine keeps it), so that while the window is full (a run as fast as the engine
     * goes) each target's probes start, end and are counted on one loop, and its figures stay in that core's cache
     * (with every loop sending to every target, each reply's counting missed on lines the other core had written:
     * RttBuckets.record was 23% of the loops' samples with two loops and nothing with one); a probe the engine moved
     * to the other loop (an idle loop takes queued work from a busy one) hands its slot over, so the mapping mends
     * itself. The loops share no lock or counter (with one schedule lock and one window count for both, the claim
     * was 43% of their samples). The pacing thread takes the lowest ordinal of all shares, with a slot of any share's
     * credit: the one round-robin order.
     */
    private final Share[] shares;
    /** Guards {@link #lastSendNanos}, taken (before a share's lock) only when there is a gap between sends. */
    private final Object schedule = new Object();
    private long lastSendNanos;
    /** The pacing thread's: when the next probe is due, and the shares its claim has tried. */
    private long pacerDueNanos;
    private final boolean[] pacerTried;
    /** Set while the window is full: ending probes send the next ones. */
    private volatile boolean windowFull;
    /** Each thread's {@link PumpState}. */
    private final ThreadLocal<PumpState> pumping = ThreadLocal.withInitial(PumpState::new);
    /** The pacing thread's {@link PumpState}. */
    private final PumpState pacerState = new PumpState();
    private final Listener listener;
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
        this.n = requests.size();
        int count = Math.max(1, Math.min(engine.loopCount(), n));
        this.shares = new Share[count];
        for (int j = 0; j < count; j++) {
            // A share's targets made together (a share at a time), so that its loop's lines hold only its own.
            Share s = new Share(j, window / count + (j < window % count ? 1 : 0), (n - j + count - 1) / count);
            shares[j] = s;
            for (int i = j; i < n; i += count) {
                s.members[i / count] = new Target(this, i, s, requests.get(i));
            }
        }
        this.pacerTried = new boolean[count];
        this.unfinished = new AtomicInteger(n);
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
                long k = claimNext(now);
                if (k == CLAIMED) {
                    send(pacerState.target, pacerState.seq);
                } else if (k == NONE_LEFT) {
                    return;
                } else if (k == WINDOW_FULL) {
                    // A probe that ended before the flag was set gave a slot back that no one took: take it now. Once
                    // the flag is up the slots are the loops' (an end gives one, its send takes it at once), and a
                    // claim here would take one in between and send it from outside the loops, which deal it to
                    // either: so nap, whatever the credits say.
                    boolean was = windowFull;
                    windowFull = true;
                    if ((was || noCredit()) && !stopped) {
                        LockSupport.parkNanos(this, WINDOW_NAP_NANOS);
                    }
                } else if (pacerDueNanos - now > 0 && !stopped) {
                    LockSupport.parkNanos(this, pacerDueNanos - now); // an unpark (stop, a target's end) comes early
                }
            }
        } catch (RuntimeException e) {
            stop(); // the engine closed under us: end with what was measured
        }
    }

    /**
     * The pacing thread's claim: the lowest next ordinal of all shares with probes left, with a slot of any
     * share's credit (see {@link #claim}); NOT_DUE with {@link #pacerDueNanos} set, WINDOW_FULL or NONE_LEFT.
     */
    private long claimNext(long now) {
        java.util.Arrays.fill(pacerTried, false);
        for (int a = 0; a < shares.length; a++) {
            Share best = null;
            for (Share s : shares) {
                if (!pacerTried[s.index] && (best == null || s.nextOrdinal() < best.nextOrdinal())) {
                    best = s;
                }
            }
            pacerTried[best.index] = true;
            long k = claim(best, now, true, pacerState);
            if (k == NOT_DUE) {
                pacerDueNanos = best.dueNanos; // written by this thread, under the share's lock
            }
            if (k != NONE_LEFT) {
                return k;
            }
        }
        return NONE_LEFT;
    }

    /** Whether no share has a slot left. */
    private boolean noCredit() {
        for (Share s : shares) {
            if (s.credits > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Claims share {@code s}'s next probe into {@code out} ({@link #CLAIMED}), if it is due at {@code now} and a
     * slot is free (in the share's credit, or with {@code anyCredit} in any share's), which it takes; else
     * {@link #NONE_LEFT}, {@link #WINDOW_FULL} or {@link #NOT_DUE} (with the share's {@code dueNanos} set).
     * Targets that have ended are passed over.
     */
    private long claim(Share s, long now, boolean anyCredit, PumpState out) {
        if (gapNanos > 0) {
            synchronized (schedule) {
                synchronized (s) {
                    return claimHeld(s, now, anyCredit, out);
                }
            }
        }
        synchronized (s) {
            return claimHeld(s, now, anyCredit, out);
        }
    }

    /** {@link #claim}, holding the share's lock (and the schedule's, with a gap). */
    private long claimHeld(Share s, long now, boolean anyCredit, PumpState out) {
        for (int passed = 0; ; ) {
            long round = s.round;
            if (stopped || plan.count() > 0 && round >= plan.count()) {
                return NONE_LEFT;
            }
            Target t = s.members[s.place];
            if (t.finished) {
                if (++passed > s.members.length) {
                    return NONE_LEFT; // every target of this share has ended (others' may not have)
                }
                s.advance(n);
                continue;
            }
            if (s.credits <= 0 && !anyCredit) {
                return WINDOW_FULL;
            }
            long due = startNanos + round * periodNanos;
            if (gapNanos > 0) {
                due = Math.max(due, lastSendNanos + gapNanos);
            }
            if (due - now > 0) {
                s.dueNanos = due;
                return NOT_DUE;
            }
            if (!takeSlot(s, anyCredit)) {
                return WINDOW_FULL;
            }
            s.advance(n);
            if (gapNanos > 0) {
                lastSendNanos = now;
            }
            out.target = t;
            out.seq = round + 1;
            return CLAIMED;
        }
    }

    /** Takes a slot from {@code s}'s credit, or with {@code any} from another share's; whether there was one. */
    private boolean takeSlot(Share s, boolean any) {
        if (s.take()) {
            return true;
        }
        if (any) {
            for (Share o : shares) {
                if (o != s && o.take()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Target {@code index}. */
    private Target target(int index) {
        return shares[index % shares.length].members[index / shares.length];
    }

    /** This thread's pump state, with its loop's share found on first use. */
    private PumpState pumpState() {
        if (Thread.currentThread() == pacer) {
            pacerState.home = 1;
            return pacerState;
        }
        PumpState p = pumping.get();
        if (p.home == 0) {
            int loop = engine.loopIndex();
            p.home = (loop < shares.length ? loop : -1) + 2;
        }
        return p;
    }

    /** The share of the loop this thread is ({@code p} its pump state), or {@code fallback} on another thread. */
    private Share home(PumpState p, Share fallback) {
        return p.home >= 2 ? shares[p.home - 2] : fallback;
    }

    /**
     * An ending probe's turn while the window is full: sends what is due in its place, from the share of the loop it
     * ended on (or on another thread from its own share, with any share's slot). A probe that ends at once (inside
     * the send) asks again through {@code pumping} instead of recursing.
     */
    private void pump(PumpState p, Share ended) {
        if (p.active) {
            p.owed++;
            return;
        }
        p.active = true;
        p.owed = 1;
        Share s = home(p, ended);
        boolean anyCredit = p.home < 2;
        try {
            while (p.owed > 0) {
                p.owed--;
                long k = claim(s, System.nanoTime(), anyCredit, p);
                if (k != CLAIMED) {
                    if (k != WINDOW_FULL) {
                        windowFull = false; // nothing due now: the pacing thread keeps the time again
                        LockSupport.unpark(pacer);
                    }
                    return;
                }
                send(p.target, p.seq);
            }
        } catch (RuntimeException e) {
            stop(); // the engine closed under us
        } finally {
            p.active = false;
            p.owed = 0;
            p.target = null;
        }
    }

    /** Sends claimed probe {@code seq} of {@code t}; a target that ended since its claim gives the slot back. */
    private void send(Target t, long seq) {
        int index = t.index;
        if (!t.countSend()) {
            home(pumpState(), t.share).giveBack(); // ended since the claim
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
        PumpState p = pumpState();
        home(p, t.share).giveBack(); // to this loop's share: its next probe is sent from here
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
            pump(p, t.share);
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
        for (Share s : shares) {
            for (Target t : s.members) {
                finish(t);
            }
        }
    }

    /**
     * Stops probing target {@code index} and ends it now with what was measured (fping's default mode stops at the
     * first answer); its probes in flight are left out. Idempotent.
     */
    public void stop(int index) {
        finish(target(index));
    }

    /** Number of targets, in the order of the requests given. */
    public int size() {
        return n;
    }

    /** Target {@code index}'s request. */
    public ProbeRequest request(int index) {
        return target(index).request;
    }

    /** Target {@code index}'s figures so far. */
    public StatsSnapshot snapshot(int index) {
        Target t = target(index);
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
        Target t = target(index);
        synchronized (t) {
            return Duration.ofNanos((t.finished ? t.endNanos : System.nanoTime()) - startNanos);
        }
    }

    /** Completes with target {@code index}'s final figures when it ends. */
    public CompletableFuture<StatsSnapshot> completion(int index) {
        return target(index).done;
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
