package io.pathprobe.ticket.report;

import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.diagnosis.Finding;
import io.pathprobe.ticket.diagnosis.Messages;
import io.pathprobe.ticket.diagnosis.NextStep;
import io.pathprobe.ticket.evidence.HopEvidence;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.Sample;
import io.pathprobe.ticket.evidence.SeriesStats;
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
 * {@code report.html}: one self-contained page (inline CSS and SVG; no scripts, fonts or images fetched) that a
 * person reads top-down: the diagnosis and next steps, an overview per vantage point, RTT-over-time charts with
 * failures marked, the MTR tables with loss and latency bars, and the ticket facts.
 */
final class HtmlReport {
    private static final int CHART_W = 1100;
    private static final int CHART_H = 190;
    private static final int PAD_L = 62;
    private static final int PAD_R = 14;
    private static final int PAD_T = 26;
    private static final int PAD_B = 30;

    private static final String CSS = """
            :root{--fg:#1d2330;--muted:#5b6577;--line:#dde2ea;--bg:#f5f7fa;--ok:#1f9d55;--warn:#d98b00;--bad:#d64545;
            --accent:#2b6cb0}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 -apple-system,"Segoe UI",Roboto,
            "Helvetica Neue",Arial,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}
            main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}
            h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:32px 0 12px;border-bottom:1px solid var(--line);
            padding-bottom:6px}h3{font-size:15px;margin:18px 0 8px}
            .top{display:flex;justify-content:space-between;align-items:baseline;color:var(--muted);margin-bottom:14px}
            .top b{color:var(--fg)}
            .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:12px 0}
            .verdict{border-left:8px solid var(--muted)}
            .verdict.fault{border-left-color:var(--bad)}.verdict.ok{border-left-color:var(--ok)}
            .verdict.unknown{border-left-color:var(--warn)}
            .verdict .lead{font-size:15px;margin:6px 0 0}
            .chip{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;
            vertical-align:middle}
            .chip.HIGH,.chip.DEAD,.chip.FAILING{background:var(--bad)}.chip.DEAD{background:#8b1c1c}.chip.MEDIUM,.chip.DEGRADED{background:var(--warn)}
            .chip.LOW,.chip.UNMEASURED{background:#8a94a6}.chip.CLEAN{background:var(--ok)}
            ol.steps li{margin:4px 0}
            pre{background:#f0f3f7;border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow-x:auto;
            font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:6px 0}
            ul.ev{margin:6px 0;padding-left:18px;font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
            details{margin-top:10px}summary{cursor:pointer;color:var(--accent)}
            table{border-collapse:collapse;width:100%;font-size:13px;background:#fff}
            th,td{padding:5px 6px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
            th{background:#eef1f5;font-weight:600;color:var(--muted)}
            td.l,th.l{text-align:left}
            tr.persist td{background:#fff4f4}
            .bar{display:inline-block;width:90px;height:10px;background:#edf0f4;border-radius:2px;position:relative;
            vertical-align:middle;margin-left:6px}
            .bar i{position:absolute;left:0;top:0;bottom:0;background:var(--bad);border-radius:2px}
            .lat{display:inline-block;width:180px;height:10px;background:#edf0f4;border-radius:2px;position:relative;
            vertical-align:middle}
            .lat i{position:absolute;top:0;bottom:0;background:#9cc3ea;border-radius:2px}
            .lat b{position:absolute;top:-2px;bottom:-2px;width:3px;background:var(--accent)}
            .muted{color:var(--muted)}.small{font-size:12px}
            dl.facts{display:grid;grid-template-columns:200px 1fr;gap:4px 16px;margin:0}
            dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
            svg{display:block;background:#fff;border:1px solid var(--line);border-radius:6px;margin:8px 0 14px}
            svg text{font:11px -apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#5b6577}
            svg .title{font-size:13px;font-weight:600;fill:#1d2330}
            .legend span{display:inline-block;margin-right:14px;font-size:12px;color:var(--muted)}
            .legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;
            vertical-align:middle}
            footer{margin-top:36px;color:var(--muted);font-size:12px}
            #checklist h3{margin-top:0}ul.check{list-style:none;margin:6px 0;padding:0}ul.check li{margin:3px 0}
            ul.check li.missing{color:#8a5a00}
            """;

