package io.pathprobe.cli;

import io.pathprobe.core.ProbeRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;

/**
 * What a command that probes its targets repeatedly mixes in (picocli mixin): the session and vantage options and
 * where it prints, declared, read and run once for every such command ({@code probe}, {@code tcp}).
 */
final class RepeatedProbes {
    @Mixin
    SessionOptions session;

    @Mixin
    VantageOptions vantage;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /**
     * Reads and checks every option, the session's and the vantage's, before anything is resolved or sent.
     *
     * @throws UsageException naming the bad option and what to give instead
     */
    SessionOptions.Settings read() {
        return session.read(vantage);
    }

    /** Where the command prints. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Runs {@code requests} as {@code settings} plan them, in the command's style; the exit status. */
    int run(SessionRun.Style style, List<ProbeRequest> requests, SessionOptions.Settings settings)
            throws InterruptedException {
        return session.run(style, requests, settings, out()).run();
    }
}
