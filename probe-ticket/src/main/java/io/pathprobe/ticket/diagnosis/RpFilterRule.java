package io.pathprobe.ticket.diagnosis;

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
                + " measured it, while no vantage point has a dead ping (the VIP itself answers). HIGH with a"
                + " hostcheck report from a backend showing rp_filter on; MEDIUM when the user reports health checks"
                + " passing; LOW otherwise (a firewall or security group dropping the port looks the same). Ruled out"
                + " when hostcheck reports from every known backend show rp_filter off.";
    }

    @Override
    public Optional<Finding> evaluate(TicketEvidence e) {
        List<VantageEvidence> m = Signals.measured(e);
        if (m.isEmpty() || m.stream().anyMatch(v -> Signals.ping(v) == Health.DEAD)
                || m.stream().noneMatch(v -> Signals.ping(v) == Health.CLEAN || Signals.ping(v) == Health.PARTIAL)) {
            return Optional.empty();
        }
        List<Integer> ports = new ArrayList<>();
        List<String> ev = new ArrayList<>();
        for (int port : e.facts().ports()) {
            List<VantageEvidence> with = m.stream().filter(v -> Signals.tcp(v, port) != Health.UNMEASURED).toList();
            boolean dropped = !with.isEmpty() && with.stream().allMatch(v -> {
                Health h = Signals.tcp(v, port);
                return (h == Health.DEAD || h == Health.PARTIAL)
                        && Signals.timeoutShare(v.tcp(port).stats()) >= MIN_TIMEOUT_SHARE;
            });
            if (dropped) {
                ports.add(port);
                with.forEach(v -> ev.add(line(v, v.tcp(port))));
            }
        }
        if (ports.isEmpty()) {
            return Optional.empty();
        }
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
        List<String> steps = new ArrayList<>();
        String summary = "The VIP answers ping but TCP to port(s) " + NoListenerRule.join(ports)
                + " is silently dropped from every client";
        if (!on.isEmpty()) {
            c = Confidence.HIGH;
            for (HostCheckReport h : on) {
                ev.add("[hostcheck " + HostChecks.where(h) + "] " + HostChecks.problemLine(h));
                steps.add("On backend " + HostChecks.where(h) + ", add to /etc/sysctl.conf: " + String.join("; ",
                        h.sysctlConfLines()) + " — then run 'sysctl -p'.");
            }
            summary += ", and a backend has reverse-path filtering on: rp_filter drops the asymmetrically routed"
                    + " packets.";
        } else {
            boolean passing = TicketFacts.HEALTH_PASSING.equals(e.facts().healthChecks());
            c = passing ? Confidence.MEDIUM : Confidence.LOW;
            summary += passing ? " while health checks pass: the backends drop clients' packets, typically by"
                    + " reverse-path filtering (rp_filter)." : ": if the load balancer's health checks pass, a"
                    + " backend's rp_filter is the likely cause.";
            steps.add("Run 'pathprobe hostcheck' on each backend to read its rp_filter settings.");
            steps.add("If rp_filter is on, add to /etc/sysctl.conf on the backend: " + String.join("; ",
                    HostChecks.standardFixLines()) + " (eth0: the backend's interface) — then run 'sysctl -p'.");
            if (!passing) {
                steps.add("Check in the load balancer's console whether its health checks pass (pass"
                        + " --health-checks passing to the capture): passing checks with failing clients point to"
                        + " rp_filter; failing checks point to the backend service or a firewall.");
            }
        }
        return Optional.of(new Finding(cause(), c, summary, ev, steps));
    }
}
