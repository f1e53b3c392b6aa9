package io.pathprobe.cli;

import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.hostcheck.HostChecks;
import io.pathprobe.ticket.report.ResultsJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pathprobe hostcheck}: run on a load balancer's backend; finds rp_filter (cause 2) and a backend calling its own VIP (cause 3). */
@Command(name = "hostcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run on a load balancer's backend: reads the reverse-path filter (rp_filter) of all, default "
                + "and every interface (effective value = max(all, interface)), reports where it filters and prints "
                + "the /etc/sysctl.conf lines and 'sysctl -p' step that turn it off; with --backends, tells whether "
                + "this host is one of the backends (a backend that calls its own load balancer). Sends nothing.",
                "Exit status: 0 nothing found, 1 something found, 2 bad input, 3 internal error."},
        footer = {"", "Examples:", "  pathprobe hostcheck", "  pathprobe hostcheck --backends 10.0.0.5,10.0.0.6 --json > web1.json",
                "  (then: pathprobe ticket VIP -p 80 --hostcheck web1.json -o DIR)"})
final class HostcheckCommand implements Callable<Integer> {
    @Option(names = "--backends", paramLabel = "ADDR", split = ",",
            description = "The load balancer's backend addresses: is this host one of them?")
    List<String> backends = new ArrayList<>();

    @Option(names = "--netns", paramLabel = "NAME",
            description = "Check this network namespace instead of the host's own (needs root).")
    String netns;

    @Option(names = "--json", description = "Print the report as JSON (for 'pathprobe ticket --hostcheck FILE').")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> b = backends.stream().map(String::trim).toList();
        if (b.stream().anyMatch(String::isEmpty)) {
            throw new UsageException("--backends has an empty entry: give addresses separated by single commas, "
                    + "e.g. 10.0.0.5,10.0.0.6");
        }
        HostCheckReport r = netns == null ? HostChecks.check(b) : HostChecks.checkNamespace(netns, b);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ResultsJson.toJson(r));
        } else {
            HostChecks.render(r).forEach(out::println);
        }
        out.flush();
        return r.rpFilterOn() || !r.backendsOnThisHost().isEmpty() ? 1 : 0;
    }
}
