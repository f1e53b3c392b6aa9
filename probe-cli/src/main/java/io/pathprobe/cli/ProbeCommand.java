package io.pathprobe.cli;

import io.pathprobe.core.NameResolver;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.Probers;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.core.spi.ProberProvider;
import io.pathprobe.core.text.SummaryLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code pathprobe probe --kind KIND}: repeated probes of any prober on the class path, with the prober's own
 * options ({@code -o NAME=VALUE}) and lines, and a generic summary. Knows no prober: a new one is usable here as
 * soon as its module is on the class path.
 */
@Command(name = ProbeCommand.NAME, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Probe targets repeatedly with any prober kind (see 'pathprobe probers'), setting its own "
                + "options by name. Every target is probed at the same time.",
                "Exit status: 0 every probe was answered, 1 some were not, 2 bad input, 3 internal error."},
        footer = {"", "Examples:", "  pathprobe probe --kind dns -o name=example.com -o type=A 10.0.0.53",
                "  pathprobe probe --kind tcp -c 10 10.0.0.1:443"})
final class ProbeCommand implements Callable<Integer> {
    static final String NAME = "probe";

    @Option(names = {"-k", "--kind"}, paramLabel = "KIND", required = true,
            description = "The prober kind: dns, tcp, icmp, ... ('pathprobe probers' lists them).")
    String kind;

    @Option(names = {"-o", "--option"}, paramLabel = "NAME=VALUE",
            description = "A prober option, e.g. name=example.com (repeatable; a wrong NAME lists the ones KIND takes).")
    List<String> options = new ArrayList<>();

    @Parameters(paramLabel = "HOST[:PORT]", arity = "1..*",
            description = "Targets: 10.0.0.1, 10.0.0.1:53, [::1]:53 (without a port, the prober's default).")
    List<String> targets;

    @Mixin
    RepeatedProbes probes;

    @Override
    public Integer call() throws InterruptedException {
        SessionOptions.Settings settings = probes.read();
        SessionRun.checkProber(kind, "probe-" + kind);
        Map<ProbeOption<?>, Object> set = options(Probers.load().get(kind));
        List<ProbeRequest> requests = requests(settings.timeout(), settings.from(), settings.family(), set);
        return probes.run(new SessionRun.Style(NAME, kind + " probe",
                (t, stats) -> SummaryLines.probes(t.label(), kind,
                        io.pathprobe.core.text.SummaryFigures.of(stats, t.elapsed.toMillis()))),
                requests, settings);
    }

    /** The {@code -o} options, each checked against what the prober declares. */
    private Map<ProbeOption<?>, Object> options(ProberProvider p) {
        Map<String, ProbeOption<?>> known = new LinkedHashMap<>();
        for (ProbeOption<?> o : p.options()) {
            known.put(o.name(), o);
        }
        String takes = known.isEmpty() ? kind + " probes take no options"
                : kind + " probes take " + String.join(", ", known.keySet());
        Map<ProbeOption<?>, Object> set = new LinkedHashMap<>();
        for (String o : options) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--option '" + o + "' is not NAME=VALUE: " + takes);
            }
            ProbeOption<?> opt = known.get(o.substring(0, eq));
            if (opt == null) {
                throw new UsageException("--option " + o.substring(0, eq) + " is not known: " + takes);
            }
            try {
                set.put(opt, opt.parse(o.substring(eq + 1)));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--option " + o + ": " + e.getMessage(), e);
            }
        }
        return set;
    }

    private List<ProbeRequest> requests(Duration timeout, VantagePoint from, NameResolver.Family family,
                                        Map<ProbeOption<?>, Object> set) {
        List<TargetSpec> specs = new ArrayList<>();
        for (String t : targets) {
            try {
                specs.add(TargetSpec.parse(t));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), e);
            }
        }
        Map<String, InetAddress> addresses = new LinkedHashMap<>();
        for (TargetSpec s : specs) {
            addresses.computeIfAbsent(s.host(), h -> HostResolver.resolve(h, family));
        }
        List<ProbeRequest> requests = new ArrayList<>();
        for (TargetSpec s : specs) {
            InetAddress a = addresses.get(s.host());
            for (int port : s.ports().isEmpty() ? List.of(0) : s.ports()) {
                ProbeRequest.Builder b = ProbeRequest.builder(kind).target(s.host(), a).timeout(timeout)
                        .vantagePoint(from);
                if (port > 0) {
                    b.port(port);
                }
                set.forEach((o, v) -> put(b, o, v));
                ProbeRequest r = b.build();
                probes.vantage.checkTarget(r.targetLabel(), a);
                requests.add(r);
            }
        }
        return requests;
    }

    @SuppressWarnings("unchecked")
    private static <T> void put(ProbeRequest.Builder b, ProbeOption<T> o, Object v) {
        b.option(o, (T) v);
    }
}