    private HtmlReport() {
    }

    static String render(TicketResults r, Locale l) {
        StringBuilder h = new StringBuilder(64 * 1024);
        TicketFacts f = r.facts();
        h.append("<!DOCTYPE html>\n<html lang=\"").append(Messages.supported(l).toLanguageTag())
                .append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .append("<title>").append(t(l, "html.title", f.target())).append("</title><style>")
                .append(CSS).append("</style></head><body><main>\n");
        String end = f.end() == null ? t(l, "html.running") : esc(Formats.instant(f.end()));
        h.append("<div class=\"top\"><div><b>").append(t(l, "html.brand")).append("</b> &middot; ")
                .append(esc(f.instanceId() == null ? "" : f.instanceId() + " · "))
                .append(t(l, "html.vip-ports", f.vip(), ports(f.ports()))).append("</div><div>")
                .append(t(l, f.stoppedEarly() ? "html.period.early" : "html.period", Formats.instant(f.start()), end))
                .append("</div></div>\n");
        diagnosis(h, r.diagnosis(), l);
        checklist(h, r, l);
        overview(h, r, l);
        charts(h, r, l);
        traces(h, r, l);
        hostChecks(h, r.hostChecks(), l);
        facts(h, r, l);
        h.append("<footer>").append(t(l, "html.footer", r.schema(), r.generator() == null ? "pathprobe"
                : r.generator())).append("</footer>\n");
        h.append("</main></body></html>\n");
        return h.toString();
    }

    private static void diagnosis(StringBuilder h, Diagnosis d, Locale l) {
        if (d == null) {
            return;
        }
        String cls = Diagnosis.NO_FAULT_FOUND.equals(d.verdict()) ? "ok"
                : Diagnosis.INCONCLUSIVE.equals(d.verdict()) ? "unknown" : "fault";
        h.append("<section class=\"card verdict ").append(cls).append("\" id=\"diagnosis\"><h1>")
                .append(esc(d.headline(l))).append("</h1>\n");
        Finding p = d.primary();
        if (p != null) {
            h.append("<p class=\"lead\">").append(esc(p.summary(l))).append("</p>\n");
        }
        if (!d.steps().isEmpty()) {
            h.append("<h3>").append(t(l, "html.next-steps")).append("</h3><ol class=\"steps\">");
            for (NextStep s : d.steps()) {
                h.append("<li data-step=\"").append(esc(s.id())).append("\">").append(stepHtml(s, l)).append("</li>");
            }
            h.append("</ol>\n");
        } else if (!d.nextSteps().isEmpty()) { // a results.json from before structured steps: the English lines
            h.append("<h3>").append(t(l, "html.next-steps")).append("</h3><ol class=\"steps\">");
            for (String s : d.nextSteps()) {
                h.append("<li>").append(stepHtml(s)).append("</li>");
            }
            h.append("</ol>\n");
        }
        if (p != null) {
            h.append("<h3>").append(t(l, "html.evidence")).append("</h3>");
            evidenceList(h, p.evidence());
        }
        List<Finding> others = p == null ? d.findings() : d.findings().subList(1, d.findings().size());
        for (Finding o : others) {
            h.append("<details").append(p == null ? " open" : "").append("><summary>")
                    .append(t(l, p == null ? "html.candidate" : "html.also-considered", o.cause().number(),
                            o.cause().titleText().render(l))).append(" <span class=\"chip ")
                    .append(o.confidence().name()).append("\">").append(esc(o.confidence().text().render(l)))
                    .append("</span></summary><p>").append(esc(o.summary(l))).append("</p>");
            evidenceList(h, o.evidence());
            h.append("</details>\n");
        }
        h.append("</section>\n");
    }

    private static final java.util.regex.Pattern SYSCTL_LINE =
            java.util.regex.Pattern.compile("net\\.ipv4\\.conf\\.[\\w.-]+\\.rp_filter = \\d");

