package io.pathprobe.core.text;

import io.pathprobe.core.OutcomeType;

import java.util.ArrayList;
import java.util.List;

import static io.pathprobe.core.text.NumberText.ms3;

/**
 * The summary of a series of probes of any kind, in the layout of iputils ping's statistics, and the
 * {@code rtt min/avg/max/mdev} line every summary ends with. A prober's own summary (ping's, the TCP connect one)
 * is its module's ({@code io.pathprobe.icmp.PingSummary}, {@code io.pathprobe.tcp.TcpSummary}).
 */
public final class SummaryLines {
    private SummaryLines() {
    }

    /**
     * The summary of a series of probes of any kind, from the generic figures alone:
     * <pre>
     * --- 10.0.0.53:53 dns probe statistics ---
     * 3 sent, 2 answered, 33.3% not answered (noerror 1, nxdomain 1, timed-out 1), time 2003ms
     * rtt min/avg/max/mdev = 0.061/0.081/0.112/0.019 ms
     * </pre>
     * Answered is {@code OutcomeCategory.ANSWERED}; the parenthesis counts every kind that occurred, in category order
     * ({@code OutcomeType.inCategoryOrder()}). Probes in flight when the series was stopped are not counted (mtr's rule).
     */
    public static List<String> probes(String label, String kind, SummaryFigures f) {
        List<String> lines = new ArrayList<>();
        lines.add("--- " + label + " " + kind + " probe statistics ---");
        long ended = f.sent() - f.inFlight();
        StringBuilder sb = new StringBuilder().append(ended).append(" sent, ").append(f.received())
                .append(" answered, ").append(NumberText.percent1(f.lossPercent())).append(" not answered");
        StringBuilder kinds = new StringBuilder();
        for (OutcomeType t : OutcomeType.inCategoryOrder()) {
            if (f.count(t) > 0) {
                kinds.append(kinds.length() == 0 ? "" : ", ").append(t.label()).append(' ').append(f.count(t));
            }
        }
        if (kinds.length() > 0) {
            sb.append(" (").append(kinds).append(')');
        }
        if (f.inFlight() > 0) {
            sb.append(", ").append(f.inFlight()).append(" in flight when stopped (not counted)");
        }
        lines.add(sb.append(", time ").append(f.elapsedMs()).append("ms").toString());
        if (f.received() > 0) {
            lines.add(rtt(f));
        }
        return lines;
    }

    /**
     * ping's {@code rtt min/avg/max/mdev = a/b/c/d ms}.
     *
     * @throws IllegalArgumentException when nothing was received (there is no RTT to show)
     */
    public static String rtt(SummaryFigures f) {
        if (f.received() == 0 || f.minMs() == null) {
            throw new IllegalArgumentException("no rtt line without a received probe: check received() > 0 first");
        }
        return "rtt min/avg/max/mdev = " + ms3(f.minMs()) + "/" + ms3(f.avgMs()) + "/" + ms3(f.maxMs()) + "/"
                + ms3(f.mdevMs()) + " ms";
    }
}
