package io.pathprobe.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.util.concurrent.FastThreadLocal;
import io.pathprobe.core.AddressText;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeEventListener;
import io.pathprobe.core.ProbeHandle;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.ticket.agent.CaptureEvent;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code pathprobe tcp -c 1} over many ports (a port sweep): one connect per target and port on one engine, with
 * no session, statistics or output line per port while it runs (per-port sessions made a 65,535-port sweep take
 * 10 s, most of it their set-up and summaries). At most {@link #WINDOW} connects are in flight. The calling
 * thread fills the window (the engine's round-robin spreads those over its event loops); after that each connect
 * that ends starts the next pair on its own loop, where the engine starts it at once: no hand-over between threads
 * per connect, and both loops submit in parallel instead of one thread feeding both (on loopback, where a connect
 * ends inside connect(), the calling thread was as busy as each loop). A loop starts at most {@link #CHAIN} pairs
 * in one go and then leaves the slots to the calling thread, so that it still reads its sockets and runs its
 * timers. At the end it prints, per host, a line of counts by state and one line per port not in the host's most
 * common state (as nmap's "Not shown: N closed"); {@code --json} keeps every port.
 */
final class TcpSweep {
    /**
     * Most connects in flight. Refused and open ports end in microseconds, so this bounds only what dropped
     * ports cost: each holds its slot for the timeout, so a sweep runs at least WINDOW / timeout of them a second.
     */
    static final int WINDOW = 4096;
    /** The calling thread is woken to refill the window when this few are left in flight. */
    static final int REFILL_AT = WINDOW / 2;
    /** Most pairs a loop starts one after another before it leaves the rest to the calling thread. */
    static final int CHAIN = 1024;
    /** Longest park of the submitting thread: it looks at the deadline and Ctrl-C at least this often. */
    private static final long PARK_NANOS = 10_000_000L;
    /** Most target:port pairs one sweep takes, so that a typo cannot become a scan of a whole network's ports. */
    static final long MAX_PAIRS = 1L << 24;
    /** Writes into the command's output without closing it; a holder, so a text sweep never loads Jackson. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().addMixIn(CaptureEvent.class, OutcomeKeysOnly.class)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** What one port's connect found, in nmap's terms in the comments (the lab test holds them equal). */
    enum State {
        /** Connected (nmap: open). */
        OPEN("open"),
        /** Refused with a RST (nmap: closed). */
        REFUSED("refused"),
        /** No answer within the timeout (nmap: filtered). */
        TIMED_OUT("timed out"),
        /** An ICMP error came back (nmap: filtered). */
        UNREACHABLE("unreachable"),
        /** A local failure: nothing was learnt about the port. */
        ERROR("errors"),
        /** Not probed: the deadline passed or Ctrl-C came first. */
        NOT_PROBED("not probed");

        final String words;

        State(String words) {
            this.words = words;
        }

        static State of(ProbeOutcome o) {
            if (o == null) {
                return NOT_PROBED;
            }
            if (o.category() == OutcomeCategory.ANSWERED) {
                return OPEN;
            }
            if (o.category() == OutcomeCategory.REFUSED) {
                return REFUSED;
            }
            if (o instanceof ProbeOutcome.TimedOut) {
                return TIMED_OUT;
            }
            if (o instanceof ProbeOutcome.Unreachable) {
                return UNREACHABLE;
            }
            return ERROR;
        }

        /**
         * The states a host's summary may leave unlisted: never open ports (what a sweep looks for) nor errors.
         * Ports not probed are never listed at all (the count line has them): they say nothing about the port.
         */
        boolean hideable() {
            return this == REFUSED || this == TIMED_OUT || this == UNREACHABLE;
        }
    }

    private final SweepPairs pairs;
    private final Duration deadline;
    private final long maxProbesPerSecond;
    private final boolean json;
    private final boolean quiet;
    private final PrintWriter out;
    /** Whether a probe's port names its pair: the engine's end events then stand for a stage on each future. */
    private final boolean byPort;
    /**
     * Each pair's outcome and its state ({@link State#ordinal()} + 1; 0 not probed), written on the loops in
     * {@link #ended} before its slot's release, read by the report once none is outstanding (that release and the
     * calling thread's read of the count order them): plain arrays, no fence a port. The state is found there, in
     * the loops' warm code, so that the report counts bytes instead of classifying 65,535 outcomes in a cold
     * interpreter after the sweep (its passes over boxed pair indexes took 15-30 ms of a loopback sweep).
     */
    private final ProbeOutcome[] outcomes;
    private final byte[] states;
    private static final State[] STATES = State.values();

    /** A state as kept in {@link #states}: its ordinal + 1, so that 0 is a pair that has not ended. */
    private static byte code(State s) {
        return (byte) (s.ordinal() + 1);
    }
    /** Connects started and not ended. */
    private final AtomicInteger outstanding = new AtomicInteger();
    /** The next pair to start. */
    private final AtomicInteger next = new AtomicInteger();
    /**
     * Per thread: the slots owed by connects that ended while that thread was already starting pairs. Netty's kind,
     * an array index on the event loops, where a JDK ThreadLocal cost a call into the VM a port (Reference.refersTo,
     * which C1, the sweep's only compiler, does not inline).
     */
    private final FastThreadLocal<Chain> chains = new FastThreadLocal<>() {
        @Override
        protected Chain initialValue() {
            return new Chain();
        }
    };
    private volatile ProbeEngine engine;
    private volatile long stopAt = Long.MAX_VALUE;
    private volatile Thread runner;
    private final Instant startTime = Instant.now();
    private final Object lock = new Object();
    private volatile boolean stopping;
    private boolean reported;
    private int exitCode;
    /** Written by the run and read by Ctrl-C's hook. */
    private volatile long startNanos;
    private volatile long elapsedNanos;

    /**
     * @param deadline when to stop starting connects (zero: none); ports not started by then are "not probed"
     */
    TcpSweep(SweepPairs pairs, Duration deadline, long maxProbesPerSecond, boolean json, boolean quiet,
             PrintWriter out) {
        this.pairs = pairs;
        this.deadline = deadline;
        this.maxProbesPerSecond = maxProbesPerSecond;
        this.json = json;
        this.quiet = quiet;
        this.out = out;
        this.byPort = pairs.indexOfPort(pairs.first(0).port()) == 0;
        this.outcomes = new ProbeOutcome[pairs.size()];
        this.states = new byte[pairs.size()];
    }

    /**
     * Sweeps every pair and prints the report.
     *
     * @return 0 when every port connected, 1 otherwise (as for any {@code pathprobe tcp} run)
     * @throws IllegalArgumentException when the requests are not valid for the tcp prober (nothing is printed then)
     */
    int run() throws InterruptedException {
        runner = Thread.currentThread();
        ProbeEngine.Builder b = ProbeEngine.builder().maxProbesPerSecond(maxProbesPerSecond).maxInFlight(WINDOW);
        if (byPort) {
            b.eventListener(new Ends());
        }
        try (ProbeEngine engine = b.build(); Interrupts ctrlC = Interrupts.during(this::interrupted, Interrupts.Status.SIGNALLED)) {
            this.engine = engine;
            startNanos = System.nanoTime();
            stopAt = deadline.isZero() ? Long.MAX_VALUE : startNanos + deadline.toNanos();
            // The first submit validates (all requests share kind, options and vantage point): before any output.
            next.set(1);
            outstanding.incrementAndGet();
            submit(engine, 0);
            if (!json && !quiet) {
                out.println(header());
                out.flush();
            }
            while (next.get() < pairs.size() && !stopping) {
                long now = System.nanoTime();
                if (now - stopAt >= 0) {
                    break;
                }
                int room = WINDOW - outstanding.get();
                if (room <= 0) {
                    // The loops keep the window full themselves; this thread fills what they leave (a chain that
                    // reached CHAIN) and is woken for it. The cap keeps the deadline on time.
                    LockSupport.parkNanos(this, Math.min(PARK_NANOS, stopAt - now));
                    continue;
                }
                for (int k = 0; k < room && !stopping; k++) {
                    if (!startNext()) {
                        break;
                    }
                }
                LockSupport.parkNanos(this, Math.min(PARK_NANOS, stopAt - now));
            }
            while (outstanding.get() > 0) { // each ends within its timeout: the prober times every connect out
                LockSupport.parkNanos(this, PARK_NANOS);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            if (elapsedNanos == 0) {
                elapsedNanos = System.nanoTime() - startNanos;
            }
            return ctrlC.status(report());
        }
    }

    /** Starts pair {@code i}'s connect, already counted outstanding; false when the engine closed under the run. */
    private boolean submit(ProbeEngine engine, int i) {
        CompletableFuture<ProbeOutcome> f;
        try {
            f = engine.probe(pairs.get(i));
        } catch (RuntimeException e) { // invalid request (the first), or the engine closed: this pair is unprobed
            release();
            if (e instanceof IllegalStateException) {
                return false;
            }
            throw e;
        }
        if (!byPort) {
            f.whenComplete((o, ex) -> ended(i, o));
        }
        return true;
    }

    /**
     * The end of each pair's connect when its port names its pair ({@link SweepPairs#indexOfPort}): told by the
     * engine as the probe ends, before its future completes, where a completion stage on each future cost three
     * objects a port (the action, its node and the dependent future) and a walk of the future's stack.
     */
    private final class Ends implements ProbeEventListener {
        @Override
        public void probeFinished(ProbeHandle probe, ProbeOutcome outcome) {
            ended(pairs.indexOfPort(probe.request().port()), outcome);
        }

        @Override
        public void probeFailed(ProbeHandle probe, ProbeOutcome outcome) {
            ended(pairs.indexOfPort(probe.request().port()), outcome);
        }
    }

    /**
     * Starts the next pair, if any is left and the deadline has not passed; false when none was started (then
     * none will be: the pairs ran out, the deadline passed, or the engine closed).
     */
    private boolean startNext() {
        if (stopping) {
            return false;
        }
        // Counted before the pair is taken, so that the calling thread never sees none outstanding while a pair
        // taken on a loop is still about to start.
        outstanding.incrementAndGet();
        int i = next.getAndIncrement();
        if (i >= pairs.size() || System.nanoTime() - stopAt >= 0) {
            if (i < pairs.size()) {
                stopping = true; // the run's deadline: this pair and the rest stay unprobed
            }
            release();
            return false;
        }
        if (!submit(engine, i)) {
            stopping = true; // the engine is closing under the run: the rest stay unprobed
            return false;
        }
        return true;
    }

    /** One fewer outstanding; wakes the calling thread when it should refill or report. */
    private int release() {
        int left = outstanding.decrementAndGet();
        if (left == REFILL_AT || left == 0) {
            LockSupport.unpark(runner);
        }
        return left;
    }

    /**
     * A connect ended (or the engine closed under it: then it stays "not probed"); on its event loop, or on the
     * thread that started it when it had ended by then. Starts the next pair in its slot, there.
     */
    private void ended(int index, ProbeOutcome o) {
        if (o != null) {
            outcomes[index] = o;
            states[index] = code(State.of(o));
        }
        if (!stopping && next.get() < pairs.size()) {
            refill(); // before this slot is released: the count never drops to none while pairs are left
        }
        release();
    }

    /**
     * Starts a pair in the slot of one that ended. A connect that ends inside its own start (loopback) comes back
     * here before the start returns: then only its slot is counted, and the outermost call on this thread starts
     * them one after another, so the stack does not grow with the sweep.
     */
    private void refill() {
        Chain c = chains.get();
        c.owed++;
        if (c.running) {
            return;
        }
        c.running = true;
        try {
            for (int started = 0; c.owed > 0; started++) {
                if (started == CHAIN) {
                    c.owed = 0;
                    LockSupport.unpark(runner); // the calling thread fills these slots; this loop gets its turn
                    return;
                }
                c.owed--;
                if (!startNext()) {
                    c.owed = 0;
                    return;
                }
            }
        } finally {
            c.running = false;
        }
    }

    /** One thread's refill in progress (see {@link #refill}). */
    private static final class Chain {
        boolean running;
        int owed;
    }

    /** Ctrl-C: stop starting connects; the run reports once those started have ended. */
    private void interrupted() {
        if (startNanos != 0) {
            elapsedNanos = System.nanoTime() - startNanos;
        }
        stopping = true;
        LockSupport.unpark(runner);
    }

    private String header() {
        long hosts = pairs.hosts();
        ProbeRequest first = pairs.first(0);
        String what = hosts == 1 ? first.host() + (first.address() != null && !HostResolver.isLiteral(first.host())
                ? " (" + AddressText.of(first.address()) + ")" : "") : hosts + " hosts";
        return "TCP sweep of " + what + ": " + pairs.size() + (pairs.size() == 1 ? " port" : " ports")
                + ", one connect each, timeout " + Durations.format(first.timeout())
                + (deadline.isZero() ? "" : ", deadline " + Durations.format(deadline));
    }

    /** Prints the report (once). */
    private int report() {
        synchronized (lock) {
            if (reported) {
                return exitCode;
            }
            reported = true;
            // Each host's targets (a host named twice, e.g. h:80 h:443, is one host of the report).
            Map<String, List<Integer>> byHost = new LinkedHashMap<>();
            long open = 0;
            for (int t = 0; t < pairs.targets(); t++) {
                byHost.computeIfAbsent(pairs.first(t).host(), h -> new ArrayList<>()).add(t);
            }
            for (byte b : states) {
                open += b == code(State.OPEN) ? 1 : 0;
            }
            exitCode = open == pairs.size() ? 0 : 1;
            if (json) {
                json(byHost);
            } else {
                text(byHost);
            }
            out.flush();
            return exitCode;
        }
    }

    private void text(Map<String, List<Integer>> byHost) {
        EnumMap<State, Long> total = new EnumMap<>(State.class);
        for (Map.Entry<String, List<Integer>> h : byHost.entrySet()) {
            EnumMap<State, Long> counts = countsOf(h.getValue());
            counts.forEach((s, n) -> total.merge(s, n, Long::sum));
            ProbeRequest first = pairs.first(h.getValue().get(0));
            String label = first.address() == null || HostResolver.isLiteral(first.host()) ? first.host()
                    : first.host() + " (" + AddressText.of(first.address()) + ")";
            out.println();
            out.println("--- " + label + " tcp sweep: " + portsOf(h.getValue()) + " ports ---");
            out.println(counts(counts));
            if (quiet) {
                continue;
            }
            State hidden = hidden(counts);
            if (hidden != null) {
                out.println(counts.get(hidden) + " " + hidden.words + " ports not listed");
            }
            byte skip = hidden == null ? 0 : code(hidden);
            for (int t : h.getValue()) {
                for (int i = pairs.start(t), end = i + pairs.pairs(t); i < end; i++) {
                    if (states[i] != skip && states[i] != 0) {
                        out.println(TextFormat.outcome(pairs.get(i).targetLabel(), outcomes[i]));
                    }
                }
            }
        }
        if (byHost.size() > 1) {
            out.println();
            out.println(byHost.size() + " hosts, " + pairs.size() + " ports: " + counts(total));
        }
        out.println("swept in " + Durations.format(Duration.ofMillis(elapsedNanos / 1_000_000)));
    }

    /** How many pairs the targets {@code targets} have. */
    private long portsOf(List<Integer> targets) {
        long n = 0;
        for (int t : targets) {
            n += pairs.pairs(t);
        }
        return n;
    }

    /** How many pairs of the targets {@code targets} ended in each state (only states with some). */
    private EnumMap<State, Long> countsOf(List<Integer> targets) {
        long[] byByte = new long[STATES.length + 1];
        for (int t : targets) {
            for (int i = pairs.start(t), end = i + pairs.pairs(t); i < end; i++) {
                byByte[states[i]]++;
            }
        }
        long[] n = new long[STATES.length];
        n[State.NOT_PROBED.ordinal()] = byByte[0];
        for (int k = 1; k < byByte.length; k++) {
            n[k - 1] += byByte[k];
        }
        EnumMap<State, Long> counts = new EnumMap<>(State.class);
        for (State s : State.values()) {
            if (n[s.ordinal()] > 0) {
                counts.put(s, n[s.ordinal()]);
            }
        }
        return counts;
    }

    /** The state a host's port list leaves out: its most common hideable one, if it covers more than one port. */
    static State hidden(Map<State, Long> counts) {
        State best = null;
        long most = 1;
        for (Map.Entry<State, Long> e : counts.entrySet()) {
            if (e.getKey().hideable() && e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    /** "1 open, 65534 refused, 0 timed out, 0 unreachable", with errors and not probed only when there are some. */
    static String counts(Map<State, Long> counts) {
        StringBuilder sb = new StringBuilder();
        for (State s : State.values()) {
            long n = counts.getOrDefault(s, 0L);
            if (n == 0 && (s == State.ERROR || s == State.NOT_PROBED)) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ').append(s.words);
        }
        return sb.toString();
    }

    /**
     * The {@code --json} document, streamed: a tree of a million ports would cost seconds and hundreds of MB. Each
     * port is its number and state, then the outcome's keys as everywhere else ({@link CaptureEvent}'s).
     */
    private void json(Map<String, List<Integer>> byHost) {
        try {
            JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("schema", JsonReport.SWEEP_SCHEMA);
            g.writeStringField("tool", "pathprobe");
            g.writeStringField("version", Main.version());
            g.writeStringField("command", TcpCommand.KIND);
            g.writeStringField("started", startTime.toString());
            g.writeNumberField("timeMs", elapsedNanos / 1e6);
            g.writeArrayFieldStart("hosts");
            for (Map.Entry<String, List<Integer>> h : byHost.entrySet()) {
                ProbeRequest first = pairs.first(h.getValue().get(0));
                g.writeStartObject();
                g.writeStringField("host", first.host());
                g.writeStringField("address", first.address() == null ? null : AddressText.of(first.address()));
                g.writeStringField("vantage", first.vantagePoint().id());
                g.writeObjectFieldStart("counts");
                EnumMap<State, Long> c = countsOf(h.getValue());
                for (State s : State.values()) {
                    g.writeNumberField(jsonName(s), c.getOrDefault(s, 0L));
                }
                g.writeEndObject();
                g.writeArrayFieldStart("ports");
                for (int t : h.getValue()) {
                    for (int i = pairs.start(t), end = i + pairs.pairs(t); i < end; i++) {
                        ProbeOutcome o = outcomes[i];
                        Json.MAPPER.writeValue(g, new Port(pairs.port(i), jsonName(State.of(o)),
                                o == null ? null : CaptureEvent.of(0, "", 0, "", "", 0, 0, 0, o)));
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            out.println();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the JSON report: " + e.getMessage(), e);
        }
    }

    /** One port of the JSON document: its number, its state, and its outcome's keys (none when not probed). */
    @JsonPropertyOrder({"port", "state"})
    record Port(int port, String state, @JsonUnwrapped CaptureEvent outcome) {
    }

    /** Of an event, the outcome's keys only: not its place in a capture's stream. */
    @JsonIgnoreProperties({"eventSeq", "t", "ms", "vantage", "check", "port", "seq"})
    private abstract static class OutcomeKeysOnly {
    }

    /** A state as a camelCase JSON key and value: open, refused, timedOut, unreachable, error, notProbed. */
    static String jsonName(State s) {
        return switch (s) {
            case OPEN -> "open";
            case REFUSED -> "refused";
            case TIMED_OUT -> "timedOut";
            case UNREACHABLE -> "unreachable";
            case ERROR -> "error";
            case NOT_PROBED -> "notProbed";
        };
    }
}
