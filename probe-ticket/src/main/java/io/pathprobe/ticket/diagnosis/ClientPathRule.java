package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.HopEvidence;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.internal.Addresses;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.pathprobe.ticket.diagnosis.Signals.line;

/**
 * Cause 4: the client's local network or the carrier path. Loss starts at some hop and persists to the
 * destination (an MTR shows where), seen from this client's network but not from others.
 */
final class ClientPathRule implements DiagnosisRule {
    @Override
    public Cause cause() {
        return Cause.CLIENT_PATH;
    }

    @Override
    public String needs() {
        return "A vantage point with partial ping loss, or an MTR trace whose persistent loss begins at a hop"
                + " before the destination. HIGH when the trace shows where the loss begins and another independent"
                + " client is clean; MEDIUM with the trace but no other client, or with partial ping loss and a"
                + " clean other client but no trace; LOW with ping loss alone, or when every client sees loss (then"
                + " the common part of the path or the load balancer's side is more likely).";
    }

    @Override
    public Optional<Finding> evaluate(TicketEvidence e) {
        Finding best = null;
        for (VantageEvidence v : Signals.measured(e)) {
            Finding f = evaluate(e, v);
            if (f != null && (best == null || f.confidence().compareTo(best.confidence()) > 0)) {
                best = f;
            }
        }
        return Optional.ofNullable(best);
    }

    private Finding evaluate(TicketEvidence e, VantageEvidence v) {
        Health ping = Signals.ping(v);
        TraceEvidence trace = null;
        HopEvidence hop = null;
        for (TraceEvidence t : v.traces()) {
            HopEvidence h = Signals.persistentLossBeforeDestination(t);
            if (h != null && (hop == null || "icmp".equals(t.mode()))) {
                trace = t;
                hop = h;
            }
        }
        if (ping != Health.PARTIAL && hop == null) {
            return null;
        }
        List<VantageEvidence> others = Signals.othersIndependentOf(e, v);
        boolean othersClean = !others.isEmpty() && others.stream().allMatch(ClientPathRule::clean);
        boolean othersLossy = others.stream().anyMatch(o -> !clean(o));
        Confidence c;
        if (othersLossy) {
            c = Confidence.LOW;
        } else if (hop != null) {
            c = othersClean ? Confidence.HIGH : Confidence.MEDIUM;
        } else {
            c = othersClean ? Confidence.MEDIUM : Confidence.LOW;
        }
        List<String> ev = new ArrayList<>();
        if (v.ping() != null) {
            ev.add(line(v, v.ping()));
        }
        v.traces().forEach(t -> ev.add(line(v, t)));
        v.tcp().stream().filter(s -> Signals.health(s) != Health.CLEAN).forEach(s -> ev.add(line(v, s)));
        for (VantageEvidence o : others) {
            if (o.ping() != null) {
                ev.add(line(o, o.ping()));
            }
        }
        List<String> steps = new ArrayList<>();
        String where;
        if (hop != null) {
            boolean local = isLocal(hop.host());
            where = "loss begins at hop " + hop.ttl() + " (" + hop.host() + ") and continues to the destination";
            steps.add(local ? "Hop " + hop.ttl() + " (" + hop.host() + ") is inside the client's own network: check"
                    + " the local link (Wi-Fi, cable), the office/home router and NAT device, and how loaded they"
                    + " are." : "Hop " + hop.ttl() + " (" + hop.host() + ") is on the carrier's network: send the"
                    + " MTR report (summary.txt) to the client's ISP.");
        } else {
            where = "ping loses " + Signals.pct(v.ping().stats().lossPercent()) + " of packets";
            steps.add("Run the capture with MTR (ICMP and TCP mode) to see at which hop the loss begins.");
        }
        if (others.isEmpty()) {
            steps.add("Capture from a second network at the same time: loss from this network only confirms the"
                    + " client's path; loss from everywhere points to the load balancer's side.");
        }
        String summary = "From " + v.id() + ", " + where + (othersClean ? ", while other clients see no loss"
                : othersLossy ? "; other clients see loss too, so the common path or the load balancer's side is"
                + " more likely" : "") + ".";
        return new Finding(cause(), c, summary, ev, steps);
    }

    /** Clean ping and no persistent loss before the destination in any trace. */
    private static boolean clean(VantageEvidence o) {
        Health p = Signals.ping(o);
        boolean pingOk = p == Health.CLEAN || (p == Health.UNMEASURED && Signals.allClean(o));
        return pingOk && o.traces().stream().allMatch(t -> Signals.persistentLossBeforeDestination(t) == null);
    }

    /** Private, link-local, loopback or carrier-grade NAT space: the client's side of the path. */
    static boolean isLocal(String host) {
        return Addresses.isPrivate(host);
    }
}
