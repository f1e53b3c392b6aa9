package io.pathprobe.cli;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.SessionPlan;
import picocli.CommandLine.Option;

import java.time.Duration;

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

    @Option(names = "--rate", paramLabel = "N",
            description = "At most N probes per second in all, across targets (default: no limit).")
    String rate;

    @Option(names = "--json", description = "Print one JSON document at the end, and nothing else on stdout.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summaries.")
    boolean quiet;

    /**
     * The session plan these options describe.
     *
     * @throws UsageException naming the bad option and what to give instead
     */
    SessionPlan plan() {
        Long n = count == null ? null : wholeNumber("--count", count);
        if (n != null && n < 1) {
            throw new UsageException("--count " + n + " must be at least 1: use -t to probe until Ctrl-C");
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
        // ping's rule: with a deadline and no count, keep probing until the deadline.
        return new SessionPlan(n != null ? n : continuous || deadline != null ? 0 : DEFAULT_COUNT, every, limit);
    }

    /** The per-probe timeout. */
    Duration timeout() {
        return positive("--timeout", timeout);
    }

    /** Engine-wide probes per second, 0 for no limit. */
    long rate() {
        if (rate == null) {
            return 0;
        }
        long r = wholeNumber("--rate", rate);
        if (r < 1) {
            throw new UsageException("--rate " + r + " must be at least 1 probe per second: leave it out for no limit");
        }
        return r;
    }

    private static long wholeNumber(String option, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " '" + text.trim() + "' is not a whole number: give e.g. 10", e);
        }
    }

    private static Duration positive(String option, String text) {
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
