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
 * Cause 4: the client's local network or the carrier path. Loss or delay starts at some hop and persists to the
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
                + " before the destination (the earliest such hop of its ICMP- and TCP-mode traces), or an ICMP trace whose average RTT rises by 30 ms or more at a hop and"
                + " stays up to the destination (TCP-mode RTTs include SYN retransmissions, so they are not used for"
                + " delay). HIGH when the trace shows where it begins and another independent client is clean (and,"
                + " for delay, faster by 15 ms or more); MEDIUM with the trace but no other client, or with partial"
                + " ping loss and a clean other client but no trace; LOW with ping loss alone, or when every client"
                + " sees it (then the common part of the path or the load balancer's side is more likely). No finding"
                + " when only ping loses while every TCP check is clean and a TCP-mode trace reaches the VIP without"
                + " loss (the VIP rate-limits ICMP echo). Where it begins: at hop 1 or a hop on the vantage point's"
                + " own link (its self check's connected networks) is the client's own network; right after that hop"
                + " is the client's router or its uplink; at or past the first public address, or in carrier-grade"
                + " NAT space, the carrier's; a private hop further on is named as either (a private address alone"
                + " does not make it the client's).";
    }

    @Override
    public Optional<Finding> evaluate(TicketEvidence e) {
        return Signals.mostConfident(e, this::evaluate);
    }

    private Finding evaluate(TicketEvidence e, VantageEvidence v) {
        Health ping = Signals.ping(v);
        HopEvidence hop = null;
        HopEvidence slow = null;
        for (TraceEvidence t : v.traces()) {
            HopEvidence h = Signals.persistentLossBeforeDestination(t);
            // The earliest start any trace shows: an MTR can place the start one hop late by chance (a hop that
            // reads as clearly less lossy than the destination), two traces doing so at once is far rarer.
            if (h != null && (hop == null || h.ttl() < hop.ttl())) {
                hop = h;
            }
            // Delay from ICMP traces only: a TCP-mode hop's RTT includes SYN retransmissions (1 s each) after loss.
            HopEvidence d = "icmp".equals(t.mode()) ? Signals.delayStep(t) : null;
            if (d != null) {
                slow = d;
            }
        }
        if (ping != Health.PARTIAL && hop == null && slow == null) {
            return null;
        }
        if (hop == null && slow == null && Signals.echoLimitedOnly(v)) {
            return null; // only ping loses, every connect and trace is clean: ICMP echo is rate-limited, not lost
        }
        List<VantageEvidence> others = Signals.othersIndependentOf(e, v);
        boolean delay = slow != null;
        // Another client is "clean" when it has no loss and, if this one is slow, is clearly faster.
        boolean othersClean = !others.isEmpty() && others.stream().allMatch(o -> clean(o) && (!delay || faster(o, v)));
        boolean othersLossy = others.stream().anyMatch(o -> !clean(o) || (delay && !faster(o, v)));
        Confidence c;
        if (othersLossy) {
            c = Confidence.LOW;
        } else if (hop != null || slow != null) {
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
        List<NextStep> steps = new ArrayList<>();
        HopEvidence start = hop != null ? hop : slow;
        Text where;
        if (hop != null && slow != null) {
            where = Text.of("client-path.where.loss-delay", hop.ttl(), hop.host(), delayMs(v, slow), slow.ttl(),
                    slow.host());
        } else if (hop != null) {
            where = Text.of("client-path.where.loss", hop.ttl(), hop.host());
        } else if (slow != null) {
            where = Text.of("client-path.where.delay", delayMs(v, slow), slow.ttl(), slow.host());
        } else {
            where = Text.of("client-path.where.ping", Signals.pct(v.ping().stats().lossPercent()));
        }
        if (start != null) {
            steps.add(whereItBegins(v, hop != null ? traceOf(v, hop) : traceOf(v, slow), start));
        } else {
            steps.add(NextStep.of("client-path.run-mtr", Text.of("client-path.step.run-mtr")));
        }
        if (others.isEmpty()) {
            steps.add(NextStep.of("client-path.second-vantage", Text.of("client-path.step.second-vantage")));
        }
        String tail = othersClean ? hop == null && slow != null ? ".others-no-delay" : ".others-no-loss"
                : othersLossy ? ".others-too" : "";
        return Finding.of(cause(), c, Text.of("client-path.summary" + tail, v.id(), where), ev, steps);
    }

    private static String delayMs(VantageEvidence v, HopEvidence slow) {
        return String.format(java.util.Locale.ROOT, "%.0f", slow.avgMs() - previousAvg(v, slow));
    }

    /** The average RTT of the responding hop before {@code h} in the trace that holds it (0 when none). */
    private static double previousAvg(VantageEvidence v, HopEvidence h) {
        for (TraceEvidence t : v.traces()) {
            double prev = 0;
            for (HopEvidence x : t.hops()) {
                if (x == h) {
                    return prev;
                }
                if (x.avgMs() != null && !x.lossNotCarriedOn()) {
                    prev = x.avgMs();
                }
            }
        }
        return 0;
    }

    /** Whether {@code o}'s ping is faster than {@code v}'s by at least half the delay step. */
    private static boolean faster(VantageEvidence o, VantageEvidence v) {
        Double ov = avg(o);
        Double vv = avg(v);
        return ov == null || vv == null || vv - ov >= Signals.DELAY_STEP_MS / 2;
    }

    private static Double avg(VantageEvidence v) {
        return v.ping() == null ? null : v.ping().stats().avgMs();
    }

    /** Clean ping and no persistent loss before the destination in any trace. */
    private static boolean clean(VantageEvidence o) {
        Health p = Signals.ping(o);
        boolean pingOk = p == Health.CLEAN || (p == Health.UNMEASURED && Signals.allClean(o));
        return pingOk && o.traces().stream().allMatch(t -> Signals.persistentLossBeforeDestination(t) == null);
    }

    /** Private, link-local, loopback or carrier-grade NAT space (not a public address). */
    static boolean isLocal(String host) {
        return Addresses.isPrivate(host);
    }

    /** Carrier-grade NAT space (100.64.0.0/10): only a carrier numbers routers there. */
    static boolean isCgnat(String host) {
        return Addresses.inPrefix(host, "100.64.0.0/10");
    }

    private static TraceEvidence traceOf(VantageEvidence v, HopEvidence h) {
        for (TraceEvidence t : v.traces()) {
            if (t.hops().contains(h)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Whether the problem begins inside the client's own network or beyond it, from what the vantage point knows
     * about itself (its connected networks, from its self check) and the path (the first public address). Loss
     * that "begins at hop N" is lost between hop N-1 and hop N: at hop 1 that is the client's own link and router;
     * after the client's own router (the hop on its link) it is that router's uplink; past the first public
     * address, or in carrier-grade NAT space, it is the carrier's. A private address further on does not make a
     * hop the client's: carriers number routers privately too.
     */
    static NextStep whereItBegins(VantageEvidence v, TraceEvidence t, HopEvidence start) {
        HopEvidence prev = t == null ? null : t.hop(start.ttl() - 1);
        boolean known = v.self() != null && v.self().error() == null && !v.self().networks().isEmpty();
        boolean ownLink = known ? v.self().onOwnLink(start.host()) : start.ttl() == 1;
        // Hop 1 is the client's own router even when it answers from an address off the client's link.
        boolean prevOwn = prev != null && !prev.addresses().isEmpty()
                && (prev.ttl() == 1 || known && v.self().onOwnLink(prev.host()));
        HopEvidence firstPublic = t == null ? null : t.hops().stream()
                .filter(h -> !h.addresses().isEmpty() && !isLocal(h.host())).findFirst().orElse(null);
        if (start.ttl() == 1 || ownLink) {
            return NextStep.of("client-path.own-network", Text.of("client-path.step.own-network", start.ttl(),
                    start.host()));
        }
        if (isCgnat(start.host())) {
            return NextStep.of("client-path.carrier", Text.of("client-path.step.carrier-cgnat", start.ttl(),
                    start.host()));
        }
        if (firstPublic != null && firstPublic.ttl() <= start.ttl()) {
            return NextStep.of("client-path.carrier", Text.of("client-path.step.carrier", start.ttl(), start.host(),
                    firstPublic.ttl(), firstPublic.host()));
        }
        if (prevOwn) {
            return NextStep.of("client-path.router-uplink", Text.of("client-path.step.router-uplink", prev.ttl(),
                    prev.host(), start.ttl(), start.host()));
        }
        return NextStep.of("client-path.carrier-or-wan", Text.of("client-path.step.carrier-or-wan", start.ttl(),
                start.host()));
    }
}
