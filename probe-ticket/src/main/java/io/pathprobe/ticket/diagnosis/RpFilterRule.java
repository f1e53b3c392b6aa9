package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.hostcheck.HostChecks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.pathprobe.ticket.diagnosis.Signals.line;

/**
 * Cause 2: reverse-path filtering on a Linux backend of a layer-4 load balancer. The load balancer is up (the VIP
 * answers ping, health checks pass), but the backend drops the client's asymmetrically routed SYNs: from every
 * client, connects to the port time out (silently; not refused). From outside this looks like a firewall dropping
 * the port, so it is only proven from inside a backend ({@code hostcheck} finding rp_filter on), or made likely by
 * what only the user can see: health checks passing while clients time out.
 */
final class RpFilterRule implements DiagnosisRule {
    /** Share of failures that must be timeouts: refusals and ICMP errors are not what rp_filter does. */
    static final double MIN_TIMEOUT_SHARE = 0.8;

    @Override
    public Cause cause() {
        return Cause.RP_FILTER;
    }

    @Override
    public String needs() {
        return "TCP checks failing by timeout (at least 80% of failures) on a port from every vantage point that"
                + " measured it, while no vantage point has a dead ping (the VIP itself answers) and not all of them"
                + " lose pings (then path loss, cause 4, explains the timeouts). All of a"
                + " client's connects fail when every backend filters; about k of N fail from every client, the"
                + " same share everywhere, when k of N backends do. HIGH with a hostcheck report from a backend"
                + " showing rp_filter on; MEDIUM when the user reports health checks passing, or when two or more"
                + " independent clients see the same partial share and it fits k/N of the --backends; LOW"
                + " otherwise (a firewall or security group dropping the port looks the same); without that report,"
                + " also LOW when the only clients with partial failures listen on the port themselves or are"
                + " backends (a backend looping through its own load balancer, cause 3, explains it)."
                + " Ruled out when hostcheck reports from every known backend show rp_filter off.";
    }

