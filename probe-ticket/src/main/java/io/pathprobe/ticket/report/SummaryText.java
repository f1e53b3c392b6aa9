package io.pathprobe.ticket.report;

import io.pathprobe.core.text.PlainText;
import io.pathprobe.core.text.SummaryLines;
import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.diagnosis.Finding;
import io.pathprobe.ticket.evidence.HopEvidence;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.hostcheck.HostChecks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code summary.txt}: what a person pastes into a ticket. The diagnosis first, then per vantage point the ping
 * summary in iputils' layout, the TCP summary, and the mtr report in mtr's {@code --report} layout.
 */
public final class SummaryText {
    private SummaryText() {
    }

    public static String render(TicketResults r) {
        List<String> out = new ArrayList<>();
        TicketFacts f = r.facts();
        out.add("pathprobe ticket capture" + (f.instanceId() == null ? "" : " for " + f.instanceId()));
        out.add("Target: " + f.target() + (f.target().equals(f.vip()) ? "" : " (" + f.vip() + ")")
                + "   Ports: " + join(f.ports()));
        out.add("Start: " + Formats.instant(f.start()) + "   End: " + Formats.instant(f.end())
                + (f.stoppedEarly() ? " (stopped early)" : ""));
        for (VantageEvidence v : r.vantagePoints()) {
            out.add("Client " + v.id() + ": source " + orDash(v.sourceAddress()) + ", public IP " + orDash(v.publicIp()));
        }
        out.add("");
        diagnosis(out, r.diagnosis());
        out.add("");
        out.add("Overview (clean: no timeout, refusal, error or SYN retransmit; degraded: some, at most "
                + CheckState.FAILING_PERCENT + "% of probes; failing: more; dead: nothing succeeded):");
        for (VantageEvidence v : r.vantagePoints()) {
            List<ProbeSeries> all = new ArrayList<>();
            if (v.ping() != null) {
                all.add(v.ping());
            }
            all.addAll(v.tcp());
            for (ProbeSeries s : all) {
                String why = CheckState.why(s.stats());
                out.add("  [" + v.id() + "] " + s.label() + ": " + CheckState.of(s).label()
                        + (why.isEmpty() ? "" : " (" + why + " of " + s.stats().answered() + ")"));
            }
            SelfLines.of(v).forEach(l -> out.add("  " + l));
        }
        for (VantageEvidence v : r.vantagePoints()) {
            out.add("");
            out.add("=== From " + v.id() + " (" + v.kind() + ", source " + orDash(v.sourceAddress()) + ") ===");
            if (v.ping() != null) {
                out.add("");
                out.addAll(pingSummary(v.ping()));
            }
            for (ProbeSeries s : v.tcp()) {
                out.add("");
                out.addAll(tcpSummary(s));
            }
            for (TraceEvidence t : v.traces()) {
                out.add("");
                out.addAll(mtrReport(t, f.start(), v.sourceAddress() == null ? v.id() : v.sourceAddress()));
            }
            for (String n : v.notes()) {
                out.add("note: " + n);
            }
        }
        for (HostCheckReport h : r.hostChecks()) {
            out.add("");
            out.addAll(HostChecks.render(h));
        }
        // Free text (instance ID, vantage names, notes quoting servers, hostcheck files) stays on its line.
        return String.join("\n", out.stream().map(PlainText::oneLine).toList()) + "\n";
    }

    /** The diagnosis as summary.txt shows it: the verdict, each finding with its evidence, the next steps. */
    public static void diagnosis(List<String> out, Diagnosis d) {
        if (d == null) {
            return;
        }
        out.add("DIAGNOSIS: " + d.headline());
        for (Finding f : d.findings()) {
            out.add("");
            out.add("* Cause " + f.cause().number() + " (" + f.cause().title() + "), " + f.confidence().label()
                    + " confidence:");
            out.add("  " + f.summary());
            out.add("  Evidence:");
            f.evidence().forEach(e -> out.add("    " + e));
        }
        if (!d.nextSteps().isEmpty()) {
            out.add("");
            out.add("Next steps:");
            d.nextSteps().forEach(s -> out.add("  - " + s));
        }
    }

    /** iputils' summary: {@code --- HOST ping statistics ---}, counts and loss, {@code rtt min/avg/max/mdev}. */
    public static List<String> pingSummary(ProbeSeries s) {
        return SummaryLines.ping(s.target(), s.stats());
    }

    /** The TCP check in the layout of the {@code pathprobe tcp} summary. */
    public static List<String> tcpSummary(ProbeSeries s) {
        return SummaryLines.tcpConnect(s.label().substring(s.check().length() + 1), s.stats());
    }

    /** mtr's {@code --report} layout. */
    public static List<String> mtrReport(TraceEvidence t, String start, String host) {
        List<String> out = new ArrayList<>();
        out.add("mtr " + t.mode().toUpperCase(Locale.ROOT) + (t.port() == 0 ? "" : " port " + t.port())
                + (t.error() != null ? ": did not run (" + t.error() + ")" : ""));
        if (t.error() != null) {
            return out;
        }
        if (t.report() != null) {
            out.addAll(t.report().lines().toList()); // the MTR module's own --report layout
            return out;
        }
        // Evidence without the MTR module's text (e.g. read from elsewhere): the same columns from the figures.
        out.add("Start: " + start);
        out.add(String.format(Locale.ROOT, "HOST: %-28s Loss%%   Snt   Last   Avg  Best  Wrst StDev", host));
        for (HopEvidence h : t.hops()) {
            for (int i = 0; i < Math.max(1, h.addresses().size()); i++) {
                if (i == 0) {
                    out.add(String.format(Locale.ROOT, "%3d.|-- %-28s %5.1f%% %5d %6s %5s %5s %5s %5s", h.ttl(),
                            h.host(), h.lossPercent(), h.sent(), Formats.ms1(h.lastMs()), Formats.ms1(h.avgMs()),
                            Formats.ms1(h.bestMs()), Formats.ms1(h.worstMs()), Formats.ms1(h.stdevMs())));
                } else {
                    out.add("    |   " + h.addresses().get(i)); // extra ECMP responders, as mtr lists them
                }
            }
        }
        List<String> notes = new ArrayList<>();
        if (t.persistentLossFromTtl() != null) {
            notes.add("persistent loss from hop " + t.persistentLossFromTtl());
        }
        List<Integer> rateLimited = t.hops().stream().filter(HopEvidence::lossNotCarriedOn).map(HopEvidence::ttl)
                .toList();
        if (!rateLimited.isEmpty()) {
            notes.add("loss at hop(s) " + join(rateLimited) + " not carried on (ICMP rate limiting)");
        }
        if (t.stopReason() != null) {
            notes.add("stop: " + t.stopReason());
        }
        if (!notes.isEmpty()) {
            out.add("(" + String.join("; ", notes) + ")");
        }
        return out;
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    private static String join(List<Integer> l) {
        StringBuilder sb = new StringBuilder();
        l.forEach(i -> sb.append(sb.length() == 0 ? "" : ",").append(i));
        return sb.toString();
    }
}
