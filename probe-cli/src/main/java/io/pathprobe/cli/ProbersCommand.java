package io.pathprobe.cli;

import io.pathprobe.core.Availability;
import io.pathprobe.core.Probers;
import io.pathprobe.core.spi.ProberProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code pathprobe probers}: which probe kinds this build has and whether each can run here. */
@Command(name = "probers", mixinStandardHelpOptions = true,
        description = {"List the probe kinds found and whether each can run here (and if not, what fixes it).",
                "Exit status: 0 when at least one kind was found, 1 when none was."})
final class ProbersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Probers probers = Probers.load();
        if (probers.kinds().isEmpty()) {
            out.println("no probers found: this pathprobe was built without prober modules");
            out.flush();
            return 1;
        }
        int width = probers.kinds().stream().mapToInt(String::length).max().orElse(0);
        for (String kind : probers.kinds()) {
            ProberProvider p = probers.get(kind);
            Availability a = p.availability();
            out.printf("%-" + width + "s  %-11s  %s%n", kind, a.available() ? "available" : "unavailable",
                    p.description());
            if (!a.available()) {
                out.printf("%-" + width + "s  %-11s  %s%n", "", "", a.message());
            }
        }
        out.flush();
        return 0;
    }
}
