package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.pathprobe.ticket.diagnosis.Signals.line;

/**
 * Cause 1: no listener configured on the load balancer. A VIP without listeners does not even answer ping, so
 * from <em>every</em> client ping fails and TCP to the port times out or is refused. A port-specific variant: the
 * VIP answers ping but a port is refused (RST) from every client: nothing listens there.
 */
final class NoListenerRule implements DiagnosisRule {
    @Override
    public Cause cause() {
        return Cause.NO_LISTENER;
    }

    @Override
    public String needs() {
        return "Ping and TCP checks from at least one vantage point. HIGH when ping and every port fail from two or"
                + " more independent clients (different public/source addresses), or a port is refused from two or"
                + " more; MEDIUM from one client when the port is refused (a RST proves the client is not blocked);"
                + " LOW from one client with timeouts only (a blocked client IP, cause 5, looks the same), or when"
                + " ping answers but a port is silently dropped everywhere (cause 2 looks the same; health checks"
                + " reported passing rule this out). One step lower without ping, or when health checks are"
                + " reported passing while the VIP is silent.";
    }

    @Override
    public Optional<Finding> evaluate(TicketEvidence e) {
        List<VantageEvidence> m = Signals.measured(e);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        Optional<Finding> silent = silentVip(e, m);
        return silent.isPresent() ? silent : closedPorts(e, m);
    }

    /** The VIP answers nothing, from every vantage point. */
    private Optional<Finding> silentVip(TicketEvidence e, List<VantageEvidence> m) {
        boolean anyPing = false;
        boolean refused = false;
        for (VantageEvidence v : m) {
            Health p = Signals.ping(v);
            if (!(p == Health.DEAD || p == Health.UNMEASURED) || !Signals.allTcpDead(v)) {
                return Optional.empty();
            }
            anyPing |= p == Health.DEAD;
            refused |= v.tcp().stream().anyMatch(s -> Signals.refusedShare(s.stats()) > 0);
        }
        int clients = Signals.independentCount(m);
        Confidence c = clients >= 2 ? Confidence.HIGH : refused ? Confidence.MEDIUM : Confidence.LOW;
        if (!anyPing) {
            c = lower(c);
        }
        if (TicketFacts.HEALTH_PASSING.equals(e.facts().healthChecks())) {
            c = lower(c); // passing health checks mean a listener exists: suspect the VIP address instead
        }
        List<String> ev = new ArrayList<>();
        for (VantageEvidence v : m) {
            if (v.ping() != null) {
                ev.add(line(v, v.ping()));
            }
            v.tcp().forEach(s -> ev.add(line(v, s)));
            TraceEvidence t = v.trace("icmp", 0);
            if (t != null) {
                ev.add(line(v, t));
            }
        }
        List<NextStep> steps = new ArrayList<>();
        for (int port : e.facts().ports()) {
            steps.add(NextStep.of("no-listener.add-listener", Text.of("no-listener.step.add-listener", port,
                    lbName(e.facts()))));
        }
        steps.add(NextStep.of("no-listener.check-vip", Text.of("no-listener.step.check-vip", e.facts().vip(),
                lbName(e.facts()))));
        if (clients < 2) {
            steps.add(NextStep.of("no-listener.second-vantage", Text.of("no-listener.step.second-vantage")));
        }
        String key = "no-listener.summary.silent." + (clients >= 2 ? "many" : "one") + (refused ? ".refused" : ".timeout");
        return Optional.of(Finding.of(cause(), c, Text.of(key, ports(e.facts()), clients), ev, steps));
    }

    /** The VIP answers ping but some ports are refused (or silently dropped) from every vantage point. */
    private Optional<Finding> closedPorts(TicketEvidence e, List<VantageEvidence> m) {
        if (m.stream().anyMatch(v -> Signals.ping(v) == Health.DEAD)
                || m.stream().noneMatch(v -> Signals.ping(v) == Health.CLEAN || Signals.ping(v) == Health.PARTIAL)) {
            return Optional.empty();
        }
        int clients = Signals.independentCount(m);
        Confidence best = null;
        List<Integer> refusedPorts = new ArrayList<>();
        List<Integer> droppedPorts = new ArrayList<>();
        List<String> ev = new ArrayList<>();
        for (int port : e.facts().ports()) {
            List<VantageEvidence> with = m.stream().filter(v -> Signals.tcp(v, port) != Health.UNMEASURED).toList();
            if (with.isEmpty() || !with.stream().allMatch(v -> Signals.tcp(v, port) == Health.DEAD)) {
                continue;
            }
            boolean refused = with.stream().allMatch(v -> Signals.refusedShare(v.tcp(port).stats()) >= 0.5);
            Confidence c;
            if (refused) {
                refusedPorts.add(port);
                c = Signals.independentCount(with) >= 2 ? Confidence.HIGH : Confidence.MEDIUM;
            } else if (!TicketFacts.HEALTH_PASSING.equals(e.facts().healthChecks())) {
                droppedPorts.add(port);
                c = Confidence.LOW;
            } else {
                continue;
            }
            best = best == null || c.compareTo(best) > 0 ? c : best;
            for (VantageEvidence v : with) {
                ev.add(line(v, v.tcp(port)));
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        for (VantageEvidence v : m) {
            if (v.ping() != null) {
                ev.add(line(v, v.ping()));
            }
        }
        List<NextStep> steps = new ArrayList<>();
        List<Integer> all = new ArrayList<>(refusedPorts);
        all.addAll(droppedPorts);
        for (int port : all) {
            steps.add(NextStep.of("no-listener.add-listener", Text.of("no-listener.step.add-listener-enabled", port,
                    lbName(e.facts()))));
        }
        String where = clients >= 2 ? "many" : "one";
        Text summary;
        if (droppedPorts.isEmpty()) {
            summary = Text.of("no-listener.summary.refused." + where, join(refusedPorts));
        } else if (refusedPorts.isEmpty()) {
            summary = Text.of("no-listener.summary.dropped", join(droppedPorts));
        } else {
            summary = Text.of("no-listener.summary.refused-dropped." + where, join(refusedPorts), join(droppedPorts));
        }
        if (!droppedPorts.isEmpty()) {
            steps.add(NextStep.of("no-listener.console", Text.of("no-listener.step.console", join(droppedPorts))));
        }
        return Optional.of(Finding.of(cause(), best, summary, ev, steps));
    }

    static Confidence lower(Confidence c) {
        return c == Confidence.HIGH ? Confidence.MEDIUM : Confidence.LOW;
    }

    /** "load balancer ID (VIP ...)", or "the load balancer of VIP ..." without an instance ID. */
    static Text lbName(TicketFacts f) {
        return f.instanceId() != null ? Text.of("lb.named", f.instanceId(), f.vip()) : Text.of("lb.vip", f.vip());
    }

    static String ports(TicketFacts f) {
        return join(f.ports());
    }

    static String join(List<Integer> ports) {
        StringBuilder sb = new StringBuilder();
        for (int p : ports) {
            sb.append(sb.length() == 0 ? "" : ",").append(p);
        }
        return sb.toString();
    }

}
