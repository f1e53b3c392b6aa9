package io.pathprobe.cli;

import io.pathprobe.core.Availability;
import io.pathprobe.core.MultiTargetSession;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.ProbeSession;
import io.pathprobe.core.ProberUnavailableException;
import io.pathprobe.core.Probers;
import io.pathprobe.core.SessionListener;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.stats.StatsSnapshot;

import java.io.PrintWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Runs one {@link ProbeSession} per request (or, {@link #inRounds() in rounds}, one {@link MultiTargetSession} for
 * them all), all at once on one engine, prints each outcome as it arrives and the
 * summaries (or one JSON document) at the end — exactly once, whether the sessions end by themselves or Ctrl-C
 * ({@link Interrupts}) stops them.
 *
 * <p>Concurrency: outcomes come on the engine's event loops, sends on a pacing thread or a loop. A target's figures
 * ({@link Track}) are guarded by the track itself; the run's lock guards the output (the lines, the report) and is
 * taken per probe only when lines are printed per probe, so a quiet or JSON run over many targets shares no lock
 * between its loops (a lock for every send and outcome made them queue behind each other, and behind a pacing
 * thread descheduled while holding it).
 */
final class SessionRun {
    /** Longest wait for outcome lines still being delivered when the report starts; they are microseconds away. */
    private static final long STRAGGLER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How a command prints one session's lines; a null line is not printed. */
    interface Lines {
        /** The line before the first probe. */
        String header(ProbeRequest request, SessionPlan plan);

        /** Probe {@code seq}'s outcome. */
        String outcome(String label, long seq, ProbeOutcome outcome);

        /** A duplicate answer to probe {@code seq}; default: not shown (the summary counts it). */
        default String duplicate(String label, long seq) {
            return null;
        }

        /** An answer to probe {@code seq} after its timeout; default: not shown (the summary counts it). */
        default String late(String label, long seq, long rttNanos) {
            return null;
        }

        /** A reply to probe {@code seq} with wrong data; default: not shown (the summary counts it). */
        default String corrupted(String label, long seq, int byteIndex) {
            return null;
        }

        /** Probe {@code seq} of {@code track} is being sent; default: nothing shown. */
        default String sent(Track track, long seq) {
            return null;
        }

        /**
         * Whether the strings are written as they are (ping's flood dots and backspaces) rather than as lines;
         * the report starts on a new line either way.
         */
        default boolean raw() {
            return false;
        }

        /** Whether the header is printed with --quiet too (ping -q prints its PING line). */
        default boolean headerWhenQuiet() {
            return false;
        }
    }

    /**
     * What a command prints and what counts as success.
     *
     * @param command  the command name, for the JSON report
     * @param lines    per-session lines
     * @param summary  a session's summary lines
     * @param targetOk whether a target's final figures count as success for the exit status
     */
    record Style(String command, Lines lines, BiFunction<Track, StatsSnapshot, List<String>> summary,
                 Predicate<StatsSnapshot> targetOk) {
        /** The generic lines ({@link TextFormat#header}, {@link TextFormat#outcome}); success = every ended probe succeeded. */
        Style(String command, String headerWhat, BiFunction<Track, StatsSnapshot, List<String>> summary) {
            this(command, new Lines() {
                @Override
                public String header(ProbeRequest request, SessionPlan plan) {
                    return TextFormat.header(headerWhat, request, plan);
                }

                @Override
                public String outcome(String label, long seq, ProbeOutcome outcome) {
                    return TextFormat.outcome(label, outcome);
                }
            }, summary, SessionRun::allEndedSucceeded);
        }
    }

    /** Every probe that ended succeeded, and at least one ended. */
    static boolean allEndedSucceeded(StatsSnapshot s) {
        long ended = s.sent() - s.inFlight();
        return ended > 0 && s.received() == ended;
    }

    /**
     * Fails early, before any name is resolved, when the prober of {@code kind} is missing or cannot run here.
     *
     * @param module the Maven module that holds it, for the message
     */
    static void checkProber(String kind, String module) {
        Availability a;
        try {
            a = Probers.load().get(kind).availability();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + ": rebuild pathprobe with the " + module + " module", e);
        }
        if (!a.available()) {
            throw new ProberUnavailableException(kind, a);
        }
    }

    /**
     * A target's account: its figures and its end, kept by a session of its own or by its place in the rounds of
     * one {@link MultiTargetSession}.
     */
    interface Account {
        CompletableFuture<StatsSnapshot> completion();

        StatsSnapshot snapshot();

        Duration elapsed();

        /** Sends the next probe now (ping's flood); a target in shared rounds keeps their pace. */
        default void sendNext() {
        }

        static Account of(ProbeSession s) {
            return new Account() {
                @Override
                public CompletableFuture<StatsSnapshot> completion() {
                    return s.completion();
                }

                @Override
                public StatsSnapshot snapshot() {
                    return s.snapshot();
                }

                @Override
                public Duration elapsed() {
                    return s.elapsed();
                }

                @Override
                public void sendNext() {
                    s.sendNext();
                }
            };
        }

        static Account of(MultiTargetSession rounds, int index) {
            return new Account() {
                @Override
                public CompletableFuture<StatsSnapshot> completion() {
                    return rounds.completion(index);
                }

                @Override
                public StatsSnapshot snapshot() {
                    return rounds.snapshot(index);
                }

                @Override
                public Duration elapsed() {
                    return rounds.elapsed(index);
                }
            };
        }
    }

    /** Cache-line padding before a track's per-probe fields (see {@link Track}). */
    @SuppressWarnings("unused")
    private abstract static class TrackPad {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    /** A track's per-probe fields, between two paddings; see {@link Track}. */
    private abstract static class TrackCounts extends TrackPad {
        long delivered;
        /** Probes sent so far (through {@link #SENT}), and {@link System#nanoTime()} of the first and last send. */
        volatile long sent;
        volatile long firstSentNanos;
        volatile long lastSentNanos;
        /** {@link System#nanoTime()} of the last answer (or duplicate, late, corrupted one). */
        long lastEventNanos;
        /** iputils ping's "pipe": the most probes that were out when one of them was answered. */
        long pipe;
        /** ping's moving average of reply RTTs (each reply weighs 1/8), in ns; 0 before the first reply. */
        double ewmaNanos;
    }

    private static final VarHandle SENT;

    static {
        try {
            SENT = MethodHandles.lookup().findVarHandle(TrackCounts.class, "sent", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One target and what it produced. Fields guarded by the track itself (the run's lock is taken first when both
     * are), except the send-side ones: one target's sends come one at a time, and may come while an outcome of it
     * is being counted on an event loop. Neighbouring tracks are counted on different event loops (each loop sends
     * and counts its own share of the targets), so the per-probe fields are padded on both sides and the count of
     * sends is a field, not an object beside the track: no two tracks' per-probe writes share a cache line.
     */
    @SuppressWarnings("unused")
    static final class Track extends TrackCounts {
        long q0, q1, q2, q3, q4, q5, q6, q7;
        final ProbeRequest request;
        /** Every outcome, kept only for the JSON report (text mode prints and forgets, so -t runs stay small). */
        final List<Result> results = new ArrayList<>();
        /** Set when the run starts. */
        volatile Account account;
        StatsSnapshot finalStats;
        Duration elapsed = Duration.ZERO;

        Track(ProbeRequest request) {
            this.request = request;
        }

        String label() {
            return request.targetLabel();
        }

        /**
         * iputils ping's "time": from the first send to the last packet sent or received, so the wait for an
         * answer that never came (the last probe's timeout) does not count.
         */
        Duration activeTime() {
            return sent == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(lastEventNanos, lastSentNanos) - firstSentNanos);
        }

        private void event() {
            lastEventNanos = System.nanoTime();
        }

        /** Counts a send, without the track's lock (a send need not wait for an outcome being counted). */
        private void countSent() {
            long now = System.nanoTime();
            lastSentNanos = now;
            if ((long) SENT.getAndAdd(this, 1L) == 0) {
                firstSentNanos = now; // the first probe's answer, which may move it, comes after this
            }
        }
    }

    /** One probe's outcome with its sequence number. */
    record Result(long seq, ProbeOutcome outcome) {
    }

    private final Style style;
    private final List<Track> tracks = new ArrayList<>();
    private final SessionPlan plan;
    private final long maxProbesPerSecond;
    private final boolean json;
    private final boolean quiet;
    private final PrintWriter out;
    /** Guards the output and the report; taken before a track's lock. */
    private final Object lock = new Object();
    private final Instant startTime = Instant.now();
    private boolean reporting;
    /** Written under the lock; read without it by the per-probe paths of a run that prints no line per probe. */
    private volatile boolean reported;
    private volatile boolean aborted;
    /** Set while the report waits for outcomes still being counted: each one then wakes it. */
    private volatile boolean awaiting;
    private boolean outputGone;
    private int exitCode;
    private boolean inRounds;
    private Interrupts.Status sigintStatus = Interrupts.Status.SIGNALLED;
    private MultiTargetSession rounds;
    private final List<ProbeSession> sessions = new ArrayList<>();
    private boolean paceByAnswers;

    SessionRun(Style style, List<ProbeRequest> requests, SessionPlan plan, long maxProbesPerSecond, boolean json,
               boolean quiet, PrintWriter out) {
        this.style = style;
        requests.forEach(r -> tracks.add(new Track(r)));
        this.plan = plan;
        this.maxProbesPerSecond = maxProbesPerSecond;
        this.json = json;
        this.quiet = quiet;
        this.out = out;
    }

    /**
     * Probes every target from one {@link MultiTargetSession} (rounds on one pacing clock) instead of a session per
     * target: the same lines and figures, without a timer per target. For runs over many targets.
     */
    SessionRun inRounds(boolean rounds) {
        this.inRounds = rounds;
        return this;
    }

    /**
     * After Ctrl-C the run exits with the status it would have had had the sessions ended by themselves (iputils
     * ping exits 0 when replies came, also on Ctrl-C), rather than with 130.
     */
    SessionRun sigintEndsRun() {
        sigintStatus = Interrupts.Status.AS_AT_THE_END;
        return this;
    }

    /**
     * Each answered probe sends the next one at once ({@link ProbeSession#sendNext()}): ping's flood, as fast as
     * answers come and at least once per interval.
     */
    SessionRun paceByAnswers() {
        paceByAnswers = true;
        return this;
    }

    /**
     * Runs all sessions to their end and prints the report.
     *
     * @return 0 when every target succeeded as the style counts it, 1 otherwise
     * @throws IllegalArgumentException when a request is not valid for its prober (nothing is printed then)
     * @throws io.pathprobe.core.ProberUnavailableException when the prober cannot run here
     */
    int run() throws InterruptedException {
        ProbeEngine engine = ProbeEngine.builder().maxProbesPerSecond(maxProbesPerSecond).build();
        try (Interrupts ctrlC = Interrupts.during(this::stopAll, sigintStatus)) {
            start(engine);
            if (ctrlC.stopped()) {
                stopAll(); // the signal came while the sessions were starting
            }
            List<CompletableFuture<StatsSnapshot>> done = new ArrayList<>();
            tracks.forEach(t -> done.add(t.account.completion()));
            try {
                CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a session failed: " + e.getCause(), e.getCause());
            }
            return ctrlC.status(report());
        } finally {
            stopAll();
            engine.close();
        }
    }

    /** Starts every session, holding the output lock so that headers come first and a failure prints nothing. */
    private void start(ProbeEngine engine) {
        synchronized (lock) {
            try {
                if (inRounds && !paceByAnswers) { // a flood paces each target by its own answers
                    startRounds(engine);
                } else {
                    for (Track t : tracks) {
                        ProbeSession s = engine.startSession(t.request, plan, listener(t));
                        sessions.add(s);
                        t.account = Account.of(s);
                    }
                }
            } catch (RuntimeException e) {
                aborted = true;
                stopAll();
                throw e;
            }
            if (!json && (!quiet || style.lines().headerWhenQuiet())) {
                tracks.forEach(t -> out.println(style.lines().header(t.request, plan)));
                out.flush();
            }
        }
    }

    private void startRounds(ProbeEngine engine) {
        List<ProbeRequest> requests = new ArrayList<>(tracks.size());
        tracks.forEach(t -> requests.add(t.request));
        // No gap between sends: each target keeps ping's interval, the engine's pacing (--rate) does the rest.
        MultiTargetSession m = MultiTargetSession.start(engine, requests, plan, Duration.ZERO,
                MultiTargetSession.DEFAULT_WINDOW, new MultiTargetSession.Listener() {
                    @Override
                    public void onSent(int target, long sequence) {
                        sentOf(tracks.get(target), sequence);
                    }

                    @Override
                    public void onOutcome(int target, long sequence, ProbeOutcome outcome) {
                        outcomeOf(tracks.get(target), sequence, outcome);
                    }

                    @Override
                    public void onDuplicate(int target, long sequence) {
                        extra(tracks.get(target), style.lines().duplicate(tracks.get(target).label(), sequence));
                    }

                    @Override
                    public void onLate(int target, long sequence, long rttNanos) {
                        extra(tracks.get(target), style.lines().late(tracks.get(target).label(), sequence, rttNanos));
                    }

                    @Override
                    public void onCorrupted(int target, long sequence, int byteIndex) {
                        extra(tracks.get(target), style.lines().corrupted(tracks.get(target).label(), sequence, byteIndex));
                    }
                });
        rounds = m;
        for (int i = 0; i < tracks.size(); i++) {
            tracks.get(i).account = Account.of(m, i);
        }
    }

    private SessionListener listener(Track t) {
        return new SessionListener() {
            @Override
            public void onSent(ProbeSession session, long sequence) {
                sentOf(t, sequence);
            }

            @Override
            public void onOutcome(ProbeSession session, long sequence, ProbeOutcome outcome) {
                outcomeOf(t, sequence, outcome);
            }

            @Override
            public void onDuplicate(ProbeSession session, long sequence) {
                extra(t, style.lines().duplicate(t.label(), sequence));
            }

            @Override
            public void onLate(ProbeSession session, long sequence, long rttNanos) {
                extra(t, style.lines().late(t.label(), sequence, rttNanos));
            }

            @Override
            public void onCorrupted(ProbeSession session, long sequence, int byteIndex) {
                extra(t, style.lines().corrupted(t.label(), sequence, byteIndex));
            }
        };
    }

    /** Whether a line may be printed per probe, so the per-probe paths take the output lock. */
    private boolean linesPerProbe() {
        return !json && !quiet;
    }

    private void sentOf(Track t, long sequence) {
        if (!linesPerProbe()) { // quiet: not even formatted (a map lookup per probe), and no shared lock
            t.countSent();
            return;
        }
        synchronized (lock) {
            t.countSent();
            if (!reported && !aborted) {
                print(style.lines().sent(t, sequence));
            }
        }
    }

    private void outcomeOf(Track t, long sequence, ProbeOutcome outcome) {
        boolean counted;
        if (linesPerProbe()) {
            synchronized (lock) {
                counted = count(t, sequence, outcome);
                if (counted) {
                    print(style.lines().outcome(t.label(), sequence, outcome));
                    lock.notifyAll();
                }
            }
        } else {
            counted = count(t, sequence, outcome);
            if (counted && awaiting) {
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        }
        Account account = t.account; // null while the session is being started: the interval sends the next
        if (counted && paceByAnswers && account != null && answered(outcome)) {
            account.sendNext();
        }
    }

    private static boolean answered(ProbeOutcome outcome) {
        OutcomeCategory category = outcome.category();
        return category != OutcomeCategory.NO_ANSWER && category != OutcomeCategory.LOCAL_ERROR;
    }

    /** Counts an outcome in its track, unless the report has started; whether it did. */
    private boolean count(Track t, long sequence, ProbeOutcome outcome) {
        synchronized (t) {
            if (reported || aborted) {
                return false;
            }
            t.delivered++;
            if (answered(outcome)) {
                t.event();
                if (sequence == 1 && outcome.rttNanos() >= 0) {
                    // The first send leaves later than its slot while the prober starts up (sockets, class
                    // loading): ping's time starts at the send itself, which the answer's RTT dates.
                    t.firstSentNanos = Math.max(t.firstSentNanos, t.lastEventNanos - outcome.rttNanos());
                }
                t.pipe = Math.max(t.pipe, t.sent - sequence + 1);
            }
            if (outcome.category() == OutcomeCategory.ANSWERED && outcome.rttNanos() >= 0) {
                long rtt = outcome.rttNanos();
                t.ewmaNanos = t.ewmaNanos == 0 ? rtt : t.ewmaNanos + (rtt - t.ewmaNanos) / 8;
            }
            if (json) {
                t.results.add(new Result(sequence, outcome));
            }
            return true;
        }
    }

    /** A duplicate, late or corrupted answer's line (null: not shown). */
    private void extra(Track t, String line) {
        if (json || quiet) {
            synchronized (t) {
                t.event();
            }
            return;
        }
        synchronized (lock) {
            synchronized (t) {
                t.event();
            }
            if (!reported && !aborted) {
                print(line);
            }
        }
    }

    /** Prints a probe's line unless quiet or null; holds the lock. */
    private void print(String line) {
        if (quiet || line == null) {
            return;
        }
        if (style.lines().raw()) {
            out.print(line);
        } else {
            out.println(line);
        }
        out.flush();
        if (!outputGone && out.checkError()) {
            outputGone = true;
            // stdout is gone (e.g. piped into head): stop, as ping does on SIGPIPE.
            stopAllLater();
        }
    }

    /** Stops the sessions from another thread: a listener must not end its own session under the run's lock. */
    private void stopAllLater() {
        Thread stopper = new Thread(this::stopAll, "pathprobe-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    private void stopAll() {
        List<ProbeSession> own;
        MultiTargetSession shared;
        synchronized (lock) {
            own = new ArrayList<>(sessions);
            shared = rounds;
        }
        if (shared != null) {
            shared.stop(); // one scheduler for every track
        }
        own.forEach(ProbeSession::stop);
    }

    /** Prints the report once; a second caller gets the same exit code and prints nothing. */
    private int report() {
        synchronized (lock) {
            while (reporting && !reported) {
                try {
                    lock.wait(); // the other caller prints; it waits for stragglers at most a second
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return exitCode;
                }
            }
            if (reported) {
                return exitCode;
            }
            reporting = true;
            for (Track t : tracks) {
                t.account.completion().join();
                // The figures now rather than at the session's end: duplicates and late replies that came after
                // its last outcome count too (nothing else changes once a session has ended).
                t.finalStats = t.account.snapshot();
                t.elapsed = t.account.elapsed();
            }
            awaitDeliveries();
            reported = true;
            boolean allGood = true;
            for (Track t : tracks) {
                synchronized (t) { // an outcome counted before 'reported' was seen has finished with the track
                    allGood &= style.targetOk().test(t.finalStats);
                    t.results.sort(Comparator.comparingLong(Result::seq));
                }
            }
            exitCode = allGood ? 0 : 1;
            if (json) {
                out.println(JsonReport.render(style.command(), startTime, tracks));
            } else {
                for (Track t : tracks) {
                    out.println();
                    List<String> summary;
                    synchronized (t) {
                        summary = style.summary().apply(t, t.finalStats);
                    }
                    summary.forEach(out::println);
                }
            }
            out.flush();
            lock.notifyAll();
            return exitCode;
        }
    }

    /**
     * A session counts an outcome just before it calls the listener, so the last lines may still be on their way
     * when the sessions have ended: wait (bounded) until every counted outcome has been printed. Holds the lock.
     */
    private void awaitDeliveries() {
        long deadline = System.nanoTime() + STRAGGLER_WAIT_NANOS;
        awaiting = true; // before reading a count: an outcome counted after the read then wakes the wait below
        try {
            for (Track t : tracks) {
                long ended = t.finalStats.sent() - t.finalStats.inFlight();
                while (delivered(t) < ended) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        } finally {
            awaiting = false;
        }
    }

    private static long delivered(Track t) {
        synchronized (t) {
            return t.delivered;
        }
    }
}
