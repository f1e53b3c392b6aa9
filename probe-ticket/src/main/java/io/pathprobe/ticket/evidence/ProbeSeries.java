package io.pathprobe.ticket.evidence;

import java.util.List;
import java.util.Objects;

/**
 * A repeated check from one vantage point: the sustained ping ({@code check = "ping"}, port 0) or the TCP connect
 * check of one port ({@code check = "tcp"}).
 *
 * @param check            {@code "ping"} or {@code "tcp"}
 * @param target           the address probed
 * @param port             the port (TCP), or 0
 * @param stats            the statistics at the end
 * @param samples          every probe in time order, up to a cap (see {@code samplesDropped})
 * @param samplesDropped   samples left out of {@code samples} after the cap (the statistics still count them)
 */
public record ProbeSeries(String check, String target, int port, SeriesStats stats, List<Sample> samples,
                          long samplesDropped) {
    public static final String PING = "ping";
    public static final String TCP = "tcp";

    public ProbeSeries {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(stats, "stats");
        samples = samples == null ? List.of() : List.copyOf(samples);
    }

    /** E.g. {@code ping 10.0.0.1} or {@code tcp 10.0.0.1:443}. */
    public String label() {
        String t = target.indexOf(':') >= 0 && port != 0 ? "[" + target + "]" : target;
        return check + " " + (port == 0 ? t : t + ":" + port);
    }
}