    /**
     * A structured step: its words, then what to type as a code block ready to copy: the lines for its file
     * (under a comment naming the file), then its commands.
     */
    static String stepHtml(NextStep s, Locale l) {
        StringBuilder b = new StringBuilder(esc(s.text().render(l)));
        if (!s.fileLines().isEmpty() || !s.commands().isEmpty()) {
            b.append("<pre>");
            if (!s.fileLines().isEmpty()) {
                b.append(esc("# " + s.file())).append('\n');
                s.fileLines().forEach(x -> b.append(esc(x)).append('\n'));
            }
            s.commands().forEach(x -> b.append(esc(x)).append('\n'));
            b.setLength(b.length() - 1);
            b.append("</pre>");
        }
        return b.toString();
    }

    /** The attach-to-ticket checklist, ticked from the capture's facts. */
    private static void checklist(StringBuilder h, TicketResults r, Locale l) {
        h.append("<section class=\"card\" id=\"checklist\"><h3>").append(t(l, "checklist.title"))
                .append("</h3><ul class=\"check\">");
        for (Checklist.Item i : Checklist.of(r)) {
            h.append("<li class=\"").append(i.present() ? "ok" : "missing").append("\" data-item=\"")
                    .append(esc(i.id())).append("\">").append(i.present() ? "&#x2611; " : "&#x2610; ")
                    .append(esc(i.text().render(l))).append("</li>");
        }
        h.append("</ul></section>\n");
    }

    /** A step in words only (a results.json from before structured steps), its sysctl lines set as a code block (ready to copy), the words before and after kept. */
    static String stepHtml(String s) {
        java.util.regex.Matcher m = SYSCTL_LINE.matcher(s);
        StringBuilder code = new StringBuilder();
        int first = -1;
        int last = -1;
        while (m.find()) {
            first = first < 0 ? m.start() : first;
            last = m.end();
            code.append(m.group()).append('\n');
        }
        if (first < 0) {
            return esc(s);
        }
        // The code block ends with sysctl -p, so the words saying to run it go.
        String after = s.substring(last).replaceFirst("^[;,]?\\s*", "").replace("— then run 'sysctl -p'.", "")
                .trim();
        return esc(s.substring(0, first).trim()) + "<pre>" + esc(code.toString()) + "sysctl -p</pre>" + esc(after);
    }

    private static void evidenceList(StringBuilder h, List<String> lines) {
        h.append("<ul class=\"ev\">");
        for (String l : lines) {
            h.append("<li>").append(esc(l)).append("</li>");
        }
        h.append("</ul>\n");
    }

    private static void overview(StringBuilder h, TicketResults r, Locale l) {
        h.append("<h2>").append(t(l, "html.overview")).append("</h2><table><tr>");
        for (String c : List.of("vantage", "source", "check", "state")) {
            h.append("<th class=\"l\">").append(t(l, "html.th." + c)).append("</th>");
        }
        for (String c : List.of("sent", "ok", "loss", "refused", "timed-out", "unreachable", "syn", "avg", "p99")) {
            h.append("<th>").append(t(l, "html.th." + c)).append("</th>");
        }
        h.append("</tr>\n");
        for (VantageEvidence v : r.vantagePoints()) {
            List<ProbeSeries> all = new ArrayList<>();
            if (v.ping() != null) {
                all.add(v.ping());
            }
            all.addAll(v.tcp());
            boolean first = true;
            for (ProbeSeries s : all) {
                SeriesStats st = s.stats();
                CheckState state = CheckState.of(st);
                h.append("<tr><td class=\"l\">").append(first ? esc(v.id()) : "").append("</td><td class=\"l\">")
                        .append(first ? esc(orDash(v.sourceAddress()) + " / " + orDash(v.publicIp())) : "")
                        .append("</td><td class=\"l\">").append(esc(s.label())).append("</td><td class=\"l\">")
                        .append("<span class=\"chip ").append(state.name()).append("\" title=\"")
                        .append(esc(CheckState.why(st))).append("\">").append(esc(state.text(l))).append("</span></td><td>")
                        .append(st.answered()).append("</td><td>").append(st.received()).append("</td><td>")
                        .append(Formats.pct1(st.lossPercent())).append("</td><td>")
                        .append(st.count(io.pathprobe.core.OutcomeType.REFUSED)).append("</td><td>")
                        .append(st.count(io.pathprobe.core.OutcomeType.TIMED_OUT)).append("</td><td>")
                        .append(st.count(io.pathprobe.core.OutcomeType.UNREACHABLE)).append("</td><td>")
                        .append(st.synRetransmits()).append("</td><td>").append(msOrDash(st.avgMs()))
                        .append("</td><td>").append(msOrDash(st.p99Ms()))
                        .append("</td></tr>\n");
                first = false;
            }
            if (all.isEmpty()) {
                h.append("<tr><td class=\"l\">").append(esc(v.id())).append("</td><td class=\"l\" colspan=\"12\">")
                        .append(t(l, "html.nothing-measured")).append("</td></tr>\n");
            }
        }
        h.append("</table>\n<p class=\"muted small\">").append(t(l, "html.states", CheckState.FAILING_PERCENT))
                .append("</p>\n");
        for (VantageEvidence v : r.vantagePoints()) {
            for (String line : SelfLines.of(v, l)) {
                h.append("<p class=\"small\">").append(esc(line)).append("</p>\n");
            }
        }
    }

