package io.pathprobe.cli;

import io.pathprobe.core.NameResolver;
import io.pathprobe.core.MultiTargetSession;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.icmp.EchoReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code pathprobe fping}: fping 5's options and output for many targets, probed in rounds by one
 * {@link MultiTargetSession}. Its flags are fping's, not ping's ({@code -a}, {@code -c}, {@code -q}, {@code -t} mean
 * other things there), hence a command of its own.
 */
@Command(name = FpingCommand.NAME, mixinStandardHelpOptions = true, sortOptions = false,
        exitCodeOnInvalidInput = FpingCommand.INVALID_ARGS, exitCodeOnExecutionException = FpingCommand.SYSTEM_FAILURE,
        description = {"Send ICMP echo requests to many targets in turn, as fping does, and print what fping prints.",
                "Without -c, -C or -l each target gets up to 1 + -r requests, -t apart, until one is answered: "
                        + "'HOST is alive' or 'HOST is unreachable'. With -c/-C every target gets N requests, -p "
                        + "apart, and the per-target summary (-c) or the list of times (-C) goes to stderr.",
                "Exit status (as fping's manual, also after Ctrl-C): 0 every target answered, 1 some did not, 2 a "
                        + "host name did not resolve, 3 invalid arguments, 4 a system call failed (e.g. no ICMP socket)."},
        footer = {"", "Examples:", "  pathprobe fping -a -g 192.168.1.0/24", "  pathprobe fping -C 5 -q 10.0.0.1 10.0.0.2",
                "  pathprobe fping -c 10 -p 200 -s -f hosts.txt"})
final class FpingCommand implements Callable<Integer> {
    static final String NAME = "fping";
    static final int ALL_ALIVE = 0;
    static final int SOME_UNREACHABLE = 1;
    static final int UNKNOWN_HOST = 2;
    static final int INVALID_ARGS = 3;
    static final int SYSTEM_FAILURE = 4;
    /** fping's ceiling for the automatic timeout in count and loop modes (the period, at most 2 s). */
    static final long AUTO_TIMEOUT_MAX_MS = 2000;

    @Parameters(paramLabel = "TARGET", arity = "0..*",
            description = "Host names or addresses; with -g a CIDR range, or a first and a last IPv4 address.")
    List<String> targets = new ArrayList<>();

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Count mode: send N requests to each target.")
    Integer count;

    @Option(names = {"-C", "--vcount"}, paramLabel = "N",
            description = "As -c, and report every time per target (- for no reply).")
    Integer vcount;

