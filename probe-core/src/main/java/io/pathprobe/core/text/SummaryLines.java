package io.pathprobe.core.text;

import io.pathprobe.core.OutcomeType;

import java.util.ArrayList;
import java.util.List;

import static io.pathprobe.core.text.NumberText.ms3;

/** The summary of a series of probes, in the layout of iputils ping's statistics. */
public final class SummaryLines {
    private SummaryLines() {
    }

    /**
     * iputils ping's summary, exactly:
     * <pre>
     * --- 10.0.0.1 ping statistics ---
     * 4 packets transmitted, 4 received, +1 duplicates, 0% packet loss, time 3004ms
     * rtt min/avg/max/mdev = 0.050/0.061/0.080/0.011 ms
     * </pre>
     * {@code +N duplicates} and {@code +N errors} ({@link SummaryFigures#pingErrors()}) appear only when not zero;
     * the loss is ping's own, every probe not answered counting, in flight ones too (mtr's Loss% leaves those out),
     * printed as C's {@code %g}; the rtt line appears when something was received. Late replies, which ping does
     * not have, get a line of their own when any came; so do replies with wrong data (iputils prints them as
     * "wrong data byte" and counts them as received; here they are not received).
     */
    public static List<String> ping(String host, SummaryFigures f) {
        List<String> lines = new ArrayList<>();
        lines.add("--- " + host + " ping statistics ---");
        StringBuilder sb = new StringBuilder();
        sb.append(f.sent()).append(" packets transmitted, ").append(f.received()).append(" received");
        if (f.duplicates() > 0) {
            sb.append(", +").append(f.duplicates()).append(" duplicates");
        }
        if (f.pingErrors() > 0) {
            sb.append(", +").append(f.pingErrors()).append(" errors");
        }
        if (f.sent() > 0) {
            double loss = 100.0 * (f.sent() - f.received()) / f.sent();
            sb.append(", ").append(NumberText.g(loss)).append("% packet loss, time ").append(f.elapsedMs()).append("ms");
        }
        lines.add(sb.toString());
        if (f.received() > 0) {
            lines.add(rtt(f));
        }
        if (f.late() > 0) {
            lines.add(f.late() + (f.late() == 1 ? " reply" : " replies") + " came after the timeout (not counted as received)");
        }
        if (f.corrupted() > 0) {
            lines.add(f.corrupted() + (f.corrupted() == 1 ? " reply" : " replies")
                    + " carried wrong data (not counted as received)");
        }
        return lines;
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
    public static List<String> tcpConnect(String label, SummaryFigures f) {
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
            lines.add(rtt(f));
        }
        if (f.retransmittedConnects() > 0) {
            lines.add("SYN retransmits: " + f.retransmittedConnects()
                    + (f.retransmittedConnects() == 1 ? " connect needed" : " connects needed")
                    + " retransmission (" + f.synRetransmits() + " total)");
        }
        return lines;
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
