package io.pathprobe.cli;

import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.VantagePoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code pathprobe tcp}: TCP connect probes to one or more targets and ports, all at once, like paping/tcping. */
@Command(name = "tcp", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Connect to TCP ports repeatedly and tell apart connected, refused (RST), timed out "
                + "(silently dropped) and unreachable (ICMP error). Every target and port is probed at the same time.",
                "Exit status: 0 every probe connected, 1 some did not, 2 bad input, 3 internal error."},
        footer = {"", "Examples:", "  pathprobe tcp 10.0.0.1:80", "  pathprobe tcp -c 10 -i 0.2 example.com:80,443 [::1]:22",
                "  pathprobe tcp -p 8000-8010 -t host1 host2"})
final class TcpCommand implements Callable<Integer> {
    static final String KIND = "tcp";

    @Parameters(paramLabel = "HOST[:PORTS]", arity = "1..*",
            description = "Targets: 10.0.0.1:80, host:80,443,8000-8010, [::1]:22, or HOST with -p.")
    List<String> targets;

    @Option(names = {"-p", "--port"}, paramLabel = "PORTS",
            description = "Ports for targets given without any (80, 80,443, 8000-8010).")
    String ports;

    @Mixin
    SessionOptions session;

    @Mixin
    VantageOptions vantage;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        // Every option first, then the prober, then names: the cheap checks before the slow ones.
        SessionPlan plan = session.plan();
        Duration timeout = session.timeout();
        long rate = session.report.rate();
        HostResolver.Family family = vantage.family();
        VantagePoint from = vantage.vantagePoint();
        List<ProbeRequest> requests = requests(timeout, from, family);
        return new SessionRun(new SessionRun.Style(KIND, "TCP connect",
                (t, stats) -> TextFormat.tcpSummary(t.label(), stats, t.elapsed)),
                requests, plan, rate, session.report.json, session.report.quiet, spec.commandLine().getOut()).run();
    }

    /** Parses the targets, checks the prober, then resolves every host before anything is sent. */
    private List<ProbeRequest> requests(Duration timeout, VantagePoint from, HostResolver.Family family) {
        List<Integer> defaultPorts = List.of();
        if (ports != null) {
            try {
                defaultPorts = TargetSpec.parsePorts(ports);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--port: " + e.getMessage(), e);
            }
        }
        List<TargetSpec> specs = new ArrayList<>();
        for (String t : targets) {
            TargetSpec s;
            try {
                s = TargetSpec.parse(t);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), e);
            }
            if (s.ports().isEmpty() && defaultPorts.isEmpty()) {
                throw new UsageException("target '" + t + "' has no port: write HOST:PORT (e.g. " + s.host()
                        + ":80) or give -p PORTS");
            }
            specs.add(s);
        }
        SessionRun.checkProber(KIND, "probe-tcp");
        Map<String, InetAddress> addresses = new LinkedHashMap<>();
        for (TargetSpec s : specs) {
            if (!addresses.containsKey(s.host())) {
                addresses.put(s.host(), HostResolver.resolve(s.host(), family));
            }
        }
        List<ProbeRequest> requests = new ArrayList<>();
        for (TargetSpec s : specs) {
            InetAddress a = addresses.get(s.host());
            for (int port : s.ports().isEmpty() ? defaultPorts : s.ports()) {
                ProbeRequest r = ProbeRequest.builder(KIND).target(s.host(), a).port(port).timeout(timeout)
                        .vantagePoint(from).build();
                vantage.checkTarget(r.targetLabel(), a);
                requests.add(r);
            }
        }
        return requests;
    }
}