    private static void charts(StringBuilder h, TicketResults r, Locale l) {
        h.append("<h2>").append(t(l, "html.charts")).append("</h2><div class=\"legend\">")
                .append("<span><i style=\"background:#2b6cb0\"></i>RTT</span>")
                .append("<span><i style=\"background:#d64545\"></i>").append(t(l, "html.legend.timed-out")).append("</span>")
                .append("<span><i style=\"background:#e07b00\"></i>").append(t(l, "html.legend.refused")).append("</span>")
                .append("<span><i style=\"background:#7b3fb5\"></i>").append(t(l, "html.legend.other"))
                .append("</span></div>\n");
        long span = 1;
        for (VantageEvidence v : r.vantagePoints()) {
            for (ProbeSeries s : series(v)) {
                span = Math.max(span, Math.max(s.stats().elapsedMs(),
                        s.samples().isEmpty() ? 0 : s.samples().get(s.samples().size() - 1).atMs()));
            }
        }
        for (VantageEvidence v : r.vantagePoints()) {
            for (ProbeSeries s : series(v)) {
                chart(h, v, s, span, l);
            }
        }
    }

    private static List<ProbeSeries> series(VantageEvidence v) {
        List<ProbeSeries> all = new ArrayList<>();
        if (v.ping() != null) {
            all.add(v.ping());
        }
        all.addAll(v.tcp());
        return all;
    }

