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
     * iputils ping's summary, e.g.
     * <pre>
     * --- 10.0.0.1 ping statistics ---
     * 10 packets transmitted, 9 received, 10% packet loss, time 9012ms
     * rtt min/avg/max/mdev = 0.050/0.061/0.080/0.011 ms
     * </pre>
     * The loss is ping's own: every probe sent counts, in flight or not (mtr's Loss% leaves those out).
     */
    public static List<String> ping(String host, SummaryFigures f) {
        List<String> out = new ArrayList<>();
        out.add("--- " + host + " ping statistics ---");
        double loss = f.sent() == 0 ? 0 : 100.0 * (f.sent() - f.received()) / f.sent();
        out.add(f.sent() + " packets transmitted, " + f.received() + " received, "
                + (f.duplicates() > 0 ? "+" + f.duplicates() + " duplicates, " : "")
                + NumberText.g(loss) + "% packet loss, time " + f.elapsedMs() + "ms");
        if (f.received() > 0) {
            out.add(rtt(f));
        }
        return out;
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
