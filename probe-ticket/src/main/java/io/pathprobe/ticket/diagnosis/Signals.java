package io.pathprobe.ticket.diagnosis;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.ticket.evidence.HopEvidence;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.Sample;
import io.pathprobe.ticket.evidence.SeriesStats;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.internal.Addresses;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The classifications and evidence lines the rules share, so that every rule reads the measurements the same way.
 */
public final class Signals {
    /** Fewer ended probes than this and a series is {@link Health#UNMEASURED}. */
    public static final int MIN_SAMPLES = 5;

    private Signals() {
    }

    /**
     * Classifies a series: DEAD when nothing succeeded, CLEAN when the failures are at most max(1, 1% of the
     * probes) — one lost probe in a short run, or ordinary background loss in a long one, is no fault — and
     * PARTIAL otherwise. Probes still in flight are left out, as in the loss figure.
     */
    public static Health health(SeriesStats s) {
        if (s == null || s.answered() < MIN_SAMPLES) {
            return Health.UNMEASURED;
        }
        if (s.received() == 0) {
            return Health.DEAD;
        }
        return s.failed() <= Math.max(1, s.answered() / 100) ? Health.CLEAN : Health.PARTIAL;
    }

    public static Health health(ProbeSeries s) {
        return s == null ? Health.UNMEASURED : health(s.stats());
    }

    public static Health ping(VantageEvidence v) {
        return health(v.ping());
    }

    public static Health tcp(VantageEvidence v, int port) {
        return health(v.tcp(port));
    }

    /** Whether the vantage point measured anything at all (ping or a TCP check). */
    public static boolean measured(VantageEvidence v) {
        if (ping(v) != Health.UNMEASURED) {
            return true;
        }
        return v.tcp().stream().anyMatch(s -> health(s) != Health.UNMEASURED);
    }

