package io.pathprobe.icmp;

import io.pathprobe.core.text.NumberText;
import io.pathprobe.core.text.SummaryFigures;
import io.pathprobe.core.text.SummaryLines;

import java.util.ArrayList;
import java.util.List;

/**
 * ping's summary of a series of echoes, as iputils prints it: what {@code pathprobe ping} and the ticket's
 * summary.txt print, from the generic {@link SummaryFigures}.
 */
public final class PingSummary {
    private PingSummary() {
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
    public static List<String> lines(String host, SummaryFigures f) {
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
            lines.add(SummaryLines.rtt(f));
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
}
