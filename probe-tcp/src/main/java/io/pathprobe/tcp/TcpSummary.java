package io.pathprobe.tcp;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.text.NumberText;
import io.pathprobe.core.text.SummaryFigures;
import io.pathprobe.core.text.SummaryLines;

import java.util.ArrayList;
import java.util.List;

/**
 * The summary of a series of TCP connects, in ping's layout with paping's counts: what {@code pathprobe tcp} and
 * the ticket's summary.txt print, from the generic {@link SummaryFigures}.
 */
public final class TcpSummary {
    private TcpSummary() {
    }

    /**
     * The TCP connect summary in ping's layout, with paping's counts, e.g.
     * <pre>
     * --- 10.0.0.1:80 tcp connect statistics ---
     * 4 attempted, 4 connected, 0 failed (0.0% failed), 0 refused, 0 timed out, 0 unreachable, time 3004ms
     * rtt min/avg/max/mdev = 0.050/0.061/0.080/0.011 ms
     * </pre>
     * Probes still in flight when the series was stopped are not attempts (mtr's rule) and are counted apart; a
     * last line counts connects that needed a SYN retransmission (hidden loss), when there were any.
     */
    public static List<String> lines(String label, SummaryFigures f) {
        List<String> lines = new ArrayList<>();
        lines.add("--- " + label + " tcp connect statistics ---");
        long attempted = f.sent() - f.inFlight();
        StringBuilder sb = new StringBuilder();
        sb.append(attempted).append(" attempted, ")
                .append(f.received()).append(" connected, ")
                .append(attempted - f.received()).append(" failed (")
                .append(NumberText.percent1(f.lossPercent())).append(" failed), ")
                .append(f.count(OutcomeType.REFUSED)).append(" refused, ")
                .append(f.count(OutcomeType.TIMED_OUT)).append(" timed out, ")
                .append(f.count(OutcomeType.UNREACHABLE)).append(" unreachable");
        if (f.count(OutcomeType.LOCAL_ERROR) > 0) {
            sb.append(", ").append(f.count(OutcomeType.LOCAL_ERROR)).append(" errors");
        }
        if (f.inFlight() > 0) {
            sb.append(", ").append(f.inFlight()).append(" in flight when stopped (not counted)");
        }
        sb.append(", time ").append(f.elapsedMs()).append("ms");
        lines.add(sb.toString());
        if (f.received() > 0) {
            lines.add(SummaryLines.rtt(f));
        }
        if (f.retransmittedConnects() > 0) {
            lines.add("SYN retransmits: " + f.retransmittedConnects()
                    + (f.retransmittedConnects() == 1 ? " connect needed" : " connects needed")
                    + " retransmission (" + f.synRetransmits() + " total)");
        }
        return lines;
    }
}
