package io.pathprobe.cli;

import io.pathprobe.core.NameResolver;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.VantagePoint;
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

/** {@code pathprobe tcp}: TCP connect probes to one or more targets and ports, all at once, like paping/tcping. */
@Command(name = "tcp", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Connect to TCP ports repeatedly and tell apart connected, refused (RST), timed out "
                + "(silently dropped) and unreachable (ICMP error). Every target and port is probed at the same time.",
                "With -c 1 and more than " + TcpCommand.SWEEP_ABOVE + " target:port pairs the run is a sweep: one "
                        + "connect each, then per host a line of counts by state and one line per port not in its "
                        + "most common state (--json lists every port).",
                "Exit status: 0 every probe connected, 1 some did not, 2 bad input, 3 internal error."},
        footer = {"", "Examples:", "  pathprobe tcp 10.0.0.1:80", "  pathprobe tcp -c 10 -i 0.2 example.com:80,443 [::1]:22",
                "  pathprobe tcp -p 8000-8010 -t host1 host2",
                "  pathprobe tcp -c 1 -p 1-65535 10.0.0.1", "  pathprobe tcp -c 1 --timeout 0.3 10.0.0.0/24:1-100"})
final class TcpCommand implements Callable<Integer> {
    static final String KIND = "tcp";

    @Parameters(paramLabel = "HOST[:PORTS]", arity = "1..*",
            description = "Targets: 10.0.0.1:80, host:80,443,8000-8010, [::1]:22, an IPv4 range "
                    + "10.0.0.0/24:80, or HOST (or range) with -p.")
    List<String> targets;

    @Option(names = {"-p", "--port"}, paramLabel = "PORTS",
            description = "Ports for targets given without any (80, 80,443, 8000-8010).")
    String ports;

    @Mixin
    RepeatedProbes probes;

    @Override
    public Integer call() throws InterruptedException {
        // Every option first, then the prober, then names: the cheap checks before the slow ones.
        SessionOptions.Settings settings = probes.read();
        SweepPairs pairs = requests(settings.timeout(), settings.from(), settings.family());
        if (isSweep(settings.plan(), pairs.size())) {
            return new TcpSweep(pairs, settings.plan().deadline(), settings.rate(), probes.session.report.json,
                    probes.session.report.quiet, probes.out()).run();
        }
        return probes.run(new SessionRun.Style(KIND, "TCP connect",
                (t, stats) -> TextFormat.tcpSummary(t.label(), stats, t.elapsed)),
                pairs.toList(), settings);
    }

    /**
     * Whether a run is a port sweep ({@link TcpSweep}): one connect per pair ({@code -c 1}) over more than
     * {@value #SWEEP_ABOVE} pairs. Up to that many, a line and a summary per port still reads at a glance and
     * keeps the form every other tcp run has; above it, per-port sessions and summaries cost more than the
     * connects (10 s for 65,535 ports, against under 2 s as a sweep) and bury the few open ports.
     */
    static boolean isSweep(SessionPlan plan, int pairs) {
        return plan.count() == 1 && pairs > SWEEP_ABOVE;
    }

    /** Above this many target:port pairs, a {@code -c 1} run is a sweep. */
    static final int SWEEP_ABOVE = 25;

    /** Parses the targets, checks the prober, then resolves every host before anything is sent. */
    private SweepPairs requests(Duration timeout, VantagePoint from, NameResolver.Family family) {
        List<Integer> defaultPorts = List.of();
        if (ports != null) {
            try {
                defaultPorts = TargetSpec.parsePorts(ports);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--port: " + e.getMessage(), e);
            }
        }
        List<TargetSpec> specs = new ArrayList<>();
        long pairs = 0;
        for (String t : targets) {
            for (TargetSpec s : specs(t)) {
                if (s.ports().isEmpty() && defaultPorts.isEmpty()) {
                    throw new UsageException("target '" + t + "' has no port: write HOST:PORT (e.g. " + s.host()
                            + ":80) or give -p PORTS");
                }
                pairs += s.ports().isEmpty() ? defaultPorts.size() : s.ports().size();
                if (pairs > TcpSweep.MAX_PAIRS) {
                    throw new UsageException("'" + t + "' brings the run to " + pairs + " target:port pairs, more "
                            + "than the " + TcpSweep.MAX_PAIRS + " one run probes: narrow the hosts or ports, or "
                            + "split the run");
                }
                specs.add(s);
            }
        }
        SessionRun.checkProber(KIND, "probe-tcp");
        Map<String, InetAddress> addresses = new LinkedHashMap<>();
        for (TargetSpec s : specs) {
            if (!addresses.containsKey(s.host())) {
                addresses.put(s.host(), HostResolver.resolve(s.host(), family));
            }
        }
        SweepPairs all = new SweepPairs();
        for (TargetSpec s : specs) {
            InetAddress a = addresses.get(s.host());
            List<Integer> targetPorts = s.ports().isEmpty() ? defaultPorts : s.ports();
            ProbeRequest first = ProbeRequest.builder(KIND).target(s.host(), a).port(targetPorts.get(0))
                    .timeout(timeout).vantagePoint(from).build();
            probes.vantage.checkTarget(first.targetLabel(), a); // the address's: once a host
            all.add(first, targetPorts); // a sweep's 65,535 share all but the port
        }
        return all;
    }

    /** One target argument: a host with its ports, or an IPv4 range (10.0.0.0/24 or 10.0.0.0/24:80,443). */
    private static List<TargetSpec> specs(String t) {
        String text = t == null ? "" : t.trim();
        int slash = text.indexOf('/');
        if (slash < 0 || text.startsWith("[")) {
            try {
                return List.of(TargetSpec.parse(text));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), e);
            }
        }
        int colon = text.indexOf(':', slash);
        List<Integer> ports = List.of();
        if (colon >= 0) {
            try {
                // "host:PORTS" parsing and its messages, with a placeholder host (the range is checked below).
                ports = TargetSpec.parse("range" + text.substring(colon)).ports();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage().replace("'range:", "'" + text.substring(0, colon) + ":"), e);
            }
        }
        String range = colon < 0 ? text : text.substring(0, colon);
        String prefix = range.substring(slash + 1).trim();
        if (prefix.matches("\\d{1,2}") && Integer.parseInt(prefix) < 16) {
            throw new UsageException("range '" + range + "' is larger than a /16, the widest one tcp run sweeps: "
                    + "narrow it, or give several /16 ranges");
        }
        List<TargetSpec> specs = new ArrayList<>();
        // ping's expansion (network and broadcast left out); its cap holds a /16 and refuses a typo's /8.
        for (String host : PingTargets.expand(List.of(range),
                PingTargets.DEFAULT_MAX_TARGETS)) {
            specs.add(new TargetSpec(host, ports));
        }
        return specs;
    }
}
