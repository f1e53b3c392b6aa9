package io.pathprobe.cli;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.stats.StatsSnapshot;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text the commands print: one line per probe, a header per session and a ping-style summary. Pure functions
 * of the outcome and statistics records, so every command formats them the same way.
 */
final class TextFormat {
    private TextFormat() {
    }

    /**
     * An RTT in milliseconds with three significant digits as ping shows it: {@code 0.052}, {@code 1.23},
     * {@code 12.3}, {@code 123}.
     */
    static String rtt(long nanos) {
        double ms = nanos / 1e6;
        int decimals = ms < 1 ? 3 : ms < 10 ? 2 : ms < 100 ? 1 : 0;
        return String.format(Locale.ROOT, "%." + decimals + "f", ms);
    }

    /** Milliseconds with three decimals, as ping's summary shows them. */
    static String ms3(double nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    /** What a session is about to do, e.g. {@code TCP connect to localhost:80 (127.0.0.1): 4 probes, 1 s apart, timeout 2 s}. */
    static String header(String what, ProbeRequest r, SessionPlan plan) {
        StringBuilder sb = new StringBuilder(what).append(" to ").append(r.targetLabel());
        if (r.address() != null && !HostResolver.isLiteral(r.host())) {
            sb.append(" (").append(AddressText.of(r.address())).append(')');
        }
        if (!"local".equals(r.vantagePoint().id())) {
            sb.append(" from ").append(r.vantagePoint().id());
        }
        sb.append(": ");
        if (plan.count() > 0) {
            sb.append(plan.count()).append(plan.count() == 1 ? " probe" : " probes");
        } else {
            sb.append(plan.deadline().isZero() ? "until Ctrl-C" : "until the deadline");
        }
        sb.append(", ").append(Durations.format(plan.interval())).append(" apart, timeout ")
                .append(Durations.format(r.timeout()));
        if (!plan.deadline().isZero()) {
            sb.append(", deadline ").append(Durations.format(plan.deadline()));
        }
        return sb.toString();
    }

    /**
     * One line for one probe's outcome, e.g. {@code connected to 10.0.0.1:80 time=0.210 ms}. Lines name the target
     * (several run at once) but not the probe number: the JSON report has it.
     */
    static String outcome(String label, ProbeOutcome o) {
        if (o instanceof ProbeOutcome.Connected c) {
            String line = "connected to " + label + " time=" + rtt(c.rttNanos()) + " ms";
            return c.synRetransmits() > 0 ? line + " (SYN retransmitted " + c.synRetransmits() + "x)" : line;
        }
        if (o instanceof ProbeOutcome.Refused r) {
            return "refused by " + label + (r.rttNanos() >= 0 ? " time=" + rtt(r.rttNanos()) + " ms" : "");
        }
        if (o instanceof ProbeOutcome.TimedOut t) {
            return "timeout " + label + " after " + Math.round(t.timeoutNanos() / 1e6) + " ms";
        }
        if (o instanceof ProbeOutcome.Unreachable u) {
            // The description without the responder, which the line names itself.
            String what = IcmpCodes.describeUnreachable(null, u.icmpType(), u.icmpCode(), u.mtu(), u.cause());
            return "unreachable " + label + (u.responder() != null ? " from " + addr(u.responder()) : "") + " (" + what + ")";
        }
        if (o instanceof ProbeOutcome.Reply r) {
            return "reply from " + label + (r.ttl() >= 0 ? " ttl=" + r.ttl() : "") + " time=" + rtt(r.rttNanos()) + " ms";
        }
        if (o instanceof ProbeOutcome.TtlExceeded t) {
            return "ttl exceeded " + label + " from " + addr(t.responder()) + " time=" + rtt(t.rttNanos()) + " ms";
        }
        ProbeOutcome.LocalError e = (ProbeOutcome.LocalError) o;
        String cause = e.cause() == null || e.message().contains(e.cause().message()) ? "" : " (" + e.cause() + ")";
        return "error " + label + ": " + e.message() + cause;
    }

    /**
     * The summary of one session in ping's layout, e.g.
     * <pre>
     * --- 10.0.0.1:80 tcp connect statistics ---
     * 4 attempted, 4 connected, 0 failed (0.0% failed), 0 refused, 0 timed out, 0 unreachable, time 3004ms
     * rtt min/avg/max/mdev = 0.050/0.061/0.080/0.011 ms
     * </pre>
     * Probes still in flight when a session was stopped are not attempts (mtr's rule) and are counted apart.
     */
    static List<String> tcpSummary(String label, StatsSnapshot s, Duration elapsed) {
        List<String> lines = new ArrayList<>();
        lines.add("--- " + label + " tcp connect statistics ---");
        long attempted = s.sent() - s.inFlight();
        StringBuilder sb = new StringBuilder();
        sb.append(attempted).append(" attempted, ")
                .append(s.received()).append(" connected, ")
                .append(attempted - s.received()).append(" failed (")
                .append(String.format(Locale.ROOT, "%.1f", s.lossPercent())).append("% failed), ")
                .append(s.count(OutcomeType.REFUSED)).append(" refused, ")
                .append(s.count(OutcomeType.TIMED_OUT)).append(" timed out, ")
                .append(s.count(OutcomeType.UNREACHABLE)).append(" unreachable");
        if (s.count(OutcomeType.LOCAL_ERROR) > 0) {
            sb.append(", ").append(s.count(OutcomeType.LOCAL_ERROR)).append(" errors");
        }
        if (s.inFlight() > 0) {
            sb.append(", ").append(s.inFlight()).append(" in flight when stopped (not counted)");
        }
        sb.append(", time ").append(elapsed.toMillis()).append("ms");
        lines.add(sb.toString());
        if (s.received() > 0) {
            lines.add(rttLine(s));
        }
        if (s.retransmittedConnects() > 0) {
            lines.add("SYN retransmits: " + s.retransmittedConnects()
                    + (s.retransmittedConnects() == 1 ? " connect needed" : " connects needed")
                    + " retransmission (" + s.synRetransmits() + " total)");
        }
        return lines;
    }

    /**
     * iputils ping's first line: {@code PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.} for IPv4 (payload, and the
     * IP packet with 20 + 8 bytes of headers), {@code PING ::1(::1) 56 data bytes} for IPv6.
     */
    static String pingHeader(ProbeRequest r, int payloadSize) {
        String a = AddressText.of(r.address());
        if (r.address() instanceof java.net.Inet6Address) {
            return "PING " + r.host() + "(" + a + ") " + payloadSize + " data bytes";
        }
        return "PING " + r.host() + " (" + a + ") " + payloadSize + "(" + (payloadSize + 28) + ") bytes of data.";
    }

    /**
     * One line per echo probe: replies exactly as ping -n prints them
     * ({@code 64 bytes from 10.0.0.1: icmp_seq=1 ttl=63 time=0.210 ms}); ICMP errors as ping's {@code From ...}
     * lines with our wording of the code; timeouts (which ping does not print) as {@code no answer from ...}.
     */
    static String pingLine(String label, long seq, ProbeOutcome o) {
        if (o instanceof ProbeOutcome.Reply r) {
            return r.bytes() + " bytes from " + addr(r.responder()) + ": icmp_seq=" + seq
                    + (r.ttl() >= 0 ? " ttl=" + r.ttl() : "") + " time=" + rtt(r.rttNanos()) + " ms";
        }
        if (o instanceof ProbeOutcome.TtlExceeded t) {
            return "From " + addr(t.responder()) + " icmp_seq=" + seq + " Time to live exceeded";
        }
        if (o instanceof ProbeOutcome.Unreachable u) {
            String what = IcmpCodes.describeUnreachable(null, u.icmpType(), u.icmpCode(), u.mtu(), u.cause());
            return "From " + (u.responder() != null ? addr(u.responder()) : "this host") + " icmp_seq=" + seq
                    + " Destination unreachable: " + what + " (to " + label + ")";
        }
        if (o instanceof ProbeOutcome.TimedOut t) {
            return "no answer from " + label + " for icmp_seq=" + seq + " within "
                    + Durations.format(Duration.ofNanos(t.timeoutNanos()));
        }
        if (o instanceof ProbeOutcome.LocalError) {
            return outcome(label, o).replaceFirst("^error " + java.util.regex.Pattern.quote(label) + ":",
                    "error " + label + " icmp_seq=" + seq + ":");
        }
        return outcome(label, o) + " icmp_seq=" + seq;
    }

    /** A further reply to an answered probe, marked as ping marks it. */
    static String pingDuplicate(String label, long seq) {
        return "reply from " + label + ": icmp_seq=" + seq + " (DUP!)";
    }

    /** A reply that came after its probe's timeout: shown, never counted as received. */
    static String pingLate(String label, long seq, long rttNanos) {
        return "late reply from " + label + ": icmp_seq=" + seq + " time=" + rtt(rttNanos)
                + " ms (after the timeout, not counted as received)";
    }

    /**
     * iputils ping's summary, exactly:
     * <pre>
     * --- 10.0.0.1 ping statistics ---
     * 4 packets transmitted, 4 received, +1 duplicates, 0% packet loss, time 3004ms
     * rtt min/avg/max/mdev = 0.050/0.061/0.080/0.011 ms
     * </pre>
     * {@code +N duplicates} and {@code +N errors} (ICMP errors and local errors) appear only when not zero; the
     * loss counts every probe not answered, in flight ones too, printed as C's {@code %g}; the rtt line appears
     * when something was received. Late replies, which ping does not have, get a line of their own when any came.
     */
    static List<String> pingSummary(String host, StatsSnapshot s, Duration elapsed) {
        List<String> lines = new ArrayList<>();
        lines.add("--- " + host + " ping statistics ---");
        StringBuilder sb = new StringBuilder();
        sb.append(s.sent()).append(" packets transmitted, ").append(s.received()).append(" received");
        if (s.duplicates() > 0) {
            sb.append(", +").append(s.duplicates()).append(" duplicates");
        }
        long errors = pingErrors(s);
        if (errors > 0) {
            sb.append(", +").append(errors).append(" errors");
        }
        if (s.sent() > 0) {
            sb.append(", ").append(percentG(s.pingLossPercent())).append("% packet loss, time ")
                    .append(elapsed.toMillis()).append("ms");
        }
        lines.add(sb.toString());
        if (s.received() > 0) {
            lines.add(rttLine(s));
        }
        if (s.late() > 0) {
            lines.add(s.late() + (s.late() == 1 ? " reply" : " replies") + " came after the timeout (not counted as received)");
        }
        return lines;
    }

    /** What ping counts as errors: ICMP errors about our probes, and probes that could not be sent. */
    static long pingErrors(StatsSnapshot s) {
        return s.count(OutcomeType.TTL_EXCEEDED) + s.count(OutcomeType.UNREACHABLE) + s.count(OutcomeType.LOCAL_ERROR);
    }

    /** A number as C's {@code printf("%g")} prints it: 6 significant digits, no trailing zeros (0, 25, 33.3333, 100). */
    static String percentG(double v) {
        if (v == 0) {
            return "0";
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** ping's {@code rtt min/avg/max/mdev = a/b/c/d ms}; only meaningful when something was received. */
    static String rttLine(StatsSnapshot s) {
        return "rtt min/avg/max/mdev = " + ms3(s.bestNanos()) + "/" + ms3(s.avgNanos()) + "/"
                + ms3(s.worstNanos()) + "/" + ms3(s.mdevNanos()) + " ms";
    }

    private static String addr(InetAddress a) {
        return AddressText.of(a);
    }
}