    /** The most confident of a rule's per-vantage findings (the first on a tie), or empty when none. */
    static Optional<Finding> mostConfident(TicketEvidence e, BiFunction<TicketEvidence, VantageEvidence, Finding> rule) {
        Finding best = null;
        for (VantageEvidence v : measured(e)) {
            Finding f = rule.apply(e, v);
            if (f != null && (best == null || f.confidence().compareTo(best.confidence()) > 0)) {
                best = f;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The vantage points that measured something. */
    public static List<VantageEvidence> measured(TicketEvidence e) {
        return e.vantagePoints().stream().filter(Signals::measured).toList();
    }

    /** Whether every measured TCP check of the vantage point is DEAD (and there is at least one). */
    public static boolean allTcpDead(VantageEvidence v) {
        List<ProbeSeries> m = v.tcp().stream().filter(s -> health(s) != Health.UNMEASURED).toList();
        return !m.isEmpty() && m.stream().allMatch(s -> health(s) == Health.DEAD);
    }

    /** Whether some measured TCP check connected at least once. */
    public static boolean anyTcpConnects(VantageEvidence v) {
        return v.tcp().stream().anyMatch(s -> s.stats().received() > 0);
    }

    /** Whether every measured check of the vantage point is CLEAN and at least one was measured. */
    public static boolean allClean(VantageEvidence v) {
        boolean any = false;
        List<ProbeSeries> all = new ArrayList<>(v.tcp());
        if (v.ping() != null) {
            all.add(v.ping());
        }
        for (ProbeSeries s : all) {
            Health h = health(s);
            if (h == Health.UNMEASURED) {
                continue;
            }
            if (h != Health.CLEAN) {
                return false;
            }
            any = true;
        }
        return any;
    }

    /**
     * Whether the only loss the vantage point saw is ping's: its ping is PARTIAL while it has TCP checks and every
     * one is CLEAN, a TCP-mode trace reached the VIP, and no trace shows persistent loss before the destination.
     * Then the VIP (or a device in front
     * of it) rate-limits ICMP echo: packets on the path are not being lost, so it is no fault.
     */
    public static boolean echoLimitedOnly(VantageEvidence v) {
        List<ProbeSeries> tcp = v.tcp().stream().filter(s -> health(s) != Health.UNMEASURED).toList();
        return ping(v) == Health.PARTIAL && !tcp.isEmpty() && tcp.stream().allMatch(s -> health(s) == Health.CLEAN)
                && v.traces().stream().anyMatch(t -> !"icmp".equals(t.mode()) && t.destinationReached())
                && v.traces().stream().allMatch(t -> persistentLossBeforeDestination(t) == null);
    }

    /** Share of a series' failures that were timeouts (silent drops), 0 when nothing failed. */
    public static double timeoutShare(SeriesStats s) {
        long failed = s.failed();
        return failed <= 0 ? 0 : (double) s.count(OutcomeType.TIMED_OUT) / failed;
    }

    /** Share of a series' failures that were refusals (RST), 0 when nothing failed. */
    public static double refusedShare(SeriesStats s) {
        long failed = s.failed();
        return failed <= 0 ? 0 : (double) s.count(OutcomeType.REFUSED) / failed;
    }

    /**
     * Whether two vantage points are different clients as the provider sees them: different public addresses if
     * both are known, else different source addresses. Two namespaces behind one NAT are not independent.
     */
    public static boolean independent(VantageEvidence a, VantageEvidence b) {
        if (a.publicIp() != null && b.publicIp() != null) {
            return !a.publicIp().equals(b.publicIp());
        }
        if (a.sourceAddress() != null && b.sourceAddress() != null) {
            return !a.sourceAddress().equals(b.sourceAddress());
        }
        return !a.id().equals(b.id());
    }

    /** The other measured vantage points independent of {@code v}. */
    public static List<VantageEvidence> othersIndependentOf(TicketEvidence e, VantageEvidence v) {
        return measured(e).stream().filter(o -> o != v && independent(o, v)).toList();
    }

    /** How many mutually independent clients are among the vantage points (greedy count). */
    public static int independentCount(List<VantageEvidence> vs) {
        List<VantageEvidence> picked = new ArrayList<>();
        for (VantageEvidence v : vs) {
            if (picked.stream().allMatch(p -> independent(p, v))) {
                picked.add(v);
            }
        }
        return picked.size();
    }

    /**
     * Whether the vantage point is one of the load balancer's backends: its source address, or any of its own
     * addresses (its self check), is among the backends the user gave, or a hostcheck found a backend address on a
     * host that owns this source address.
     */
    public static boolean isBackend(TicketEvidence e, VantageEvidence v) {
        if (v.self() != null && Boolean.TRUE.equals(v.self().withBackends(e.facts().backends()).isBackend())) {
            return true; // one of its own addresses (not only the source address) is a backend
        }
        String src = v.sourceAddress();
        if (src == null) {
            return false;
        }
        if (e.facts().backends().stream().anyMatch(b -> sameAddress(b, src))) {
            return true;
        }
        for (HostCheckReport h : e.hostChecks()) {
            if (!h.backendsOnThisHost().isEmpty() && h.addresses().stream().anyMatch(a -> sameAddress(a, src))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the vantage point's self check found a LISTEN socket on {@code port} (it serves that port itself). */
    public static boolean listensOn(VantageEvidence v, int port) {
        return v.self() != null && v.self().listeningPorts().contains(port);
    }

    /**
     * Whether the vantage point is known <em>not</em> to be a backend: backends were given, none of its addresses
     * is one, and it does not listen on {@code port}.
     */
    public static boolean knownNotBackend(TicketEvidence e, VantageEvidence v, int port) {
        return !e.facts().backends().isEmpty() && !isBackend(e, v) && !listensOn(v, port);
    }

    /** Compares address literals by value (so {@code ::1} equals {@code 0:0:0:0:0:0:0:1}); never resolves names. */
    public static boolean sameAddress(String a, String b) {
        return Addresses.same(a, b);
    }

    /**
     * Whether a series' failures are spread over the run rather than in one block: at least two separate runs of
     * failed probes. One block of failures is an outage; failures scattered among successes are "1 in N".
     */
    public static boolean failuresSpread(ProbeSeries s) {
        int runs = 0;
        boolean inRun = false;
        for (Sample x : s.samples()) {
            boolean failed = !x.answered();
            if (failed && !inRun) {
                runs++;
            }
            inRun = failed;
        }
        return runs >= 2;
    }

    /** Whether the trace's hops before the destination that answered all did so without forwarding loss. */
    public static boolean routersClean(TraceEvidence t) {
        int last = t.lastRespondingTtl();
        for (HopEvidence h : t.hops()) {
            if (h.ttl() >= last || h.destination() || h.lossNotCarriedOn()) {
                continue;
            }
            if (h.sent() >= MIN_SAMPLES && h.sent() - h.received() > Math.max(1, h.sent() / 100)) {
                return false;
            }
        }
        return last > 0;
    }

    /** The hop where persistent loss begins, if it begins before the destination; else {@code null}. */
    public static HopEvidence persistentLossBeforeDestination(TraceEvidence t) {
        if (t.persistentLossFromTtl() == null) {
            return null;
        }
        HopEvidence h = t.hop(t.persistentLossFromTtl());
        if (h == null || h.destination()) {
            return null;
        }
        // When the destination never answered, the loss that "begins" at the first silent hop past the last router
        // is the destination's silence, not the path's.
        if (!t.destinationReached() && h.received() == 0 && h.ttl() > t.lastRespondingTtl()) {
            return null;
        }
        return h;
    }

    /** A rise in average RTT from one responding hop to the next that counts as added delay. */
    public static final double DELAY_STEP_MS = 30;

    /**
     * The hop where the path's delay rises by at least {@link #DELAY_STEP_MS} over the previous responding hop and
     * stays up (every later responding hop at least half that step above the hop before the rise), or
     * {@code null}. Hops marked as ICMP-rate-limited are skipped: a slow ICMP answer from a busy router does not
     * carry on either.
     */
    public static HopEvidence delayStep(TraceEvidence t) {
        List<HopEvidence> answered = t.hops().stream()
                .filter(h -> h.avgMs() != null && !h.lossNotCarriedOn()).toList();
        for (int i = 1; i < answered.size(); i++) {
            double before = answered.get(i - 1).avgMs();
            if (answered.get(i).avgMs() - before < DELAY_STEP_MS) {
                continue;
            }
            boolean persists = true;
            for (int j = i + 1; j < answered.size(); j++) {
                persists &= answered.get(j).avgMs() - before >= DELAY_STEP_MS / 2;
            }
            if (persists) {
                return answered.get(i);
            }
        }
        return null;
    }

    // ---- evidence lines ----

    public static String line(VantageEvidence v, ProbeSeries s) {
        SeriesStats st = s.stats();
        StringBuilder sb = new StringBuilder("[").append(v.id()).append("] ").append(s.label()).append(": ");
        if (ProbeSeries.PING.equals(s.check())) {
            sb.append(st.sent()).append(" sent, ").append(st.received()).append(" received, ")
                    .append(pct(st.lossPercent())).append(" loss");
            if (st.avgMs() != null) {
                sb.append(", avg ").append(ms(st.avgMs()));
            }
        } else {
            sb.append(st.answered()).append(" attempted, ").append(st.received()).append(" connected, ")
                    .append(st.count(OutcomeType.REFUSED)).append(" refused, ")
                    .append(st.count(OutcomeType.TIMED_OUT)).append(" timed out, ")
                    .append(st.count(OutcomeType.UNREACHABLE)).append(" unreachable (")
                    .append(pct(st.lossPercent())).append(" failed)");
            if (st.synRetransmits() > 0) {
                sb.append(", ").append(st.synRetransmits()).append(" SYN retransmits");
            }
        }
        if (st.inFlight() > 0) {
            sb.append(" (").append(st.inFlight()).append(" still in flight at the end: not counted)");
        }
        return sb.toString();
    }

    public static String line(VantageEvidence v, TraceEvidence t) {
        StringBuilder sb = new StringBuilder("[").append(v.id()).append("] ").append(t.label()).append(": ");
        if (t.error() != null) {
            return sb.append("did not run (").append(t.error()).append(')').toString();
        }
        int last = t.lastRespondingTtl();
        if (t.destinationReached()) {
            sb.append("destination reached at hop ").append(last);
        } else {
            HopEvidence h = t.hop(last);
            sb.append("destination never answered").append(h == null ? "" : "; last answer from hop " + last
                    + " (" + h.host() + ")");
        }
        if (t.persistentLossFromTtl() != null) {
            HopEvidence p = t.hop(t.persistentLossFromTtl());
            sb.append("; persistent loss from hop ").append(t.persistentLossFromTtl());
            if (p != null) {
                sb.append(" (").append(p.host()).append(", ").append(pct(p.lossPercent())).append(" loss)");
            }
        }
        if (t.stopReason() != null) {
            sb.append("; stop: ").append(t.stopReason());
        }
        return sb.toString();
    }

    public static String pct(double p) {
        return String.format(Locale.ROOT, p == Math.rint(p) ? "%.0f%%" : "%.1f%%", p);
    }

    public static String ms(double ms) {
        return String.format(Locale.ROOT, "%.3f ms", ms);
    }
}
