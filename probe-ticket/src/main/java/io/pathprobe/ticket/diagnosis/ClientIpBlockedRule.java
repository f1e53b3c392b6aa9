package io.pathprobe.ticket.diagnosis;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.pathprobe.ticket.diagnosis.Signals.line;

/**
 * Cause 5: the client's public IP is blocked by the provider's DDoS protection. From that address, ping and TCP
 * to the VIP silently time out; from any other network everything works. An MTR from the blocked client still
 * reaches every router up to the VIP: only the VIP is silent.
 */
final class ClientIpBlockedRule implements DiagnosisRule {
    @Override
    public Cause cause() {
        return Cause.CLIENT_IP_BLOCKED;
    }

    @Override
    public String needs() {
        return "A vantage point whose ping and every TCP check fail, by timeouts only (no refusal: a RST means the"
                + " address is not blocked). HIGH when another independent client (different public/source address)"
                + " reaches the VIP and an MTR from the failing client reaches the routers up to the VIP cleanly;"
                + " MEDIUM with the other client but no trace; LOW when the trace shows loss starting before the VIP"
                + " (cause 4 is more likely), or when there is no other client to compare with (cause 1 looks the"
                + " same). No finding when other independent clients fail too.";
    }

    @Override
    public Optional<Finding> evaluate(TicketEvidence e) {
        return Signals.mostConfident(e, this::evaluate);
    }

    private Finding evaluate(TicketEvidence e, VantageEvidence v) {
        Health ping = Signals.ping(v);
        if (!(ping == Health.DEAD || ping == Health.UNMEASURED) || !Signals.allTcpDead(v)
                || v.tcp().stream().anyMatch(s -> s.stats().count(OutcomeType.REFUSED) > 0)) {
            return null;
        }
        List<VantageEvidence> others = Signals.othersIndependentOf(e, v);
        List<VantageEvidence> working = others.stream()
                .filter(o -> Signals.ping(o) == Health.CLEAN || Signals.ping(o) == Health.PARTIAL
                        || Signals.anyTcpConnects(o)).toList();
        if (!others.isEmpty() && working.isEmpty()) {
            return null; // every client fails: not this client's address (cause 1)
        }
        TraceEvidence trace = v.trace("icmp", 0);
        Confidence c;
        if (working.isEmpty()) {
            c = Confidence.LOW;
        } else if (trace == null || trace.error() != null) {
            c = Confidence.MEDIUM;
        } else if (Signals.persistentLossBeforeDestination(trace) != null || !Signals.routersClean(trace)) {
            c = Confidence.LOW;
        } else {
            c = Confidence.HIGH;
        }
        if (ping == Health.UNMEASURED) {
            c = NoListenerRule.lower(c);
        }
        List<String> ev = new ArrayList<>();
        if (v.ping() != null) {
            ev.add(line(v, v.ping()));
        }
        v.tcp().forEach(s -> ev.add(line(v, s)));
        v.traces().forEach(t -> ev.add(line(v, t)));
        for (VantageEvidence o : working) {
            if (o.ping() != null) {
                ev.add(line(o, o.ping()));
            }
            o.tcp().forEach(s -> ev.add(line(o, s)));
        }
        String ip = v.clientAddress();
        Text lb = NoListenerRule.lbName(e.facts());
        List<NextStep> steps = new ArrayList<>();
        // The guide's remedy: the network's public IP on the load balancer's access whitelist, with its warning.
        if (ip == null) {
            steps.add(NextStep.of("client-ip-blocked.whitelist", Text.of("client-ip-blocked.step.whitelist-unknown",
                    lb)));
        } else if (v.publicIp() == null && ClientPathRule.isLocal(ip)) {
            steps.add(NextStep.of("client-ip-blocked.whitelist", Text.of("client-ip-blocked.step.whitelist-private",
                    ip, lb)));
        } else {
            steps.add(NextStep.of("client-ip-blocked.whitelist", Text.of("client-ip-blocked.step.whitelist", ip,
                    lb)));
        }
        steps.add(NextStep.of("client-ip-blocked.find-source", Text.of("client-ip-blocked.step.find-source")));
        steps.add(NextStep.of("client-ip-blocked.ask-provider", Text.of("client-ip-blocked.step.ask-provider")));
        if (working.isEmpty()) {
            steps.add(NextStep.of("client-ip-blocked.second-vantage",
                    Text.of("client-ip-blocked.step.second-vantage")));
        }
        Object who = ip == null ? v.id() : Text.of("vantage.with-ip", v.id(), ip);
        String key = working.isEmpty() ? "client-ip-blocked.summary.alone"
                : "client-ip-blocked.summary.others." + (working.size() == 1 ? "one" : "many")
                + (c == Confidence.HIGH ? ".routers" : "");
        return Finding.of(cause(), c, Text.of(key, who, working.size()), ev, steps);
    }
}