    @Option(names = {"-l", "--loop"}, description = "Loop mode: send requests until Ctrl-C.")
    boolean loop;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Read targets from FILE, one a line (- for stdin; blank lines and # comments skipped).")
    String file;

    @Option(names = {"-g", "--generate"},
            description = "Generate the targets from a CIDR range (network and broadcast left out) or a first and last address.")
    boolean generate;

    @Option(names = {"-a", "--alive"}, description = "Show the targets that are alive.")
    boolean alive;

    @Option(names = {"-u", "--unreach"}, description = "Show the targets that are unreachable.")
    boolean unreachable;

    @Option(names = {"-s", "--stats"}, description = "Print the final statistics (on stderr).")
    boolean stats;

    @Option(names = {"-q", "--quiet"}, description = "Quiet: no per-request lines; the summaries still come.")
    boolean quiet;

    @Option(names = {"-e", "--elapsed"}, description = "Show the round-trip time on 'is alive' lines.")
    boolean elapsed;

    @Option(names = {"-J", "--json"}, description = "Write the results as one JSON document on stdout (fping 5.x style).")
    boolean json;

    @Option(names = {"-p", "--period"}, paramLabel = "MSEC", defaultValue = "1000",
            description = "Time between requests to one target, in ms (count and loop modes); default: ${DEFAULT-VALUE}.")
    double period;

    @Option(names = {"-i", "--interval"}, paramLabel = "MSEC", defaultValue = "10",
            description = "Least time between any two requests, in ms (0: as fast as replies allow); default: ${DEFAULT-VALUE}.")
    double interval;

    @Option(names = {"-t", "--timeout"}, paramLabel = "MSEC",
            description = "Timeout of each request, in ms (default: 500; with -c/-C/-l the period, at most 2000).")
    Double timeout;

    @Option(names = {"-r", "--retry"}, paramLabel = "N", defaultValue = "3",
            description = "Retries of an unanswered target without -c/-C/-l; default: ${DEFAULT-VALUE}.")
    int retry;

    @Option(names = {"-b", "--size"}, paramLabel = "BYTES", defaultValue = "56",
            description = "Payload bytes per request (0 to " + PingCommand.MAX_PAYLOAD + "); default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = {"-H", "--ttl"}, paramLabel = "N", description = "IP time to live (1 to 255).")
    Integer ttl;

    @Option(names = {"-S", "--src"}, paramLabel = "ADDR", description = "Send from this local address.")
    String src;

    @Option(names = {"-I", "--iface"}, paramLabel = "IFACE", description = "Send through this interface.")
    String iface;

    @Mixin
    FamilyOptions family;

    @Spec
    CommandSpec spec;

    /**
     * One target's figures as fping keeps them; guarded by the account itself, taken inside the run's lock when an
     * outcome prints (a quiet run shares no lock between its event loops per outcome).
     */
    static final class Account {
        final String host;
        final long[] rtts;
        long received;
        long totalNanos;
        long min = Long.MAX_VALUE;
        long max;
        boolean announced;
        /** The highest sequence number with an outcome so far: so many were sent, at least. */
        long highestEnded;

        Account(String host, int vector) {
            this.host = host;
            this.rtts = new long[vector];
            Arrays.fill(rtts, -1);
        }

        long avg() {
            return received > 0 ? totalNanos / received : -1;
        }

        /**
         * Probe {@code seq} ended: how many were sent by then, at least, for its line's loss as fping counts it.
         * Outcomes from two event loops can end out of order, and an earlier probe's line must not count more
         * replies than sends (a negative loss).
         */
        long sentBy(long seq) {
            highestEnded = Math.max(highestEnded, seq);
            return highestEnded;
        }
    }

    private final Object lock = new Object();
    private final List<Account> accounts = new ArrayList<>();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong otherIcmp = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private int width;
    private boolean countMode;
    private boolean perReply;
    private boolean verbose;
    /** Whether an outcome can print anything: else outcomes take only their account's lock. */
    private boolean silentOutcomes;
    /** Written under the run's lock; read under an account's by outcomes that print nothing. */
    private volatile boolean reported;
    private int unknown;
    private MultiTargetSession session;
    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() throws InterruptedException {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        checkOptions();
        NameResolver.Family fam = family.family();
        VantagePoint vp = vantagePoint();
        List<String> names = targetNames();
        countMode = count != null || vcount != null || loop;
        long n = vcount != null ? vcount : count != null ? count : loop ? 0 : 1L + retry;
        perReply = countMode && !quiet && !json;
        verbose = !countMode && !alive && !unreachable && !quiet && !json;
        silentOutcomes = quiet && !(alive && !countMode); // -q prints no reply, error or timeout line; -a its alive ones
        long timeoutMs = timeoutMillis();
        ProbeRequest.Builder template = PingCommand.echoTemplate(
                Duration.ofNanos(Math.max(1, Math.round(timeoutMs * 1e6))), vp, size, ttl);
        SessionRun.checkProber(PingCommand.KIND, "probe-icmp");
        List<ProbeRequest> requests = new ArrayList<>();
        for (String host : names) {
            InetAddress a;
            try {
                a = HostResolver.resolve(host, fam);
            } catch (UsageException e) {
                unknown++;
                if (!quiet) {
                    err.println(host + ": " + unknownReason(e.getMessage()));
                    err.flush();
                }
                continue;
            }
            requests.add(template.target(host, HostResolver.thisHostAsProbed(a, vp)).build());
            accounts.add(new Account(host, vcount != null ? vcount : 0));
            width = Math.max(width, host.length());
        }
        if (requests.isEmpty()) {
            return unknown > 0 ? UNKNOWN_HOST : SOME_UNREACHABLE;
        }
        // Without -c/-C/-l a retry goes out when the previous request has timed out: rounds one timeout apart.
        Duration every = countMode ? periodOf(period) : Duration.ofNanos(Math.max(1, Math.round(timeoutMs * 1e6)));
        SessionPlan plan = new SessionPlan(n, every, Duration.ZERO);
        try (ProbeEngine engine = ProbeEngine.builder().build();
             Interrupts ctrlC = Interrupts.during(this::stop, Interrupts.Status.AS_AT_THE_END)) {
            synchronized (lock) {
                try {
                    session = MultiTargetSession.start(engine, requests, plan, millis(interval),
                            MultiTargetSession.DEFAULT_WINDOW, listener());
                } catch (IllegalArgumentException e) {
                    throw new UsageException(flagged(e.getMessage()), e);
                }
            }
            if (ctrlC.stopped()) {
                stop(); // the signal came while the run was starting
            }
            try {
                session.completion().get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the run failed: " + e.getCause(), e.getCause());
            }
            // fping 5.1 on SIGINT (-l, -c, -C or none): the summaries it owes, and its usual status.
            return ctrlC.status(report());
        }
    }

    private void checkOptions() {
        if (alive && unreachable) {
            throw new UsageException("-a and -u: specify only one of them (alive or unreachable targets)");
        }
        if ((count != null ? 1 : 0) + (vcount != null ? 1 : 0) + (loop ? 1 : 0) > 1) {
            throw new UsageException("-c, -C and -l: specify only one of them");
        }
        if (count != null && count < 1 || vcount != null && vcount < 1) {
            throw new UsageException((count != null ? "-c " + count : "-C " + vcount) + " must be at least 1");
        }
        if (retry < 0) {
            throw new UsageException("-r " + retry + " must be 0 or more");
        }
        if (!(period >= 0) || !(interval >= 0) || timeout != null && !(timeout > 0)) {
            throw new UsageException("-p and -i must be 0 or more ms, -t more than 0 ms: give e.g. -p 1000 -i 10 -t 500");
        }
        PingCommand.inRange("-b", size, 0, PingCommand.MAX_PAYLOAD);
        if (ttl != null) {
            PingCommand.inRange("-H", ttl, 1, 255);
        }
        if (json && (alive || unreachable)) {
            throw new UsageException("-J and -a/-u: give one of them (the JSON document lists every target)");
        }
    }

    private VantagePoint vantagePoint() {
        VantageOptions v = new VantageOptions();
        v.family = family;
        return v.vantagePoint("-S", src, "-I", iface);
    }

    /** fping's rule: the timeout given, else 500 ms, or in count and loop modes the period up to 2 s. */
    private long timeoutMillis() {
        if (timeout != null) {
            return Math.round(timeout);
        }
        return countMode ? Math.min(Math.round(period), AUTO_TIMEOUT_MAX_MS) : 500;
    }

    private static Duration millis(double ms) {
        return Duration.ofNanos(Math.round(ms * 1e6));
    }

    /** A period: 0 (fping's "no wait") is the shortest the scheduler takes, 1 ns. */
    private static Duration periodOf(double ms) {
        return Duration.ofNanos(Math.max(1, Math.round(ms * 1e6)));
    }

    /** The engine's interval rule, in this command's flags. */
    private static String flagged(String message) {
        return message.replaceFirst("^interval ", "-p/-i ");
    }

    /** What fping says of a name that does not resolve, from {@link HostResolver}'s message. */
    private static String unknownReason(String message) {
        int open = message.indexOf(" (");
        int close = message.lastIndexOf("):");
        return open >= 0 && close > open ? message.substring(open + 2, close) : message;
    }

    /** The targets from the arguments, -f and -g, in that order. */
    private List<String> targetNames() {
        List<String> names = new ArrayList<>();
        if (file != null) {
            names.addAll(FpingTargets.readFile("-f", file));
        }
        if (generate) {
            names.addAll(FpingTargets.generate(targets, PingTargets.DEFAULT_MAX_TARGETS));
        } else {
            names.addAll(targets);
        }
        if (names.isEmpty()) {
            throw new UsageException("no targets: give host names or addresses, -f FILE, or -g with a range");
        }
        return names;
    }

    private MultiTargetSession.Listener listener() {
        return new MultiTargetSession.Listener() {
            @Override
            public void onOutcome(int target, long sequence, ProbeOutcome outcome) {
                outcomeOf(target, sequence, outcome);
            }

            @Override
            public void onDuplicate(int target, long sequence) {
                duplicates.incrementAndGet();
            }
        };
    }

    private void outcomeOf(int target, long seq, ProbeOutcome o) {
        Account a = accounts.get(target);
        boolean done;
        if (silentOutcomes) {
            synchronized (a) {
                if (reported) {
                    return;
                }
                done = record(a, seq, o);
            }
        } else {
            synchronized (lock) {
                if (reported) {
                    return;
                }
                synchronized (a) {
                    done = record(a, seq, o);
                }
                out.flush();
            }
        }
        if (done) {
            session.stop(target);
        }
    }

    /** Counts one outcome in its account and prints its lines; whether the target is done. Holds the account. */
    private boolean record(Account a, long seq, ProbeOutcome o) {
        boolean done = false;
        long index = seq - 1; // fping counts from 0
        long sent = a.sentBy(seq);
        if (o.category() == OutcomeCategory.ANSWERED && o.rttNanos() >= 0) {
            long rtt = o.rttNanos();
            a.received++;
            a.totalNanos += rtt;
            a.min = Math.min(a.min, rtt);
            a.max = Math.max(a.max, rtt);
            if (index < a.rtts.length) {
                a.rtts[(int) index] = rtt;
            }
            if (!a.announced) {
                a.announced = true;
                if (verbose || alive && !countMode) {
                    out.println(FpingFormat.alive(a.host, verbose, elapsed, rtt));
                }
            }
            if (perReply) {
                Integer bytes = o.attribute(EchoReply.BYTES);
                out.println(FpingFormat.reply(a.host, width, index, bytes == null ? 0 : bytes, rtt, a.avg(), sent,
                        a.received));
            }
            done = !countMode; // one answer is enough without -c/-C/-l
        } else {
            if (o instanceof ProbeOutcome.TimedOut) {
                timeouts.incrementAndGet();
            } else if (o instanceof ProbeOutcome.Unreachable || o instanceof ProbeOutcome.TtlExceeded) {
                otherIcmp.incrementAndGet();
                if (!quiet && !json) {
                    err.println(FpingTargets.icmpError(o, a.host));
                    err.flush();
                }
            } else if (o instanceof ProbeOutcome.LocalError e && !quiet) {
                err.println(NAME + ": " + a.host + ": " + e.message());
                err.flush();
            }
            if (perReply) {
                out.println(FpingFormat.timedOut(a.host, width, index, a.avg(), sent, a.received));
            }
        }
        return done;
    }

    /** Ctrl-C: the run ends with what was measured; the command's thread prints it. */
    private void stop() {
        MultiTargetSession s;
        synchronized (lock) {
            s = session;
        }
        if (s != null) {
            s.stop();
        }
    }

    /** Prints the end of the run once and returns the exit status. */
    private int report() {
        synchronized (lock) {
            boolean again = reported;
            reported = true;
            int alive = 0;
            for (Account a : accounts) {
                synchronized (a) { // an outcome counted before 'reported' was seen has finished with it
                    alive += a.received > 0 ? 1 : 0;
                }
            }
            int code = unknown > 0 ? UNKNOWN_HOST : alive < accounts.size() ? SOME_UNREACHABLE : ALL_ALIVE;
            if (again) {
                return code;
            }
            if (json) {
                out.println(json());
            } else {
                for (Account a : accounts) {
                    if (a.received == 0 && !countMode && (verbose || unreachable)) {
                        out.println(a.host + (verbose ? " is unreachable" : ""));
                    }
                }
                out.flush();
                if (countMode) {
                    if (perReply) {
                        err.println();
                    }
                    for (int i = 0; i < accounts.size(); i++) {
                        Account a = accounts.get(i);
                        long sent = session.snapshot(i).sent();
                        err.println(vcount != null ? FpingFormat.vector(a.host, width, a.rtts, (int) sent)
                                : FpingFormat.summary(a.host, width, sent, a.received, a.min, a.avg(), a.max));
                    }
                }
            }
            if (stats) {
                long sent = 0;
                long replies = duplicates.get();
                long total = 0;
                long min = Long.MAX_VALUE;
                long max = 0;
                for (int i = 0; i < accounts.size(); i++) {
                    Account a = accounts.get(i);
                    sent += session.snapshot(i).sent();
                    replies += a.received;
                    total += a.totalNanos;
                    min = Math.min(min, a.min);
                    max = Math.max(max, a.max);
                }
                long received = replies - duplicates.get();
                FpingFormat.stats(accounts.size(), alive, accounts.size() - alive, unknown, timeouts.get(), sent,
                        replies, otherIcmp.get(), received > 0 ? min : 0, received > 0 ? total / received : 0, max,
                        session.elapsed().toNanos()).forEach(err::println);
            }
            err.flush();
            out.flush();
            return code;
        }
    }

    /** {@code {"hosts": {...}}}: per target its counts (-c, default mode) or its times (-C, null for no reply). */
    private String json() {
        StringBuilder b = new StringBuilder("{\n  \"hosts\": {");
        for (int i = 0; i < accounts.size(); i++) {
            Account a = accounts.get(i);
            long sent = session.snapshot(i).sent();
            b.append(i > 0 ? ",\n" : "\n").append("    ").append(FpingFormat.quote(a.host)).append(": ");
            if (vcount != null) {
                b.append('[');
                for (int k = 0; k < sent; k++) {
                    b.append(k > 0 ? ",\n" : "\n").append("      ").append(a.rtts[k] < 0 ? "null" : FpingFormat.tm(a.rtts[k]));
                }
                b.append(sent > 0 ? "\n    ]" : "]");
            } else {
                b.append("{\n      \"xmt\": ").append(sent).append(",\n      \"rcv\": ").append(a.received)
                        .append(",\n      \"loss_percentage\": ").append(FpingFormat.loss(sent, a.received));
                if (a.received > 0) {
                    b.append(",\n      \"min\": ").append(FpingFormat.tm(a.min))
                            .append(",\n      \"avg\": ").append(FpingFormat.tm(a.avg()))
                            .append(",\n      \"max\": ").append(FpingFormat.tm(a.max));
                }
                b.append("\n    }");
            }
        }
        return b.append("\n  }\n}").toString();
    }
}