    /**
     * One chart: samples bucketed into pixel columns (so a day-long capture draws as fast as a minute); each
     * column's mean RTT joined into a line that breaks where a column holds only failures, failures as ticks
     * along the top in the colour of their kind.
     */
    static void chart(StringBuilder h, VantageEvidence v, ProbeSeries s, long spanMs, Locale l) {
        int plotW = CHART_W - PAD_L - PAD_R;
        int plotH = CHART_H - PAD_T - PAD_B;
        int buckets = Math.max(1, Math.min(plotW, s.samples().size()));
        double[] sum = new double[buckets];
        int[] ok = new int[buckets];
        int[][] fails = new int[buckets][3];
        double maxRtt = 0;
        for (Sample x : s.samples()) {
            int b = (int) Math.min(buckets - 1, x.atMs() * buckets / Math.max(1, spanMs));
            OutcomeCategory category = x.category();
            if (x.rttMs() != null && category == OutcomeCategory.ANSWERED) {
                sum[b] += x.rttMs();
                ok[b]++;
            } else {
                int kind = category == OutcomeCategory.NO_ANSWER ? 0 : category == OutcomeCategory.REFUSED ? 1 : 2;
                fails[b][kind]++;
            }
        }
        double[] means = new double[buckets];
        int withRtt = 0;
        for (int b = 0; b < buckets; b++) {
            if (ok[b] > 0) {
                means[withRtt++] = sum[b] / ok[b];
                maxRtt = Math.max(maxRtt, sum[b] / ok[b]);
            }
        }
        // Scale to the 98th percentile of the columns so that one slow probe (a first connect, a spike) does not
        // flatten the rest; columns above it are drawn at the top edge and the title names the maximum.
        java.util.Arrays.sort(means, 0, withRtt);
        double scaleTo = withRtt == 0 ? 1 : means[(int) Math.floor(0.98 * (withRtt - 1))];
        double yMax = 4 * niceCeil((scaleTo <= 0 ? 1 : scaleTo * 1.15) / 4); // four gridlines at round values
        boolean clipped = maxRtt > yMax;
        SeriesStats st = s.stats();
        h.append("<svg role=\"img\" class=\"chart\" width=\"").append(CHART_W).append("\" height=\"").append(CHART_H)
                .append("\" viewBox=\"0 0 ").append(CHART_W).append(' ').append(CHART_H)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\"><title>").append(esc(v.id() + " " + s.label()))
                .append("</title>");
        h.append("<text class=\"title\" x=\"").append(PAD_L).append("\" y=\"17\">").append(esc("[" + v.id() + "] "
                + s.label())).append("</text><text x=\"").append(CHART_W - PAD_R).append("\" y=\"17\" text-anchor=\"end\">")
                .append(st.avgMs() == null ? t(l, "html.chart.stats", st.answered(), Formats.pct1(st.lossPercent()))
                        : t(l, clipped ? "html.chart.stats.clipped" : "html.chart.stats.avg", st.answered(),
                        Formats.pct1(st.lossPercent()), Formats.ms3(st.avgMs()), clipped ? Formats.ms3(st.maxMs()) : ""))
                .append("</text>");
        // grid and axes
        for (int i = 0; i <= 4; i++) {
            double val = yMax * i / 4;
            int y = PAD_T + plotH - (int) Math.round(plotH * i / 4.0);
            h.append("<line x1=\"").append(PAD_L).append("\" x2=\"").append(PAD_L + plotW).append("\" y1=\"").append(y)
                    .append("\" y2=\"").append(y).append("\" stroke=\"#e6e9ef\"/>");
            h.append("<text x=\"").append(PAD_L - 6).append("\" y=\"").append(y + 4).append("\" text-anchor=\"end\">")
                    .append(axisMs(val)).append("</text>");
        }
        // Time ticks at round steps (1, 2, 2.5 or 5 times a power of ten seconds), about six of them.
        double stepMs = niceCeil(Math.max(1, spanMs / 6.0));
        for (double t = 0; t <= spanMs + 0.5; t += stepMs) {
            double x = PAD_L + plotW * t / spanMs;
            h.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(CHART_H - 10)
                    .append("\" text-anchor=\"middle\">").append(Formats.axisTime((long) t, (long) stepMs))
                    .append("</text>");
        }
        // failures: ticks in the band at the top of the plot
        String[] colours = {"#d64545", "#e07b00", "#7b3fb5"};
        for (int b = 0; b < buckets; b++) {
            for (int k = 0; k < 3; k++) {
                if (fails[b][k] > 0) {
                    double x = PAD_L + (b + 0.5) * plotW / buckets;
                    h.append("<rect class=\"fail\" x=\"").append(fmt(x - 1.5)).append("\" y=\"").append(PAD_T)
                            .append("\" width=\"3\" height=\"").append(plotH).append("\" fill=\"").append(colours[k])
                            .append("\" fill-opacity=\"0.28\"/><rect x=\"").append(fmt(x - 1.5)).append("\" y=\"")
                            .append(PAD_T - 6).append("\" width=\"3\" height=\"6\" fill=\"").append(colours[k])
                            .append("\"/>");
                }
            }
        }
        // RTT line, broken by columns that hold only failures
        StringBuilder path = new StringBuilder();
        boolean pen = false;
        int points = 0;
        for (int b = 0; b < buckets; b++) {
            if (ok[b] == 0) {
                if (fails[b][0] + fails[b][1] + fails[b][2] > 0) {
                    pen = false;
                }
                continue;
            }
            double x = PAD_L + (b + 0.5) * plotW / buckets;
            double y = PAD_T + plotH - plotH * Math.min(1, (sum[b] / ok[b]) / yMax);
            path.append(pen ? " L" : " M").append(fmt(x)).append(',').append(fmt(y));
            pen = true;
            points++;
        }
        if (points > 0) {
            h.append("<path class=\"rtt\" d=\"").append(path.toString().trim())
                    .append("\" fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"1.6\" stroke-linejoin=\"round\"/>");
            if (points <= 150) {
                for (int b = 0; b < buckets; b++) {
                    if (ok[b] > 0) {
                        double x = PAD_L + (b + 0.5) * plotW / buckets;
                        double y = PAD_T + plotH - plotH * Math.min(1, (sum[b] / ok[b]) / yMax);
                        h.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y))
                                .append("\" r=\"2.2\" fill=\"#2b6cb0\"/>");
                    }
                }
            }
        } else {
            h.append("<text x=\"").append(PAD_L + plotW / 2).append("\" y=\"").append(PAD_T + plotH / 2)
                    .append("\" text-anchor=\"middle\">").append(t(l, "html.chart.none")).append("</text>");
        }
        h.append("<line x1=\"").append(PAD_L).append("\" x2=\"").append(PAD_L).append("\" y1=\"").append(PAD_T)
                .append("\" y2=\"").append(PAD_T + plotH).append("\" stroke=\"#9aa4b5\"/>");
        h.append("</svg>\n");
    }

    private static void traces(StringBuilder h, TicketResults r, Locale l) {
        boolean any = r.vantagePoints().stream().anyMatch(v -> !v.traces().isEmpty());
        if (!any) {
            return;
        }
        h.append("<h2>").append(t(l, "html.mtr")).append("</h2>\n");
        for (VantageEvidence v : r.vantagePoints()) {
            for (TraceEvidence t : v.traces()) {
                trace(h, v, t, l);
            }
        }
    }

    private static void trace(StringBuilder h, VantageEvidence v, TraceEvidence t, Locale l) {
        h.append("<h3>[").append(esc(v.id())).append("] mtr ").append(esc(t.mode().toUpperCase(Locale.ROOT)))
                .append(t.port() == 0 ? "" : " port " + t.port()).append(" <span class=\"muted small\">")
                .append(t(l, "html.mtr.rounds", t.rounds()))
                .append(t.stopReason() == null ? "" : " · " + esc(t.stopReason()))
                .append(t.persistentLossFromTtl() == null ? "" : " · " + t(l, "html.mtr.persistent",
                        t.persistentLossFromTtl()))
                .append("</span></h3>\n");
        if (t.error() != null) {
            h.append("<p class=\"muted\">").append(t(l, "html.mtr.error", t.error())).append("</p>\n");
            return;
        }
        double maxMs = 0;
        for (HopEvidence hop : t.hops()) {
            if (hop.worstMs() != null) {
                maxMs = Math.max(maxMs, hop.worstMs());
            }
        }
        maxMs = niceCeil(maxMs <= 0 ? 1 : maxMs);
        h.append("<table class=\"mtr\"><tr><th>Hop</th><th class=\"l\">Host</th><th class=\"l\">Loss%</th>")
                .append("<th>Snt</th><th>Last</th><th>Avg</th><th>Best</th><th>Wrst</th><th>StDev</th>")
                .append("<th class=\"l\">").append(t(l, "html.mtr.latency", axisMs(maxMs))).append("</th></tr>\n");
        for (HopEvidence hop : t.hops()) {
            boolean persist = t.persistentLossFromTtl() != null && hop.ttl() >= t.persistentLossFromTtl();
            h.append("<tr").append(persist ? " class=\"persist\"" : "").append("><td>").append(hop.ttl())
                    .append("</td><td class=\"l\">").append(esc(String.join(", ", hop.addresses().isEmpty()
                            ? List.of("???") : hop.addresses())))
                    .append(hop.destination() ? " <span class=\"muted small\">" + t(l, "html.mtr.target") + "</span>"
                            : "")
                    .append(hop.lossNotCarriedOn() ? " <span class=\"muted small\">" + t(l, "html.mtr.rate-limit")
                            + "</span>" : "")
                    .append("</td><td class=\"l\">").append(Formats.pct1(hop.lossPercent()))
                    .append("<span class=\"bar\"><i style=\"width:").append(fmt(Math.min(100, hop.lossPercent())))
                    .append("%\"></i></span></td><td>").append(hop.sent()).append("</td><td>")
                    .append(Formats.ms1(hop.lastMs())).append("</td><td>").append(Formats.ms1(hop.avgMs()))
                    .append("</td><td>").append(Formats.ms1(hop.bestMs())).append("</td><td>")
                    .append(Formats.ms1(hop.worstMs())).append("</td><td>").append(Formats.ms1(hop.stdevMs()))
                    .append("</td><td class=\"l\">");
            if (hop.bestMs() != null && hop.worstMs() != null && hop.avgMs() != null) {
                double left = 100 * hop.bestMs() / maxMs;
                double w = Math.max(0.8, 100 * (hop.worstMs() - hop.bestMs()) / maxMs);
                double a = 100 * hop.avgMs() / maxMs;
                h.append("<span class=\"lat\"><i style=\"left:").append(fmt(left)).append("%;width:").append(fmt(w))
                        .append("%\"></i><b style=\"left:calc(").append(fmt(a)).append("% - 1px)\"></b></span>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void hostChecks(StringBuilder h, List<HostCheckReport> reports, Locale l) {
        if (reports.isEmpty()) {
            return;
        }
        h.append("<h2>").append(t(l, "html.hostchecks")).append("</h2>\n");
        for (HostCheckReport r : reports) {
            h.append("<div class=\"card\"><b>").append(esc(HostChecks.where(r))).append("</b> ")
                    .append(esc(HostChecks.problemLine(r))).append("<pre>")
                    .append(esc(String.join("\n", HostChecks.render(r)))).append("</pre></div>\n");
        }
    }

    private static void facts(StringBuilder h, TicketResults r, Locale l) {
        TicketFacts f = r.facts();
        h.append("<h2>").append(t(l, "html.facts")).append("</h2><div class=\"card\"><dl class=\"facts\">");
        fact(h, t(l, "html.fact.instance"), f.instanceId());
        fact(h, t(l, "html.fact.target"), f.target());
        fact(h, t(l, "html.fact.vip"), f.vip());
        fact(h, t(l, "html.fact.ports"), ports(f.ports()));
        fact(h, t(l, "html.fact.backends"), f.backends().isEmpty() ? null : String.join(", ", f.backends()));
        fact(h, t(l, "html.fact.health"), Messages.format(l, "health." + f.healthChecks()));
        fact(h, t(l, "html.fact.start"), Formats.instant(f.start()));
        fact(h, t(l, "html.fact.end"), f.end() == null ? null : f.stoppedEarly() ? Messages.format(l,
                "html.stopped-early", Formats.instant(f.end())) : Formats.instant(f.end()));
        fact(h, t(l, "html.fact.duration"), Formats.duration(f.plannedDurationMs()));
        for (VantageEvidence v : r.vantagePoints()) {
            StringBuilder d = new StringBuilder(Messages.format(l, "html.fact.vantage.value", v.kind(),
                    orDash(v.sourceAddress()), orDash(v.publicIp())));
            v.details().forEach((k, val) -> d.append(", ").append(k).append(' ').append(val));
            fact(h, t(l, "html.fact.vantage", v.id()), d.toString());
        }
        h.append("</dl></div>\n");
    }

    /** {@code k} is markup already (a message with escaped arguments), {@code v} is text. */
    private static void fact(StringBuilder h, String k, String v) {
        h.append("<dt>").append(k).append("</dt><dd>").append(esc(v == null ? "-" : v)).append("</dd>");
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code v}. */
    static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String axisMs(double ms) {
        if (ms == 0) {
            return "0";
        }
        // Values are 1, 2, 2.5 or 5 times a power of ten (or multiples of them): show as many decimals as they need.
        return new java.math.BigDecimal(ms).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString()
                + " ms";
    }

    /** One decimal, as {@code %.1f} (half up) but without a Formatter: charts call this for every point drawn. */
    private static String fmt(double d) {
        if (!Double.isFinite(d) || Math.abs(d) >= 1e15) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        long tenths = Math.round(Math.abs(d) * 10);
        return (d < 0 && tenths != 0 ? "-" : "") + tenths / 10 + "." + tenths % 10;
    }

    private static String msOrDash(Double ms) {
        return ms == null ? "-" : Formats.ms3(ms) + " ms";
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    private static String ports(List<Integer> ports) {
        StringBuilder sb = new StringBuilder();
        ports.forEach(p -> sb.append(sb.length() == 0 ? "" : ", ").append(p));
        return sb.toString();
    }

    /**
     * Message {@code key} in {@code l} as markup: the arguments are escaped, the pattern (from the bundle, with
     * markup of its own such as {@code <b>}) is not.
     */
    static String t(Locale l, String key, Object... args) {
        Object[] a = new Object[args.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = esc(String.valueOf(args[i]));
        }
        return Messages.format(l, key, a);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