    @Override
    public Optional<Finding> evaluate(TicketEvidence e) {
        List<VantageEvidence> m = Signals.measured(e);
        if (m.isEmpty() || m.stream().anyMatch(v -> Signals.ping(v) == Health.DEAD)
                || m.stream().noneMatch(v -> Signals.ping(v) == Health.CLEAN || Signals.ping(v) == Health.PARTIAL)) {
            return Optional.empty();
        }
        List<Integer> dead = new ArrayList<>();
        List<Integer> partial = new ArrayList<>();
        List<String> ev = new ArrayList<>();
        List<Text> parts = new ArrayList<>();
        boolean pinnedShare = false;
        boolean backendExplains = false;
        int n = e.facts().backends().size();
        int clients = 0;
        for (int port : e.facts().ports()) {
            List<VantageEvidence> with = m.stream().filter(v -> Signals.tcp(v, port) != Health.UNMEASURED).toList();
            boolean dropped = !with.isEmpty() && with.stream().allMatch(v -> {
                Health h = Signals.tcp(v, port);
                return (h == Health.DEAD || h == Health.PARTIAL)
                        && Signals.timeoutShare(v.tcp(port).stats()) >= MIN_TIMEOUT_SHARE;
            });
            // Clients that lose pings too have a lossy path (cause 4): rp_filter leaves ping alone.
            if (!dropped || with.stream().allMatch(v -> Signals.ping(v) == Health.PARTIAL)) {
                continue;
            }
            with.forEach(v -> ev.add(line(v, v.tcp(port))));
            clients = Math.max(clients, Signals.independentCount(with));
            if (with.stream().allMatch(v -> Signals.tcp(v, port) == Health.DEAD)) {
                dead.add(port);
                continue;
            }
            partial.add(port);
            List<ProbeSeries> ss = with.stream().map(v -> v.tcp(port)).toList();
            boolean agree = ss.stream().allMatch(x -> ss.stream().allMatch(y -> Shares.agree(x, y)));
            int k = n > 0 ? Shares.bestK(ss.get(0), n) : 0;
            boolean fitsAll = k > 0 && ss.stream().allMatch(x -> Shares.fits(x, k, n));
            pinnedShare |= agree && fitsAll && Signals.independentCount(with) >= 2;
            List<Text> each = new ArrayList<>();
            for (VantageEvidence v : with) {
                each.add(Text.of("share.from", Shares.phrase(v.tcp(port)), v.id()));
            }
            String fit = fitsAll ? agree ? ".fits-same" : ".fits" : agree && with.size() > 1 ? ".same" : "";
            parts.add(Text.of("rp-filter.part" + fit, port, Text.join("list.comma", each), k, n));
            // The failing clients are (likely) backends themselves: their own connections loop (cause 3).
            backendExplains |= with.stream().filter(v -> Signals.tcp(v, port) == Health.PARTIAL)
                    .allMatch(v -> Signals.isBackend(e, v) || Signals.listensOn(v, port));
            with.forEach(v -> ev.addAll(BackendLoopRule.selfLines(e, v, port)));
        }
        if (dead.isEmpty() && partial.isEmpty()) {
            return Optional.empty();
        }
        List<Integer> ports = new ArrayList<>(dead);
        ports.addAll(partial);
        List<HostCheckReport> on = e.hostChecks().stream().filter(HostCheckReport::rpFilterOn).toList();
        if (on.isEmpty() && HostChecks.coverAllBackends(e.hostChecks(), e.facts().backends())) {
            return Optional.empty(); // every backend was checked from inside and has rp_filter off
        }
        for (VantageEvidence v : m) {
            if (v.ping() != null) {
                ev.add(line(v, v.ping()));
            }
            for (int port : ports) {
                TraceEvidence t = v.trace("tcp", port);
                if (t != null) {
                    ev.add(line(v, t));
                }
            }
        }
        Confidence c;
        List<NextStep> steps = new ArrayList<>();
        String where = clients >= 2 ? "many" : "one";
        Text seen;
        if (partial.isEmpty()) {
            seen = Text.of("rp-filter.summary.dead." + where, NoListenerRule.join(dead), clients);
        } else if (dead.isEmpty()) {
            seen = Text.of("rp-filter.summary.partial." + (partial.size() == 1 && clients < 2 ? "plain" : where),
                    Text.join("list.semicolon", parts), clients);
        } else {
            seen = Text.of("rp-filter.summary.dead-partial." + where, NoListenerRule.join(dead), clients,
                    Text.join("list.semicolon", parts));
        }
        String why;
        boolean passing = TicketFacts.HEALTH_PASSING.equals(e.facts().healthChecks());
        if (!on.isEmpty()) {
            c = Confidence.HIGH;
            for (HostCheckReport h : on) {
                ev.add("[hostcheck " + HostChecks.where(h) + "] " + HostChecks.problemLine(h));
                steps.add(sysctl("rp-filter.sysctl-backend", Text.of("rp-filter.step.sysctl-backend",
                        HostChecks.where(h), String.join("; ", h.sysctlConfLines())), h.sysctlConfLines()));
            }
            why = "hostcheck";
        } else {
            boolean partialOnly = dead.isEmpty();
            c = passing || (partialOnly && pinnedShare) ? Confidence.MEDIUM : Confidence.LOW;
            if (partialOnly && backendExplains) {
                c = Confidence.LOW;
                why = "loop";
            } else if (partialOnly) {
                why = "share";
            } else {
                why = passing ? "passing" : "unknown";
            }
            steps.add(NextStep.of("rp-filter.hostcheck", Text.of("rp-filter.step.hostcheck")));
            steps.add(sysctl("rp-filter.sysctl", Text.of("rp-filter.step.sysctl",
                    String.join("; ", HostChecks.standardFixLines())), HostChecks.standardFixLines()));
            if (!passing) {
                steps.add(NextStep.of("rp-filter.health-checks", Text.of("rp-filter.step.health-checks")));
            }
        }
        Text summary = Text.of("sentences", seen, Text.of("rp-filter.summary.why." + why));
        return Optional.of(Finding.of(cause(), c, summary, ev, steps));
    }

    /** The guide's fix: the lines in /etc/sysctl.conf, then {@code sysctl -p} to load them. */
    static NextStep sysctl(String id, Text text, List<String> lines) {
        return new NextStep(id, text, List.of("sysctl -p"), "/etc/sysctl.conf", lines);
    }
}
