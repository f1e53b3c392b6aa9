package io.pathprobe.ticket.report;

import io.pathprobe.core.text.PlainText;
import io.pathprobe.icmp.PingSummary;
import io.pathprobe.tcp.TcpSummary;
import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.diagnosis.Finding;
import io.pathprobe.ticket.diagnosis.Messages;
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

    /** In English. */
    public static String render(TicketResults r) {
        return render(r, Locale.ENGLISH);
    }

    /**
     * In {@code locale} ({@link Messages#LANGUAGES}): the words are translated; evidence lines, numbers,
     * addresses and the ping, TCP and mtr summaries stay as the tools write them.
     */
    public static String render(TicketResults r, Locale locale) {
        List<String> out = new ArrayList<>();
        TicketFacts f = r.facts();
        out.add(f.instanceId() == null ? t(locale, "summary.title") : t(locale, "summary.title.instance",
                f.instanceId()));
        out.add(t(locale, "summary.target", f.target() + (f.target().equals(f.vip()) ? "" : " (" + f.vip() + ")"),
                join(f.ports())));
        out.add(t(locale, f.stoppedEarly() ? "summary.time.early" : "summary.time", Formats.instant(f.start()),
                Formats.instant(f.end())));
        for (VantageEvidence v : r.vantagePoints()) {
            out.add(t(locale, "summary.client", v.id(), orDash(v.sourceAddress()), orDash(v.publicIp())));
        }
        out.add("");
        diagnosis(out, r.diagnosis(), locale);
        out.add("");
        out.add(t(locale, "summary.overview", CheckState.FAILING_PERCENT));
        for (VantageEvidence v : r.vantagePoints()) {
            List<ProbeSeries> all = new ArrayList<>();
            if (v.ping() != null) {
                all.add(v.ping());
            }
            all.addAll(v.tcp());
            for (ProbeSeries s : all) {
                String why = CheckState.why(s.stats());
                String state = CheckState.of(s).text(locale);
                String check = "[" + v.id() + "] " + s.label();
                out.add("  " + (why.isEmpty() ? t(locale, "summary.overview.line", check, state)
                        : t(locale, "summary.overview.line.why", check, state, why, s.stats().answered())));
            }
            SelfLines.of(v, locale).forEach(l -> out.add("  " + l));
        }
        for (VantageEvidence v : r.vantagePoints()) {
            out.add("");
            out.add(t(locale, "summary.from", v.id(), v.kind(), orDash(v.sourceAddress())));
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
                out.add(t(locale, "summary.note", n));
            }
        }
        for (HostCheckReport h : r.hostChecks()) {
            out.add("");
            out.addAll(HostChecks.render(h));
        }
        out.add("");
        checklist(out, r, locale);
        // Free text (instance ID, vantage names, notes quoting servers, hostcheck files) stays on its line.
        return String.join("\n", out.stream().map(PlainText::oneLine).toList()) + "\n";
    }

    /** The attach-to-ticket checklist: a heading, then one ticked or open line per item. */
    public static void checklist(List<String> out, TicketResults r, Locale locale) {
        out.add(t(locale, "checklist.heading"));
        for (Checklist.Item i : Checklist.of(r)) {
            out.add("  " + t(locale, i.present() ? "checklist.present" : "checklist.missing") + " "
                    + i.text().render(locale));
        }
    }

    /** The diagnosis in English. */
    public static void diagnosis(List<String> out, Diagnosis d) {
        diagnosis(out, d, Locale.ENGLISH);
    }

    /**
     * The diagnosis as summary.txt (and the CLI) shows it, in {@code locale}: the verdict, each finding with its
     * evidence (as measured, not translated), the next steps.
     */
    public static void diagnosis(List<String> out, Diagnosis d, Locale locale) {
        if (d == null) {
            return;
        }
        out.add(t(locale, "summary.diagnosis", d.headline(locale)));
        for (Finding f : d.findings()) {
            out.add("");
            out.add(t(locale, "summary.finding", f.cause().number(), f.cause().titleText().render(locale),
                    f.confidence().text().render(locale)));
            out.add("  " + f.summary(locale));
            out.add("  " + t(locale, "summary.evidence"));
            f.evidence().forEach(e -> out.add("    " + e));
        }
        List<String> steps = d.nextSteps(locale);
        if (!steps.isEmpty()) {
            out.add("");
            out.add(t(locale, "summary.next-steps"));
            steps.forEach(s -> out.add("  - " + s));
        }
    }

    private static String t(Locale l, String key, Object... args) {
        Object[] a = new Object[args.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = String.valueOf(args[i]); // numbers as they are, never grouped
        }
        return Messages.format(l, key, a);
    }

    /** iputils' summary: {@code --- HOST ping statistics ---}, counts and loss, {@code rtt min/avg/max/mdev}. */
    public static List<String> pingSummary(ProbeSeries s) {
        return PingSummary.lines(s.target(), s.stats());
    }

    /** The TCP check in the layout of the {@code pathprobe tcp} summary. */
    public static List<String> tcpSummary(ProbeSeries s) {
        return TcpSummary.lines(s.label().substring(s.check().length() + 1), s.stats());
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
