package io.pathprobe.cli;

import picocli.CommandLine.Option;

/** How a repeating command reports and paces, the same for every command (picocli mixin). */
final class ReportOptions {
    @Option(names = "--rate", paramLabel = "N",
            description = "At most N probes per second in all, across targets (default: no limit).")
    String rate;

    @Option(names = "--json", description = "Print one JSON document at the end, and nothing else on stdout.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summaries.")
    boolean quiet;

    /** Engine-wide probes per second, 0 for no limit. */
    long rate() {
        if (rate == null) {
            return 0;
        }
        long r = SessionOptions.wholeNumber("--rate", rate);
        if (r < 1) {
            throw new UsageException("--rate " + r + " must be at least 1 probe per second: leave it out for no limit");
        }
        return r;
    }
}
