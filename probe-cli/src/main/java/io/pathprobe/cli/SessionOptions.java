package io.pathprobe.cli;

import io.pathprobe.core.NameResolver;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.VantagePoint;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/** How often, how long and how to report: the options every repeating command shares (picocli mixin). */
final class SessionOptions {
    /** Probes per target when neither a count, a deadline nor --continuous is given: ends on its own, like tcping. */
    static final long DEFAULT_COUNT = 4;

    @Option(names = {"-c", "--count"}, paramLabel = "N",
            description = "Probes per target (default: " + DEFAULT_COUNT + "; unlimited with -t, or with -w alone).")
    String count;

    @Option(names = {"-t", "--continuous"}, description = "Probe until Ctrl-C (or the -w deadline).")
    boolean continuous;

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "Time between probes to one target: seconds (0.2) or with a unit (500ms, 1m); default: ${DEFAULT-VALUE}.")
    String interval;

    @Option(names = {"-w", "--deadline"}, paramLabel = "SECONDS",
            description = "Stop after this long, whatever the count (30, 30s, 10m).")
    String deadline;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "2",
            description = "How long to wait for each probe's answer; default: ${DEFAULT-VALUE}.")
    String timeout;

    @Mixin
    ReportOptions report;

    /**
     * What a run of these options and a command's vantage options takes.
     *
     * @param family the address family names resolve to (-4/-6)
     * @param from   where probes are sent from
     */
    record Settings(SessionPlan plan, Duration timeout, long rate, NameResolver.Family family, VantagePoint from) {
    }

    /**
     * Reads and checks every option, these and {@code vantage}'s, before anything is resolved or sent.
     *
     * @throws UsageException naming the bad option and what to give instead
     */
    Settings read(VantageOptions vantage) {
        SessionPlan plan = plan();
        Duration wait = timeout();
        long rate = report.rate();
        return new Settings(plan, wait, rate, vantage.family(), vantage.vantagePoint());
    }

    /** The run of {@code requests} as {@code settings} plan it, reported as --json and --quiet say. */
    SessionRun run(SessionRun.Style style, List<ProbeRequest> requests, Settings settings, PrintWriter out) {
        return new SessionRun(style, requests, settings.plan(), settings.rate(), report.json, report.quiet, out);
    }

    /**
     * The session plan these options describe.
     *
     * @throws UsageException naming the bad option and what to give instead
     */
    SessionPlan plan() {
        return plan(count, continuous, interval, deadline, DEFAULT_COUNT, "use -t to probe until Ctrl-C");
    }

    /**
     * A session plan from the options' text, for commands that spell them differently (ping's {@code -t} is the
     * TTL): {@code count} null means {@code defaultCount} unless {@code continuous} or a deadline is given
     * (ping's rule: a deadline alone probes until it passes).
     *
     * @param forever how to probe until Ctrl-C with this command, for the message about a count below 1
     * @throws UsageException naming the bad option and what to give instead
     */
    static SessionPlan plan(String count, boolean continuous, String interval, String deadline, long defaultCount,
                            String forever) {
        Long n = count == null ? null : wholeNumber("--count", count);
        if (n != null && n < 1) {
            throw new UsageException("--count " + n + " must be at least 1: " + forever);
        }
        if (n != null && continuous) {
            throw new UsageException("--count and --continuous contradict each other: give one of them");
        }
        Duration every = positive("--interval", interval);
        try {
            ProbeEngine.checkInterval(every);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--interval: " + e.getMessage(), e);
        }
        Duration limit = deadline == null ? Duration.ZERO : positive("--deadline", deadline);
        return new SessionPlan(n != null ? n : continuous || deadline != null ? 0 : defaultCount, every, limit);
    }

    /** The per-probe timeout. */
    Duration timeout() {
        return positive("--timeout", timeout);
    }

    static long wholeNumber(String option, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " '" + text.trim() + "' is not a whole number: give e.g. 10", e);
        }
    }

    /** A duration option that must be more than zero. @throws UsageException naming the option */
    static Duration positive(String option, String text) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage(), e);
        }
        if (d.isZero()) {
            throw new UsageException(option + " must be more than 0: give e.g. 0.5 or 1");
        }
        return d;
    }
}
