package io.pathprobe.cli;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.OutcomeAttribute;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.internal.ResourceLimits;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.core.text.NumberText;
import io.pathprobe.core.text.SummaryFigures;
import io.pathprobe.icmp.EchoReply;
import io.pathprobe.icmp.PingSummary;
import io.pathprobe.tcp.TcpSummary;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The text the commands print: one line per probe, a header per session and a ping-style summary. Pure functions
 * of the outcome and statistics records, so every command formats them the same way; the summaries and number
 * formats themselves are {@code io.pathprobe.core.text}'s, shared with the ticket report.
 */
final class TextFormat {
    private TextFormat() {
    }

    /** An RTT as ping's reply lines show it (three significant digits). */
    static String rtt(long nanos) {
        return NumberText.rttMs(nanos);
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
        // The prober's own line; only the library's advice on a resource that ran out is put in flags here.
        if (o instanceof ProbeOutcome.LocalError e && ResourceLimits.isGaveUp(e)) {
            return "error " + label + ": " + ResourceLimits.gaveUp(e.cause(), "lower --rate");
        }
        return o.line(label);
    }

    /** The TCP connect summary of one session ({@link TcpSummary#lines}). */
    static List<String> tcpSummary(String label, StatsSnapshot s, Duration elapsed) {
        return TcpSummary.lines(label, SummaryFigures.of(s, elapsed.toMillis()));
    }

    /**
     * iputils ping's first line: {@code PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.} for IPv4 (payload, and the
     * IP packet with 20 + 8 bytes of headers), {@code PING ::1(::1) 56 data bytes} for IPv6.
     */
    static String pingHeader(ProbeRequest r, int payloadSize) {
        String a = AddressText.of(r.address());
        if (r.address() instanceof Inet6Address) {
            return "PING " + r.host() + "(" + a + ") " + payloadSize + " data bytes";
        }
        return "PING " + r.host() + " (" + a + ") " + payloadSize + "(" + (payloadSize + 28) + ") bytes of data.";
    }

    /**
     * One line per echo probe, as iputils ping prints it with {@code -n}: replies
     * ({@code 64 bytes from 10.0.0.1: icmp_seq=1 ttl=63 time=0.210 ms}) and ICMP errors
     * ({@code From 10.0.0.2 icmp_seq=1 Destination Net Unreachable}); null for a timeout, which ping does not print.
     */
    static String pingLine(String label, long seq, ProbeOutcome o) {
        return pingLine(label, seq, o, AddressText::of);
    }

    /**
     * {@link #pingLine(String, long, ProbeOutcome)} with the responder shown by {@code who} (ping without
     * {@code -n} shows {@code name (address)}).
     */
    static String pingLine(String label, long seq, ProbeOutcome o, Function<InetAddress, String> who) {
        Integer bytes = o.attribute(EchoReply.BYTES);
        if (o.category() == OutcomeCategory.ANSWERED && bytes != null && o.responder() != null) {
            Integer ttl = o.attribute(OutcomeAttribute.REPLY_TTL);
            return bytes + " bytes from " + who.apply(o.responder()) + ": icmp_seq=" + seq
                    + (ttl != null && ttl >= 0 ? " ttl=" + ttl : "") + " time=" + rtt(o.rttNanos()) + " ms";
        }
        if (o instanceof ProbeOutcome.TtlExceeded t) {
            return "From " + who.apply(t.responder()) + " icmp_seq=" + seq + " "
                    + IputilsText.timeExceeded(t.responder() instanceof Inet6Address, t.icmpCode());
        }
        if (o instanceof ProbeOutcome.Unreachable u) {
            return "From " + (u.responder() != null ? who.apply(u.responder()) : label) + " icmp_seq=" + seq + " "
                    + IputilsText.unreachable(u);
        }
        if (o instanceof ProbeOutcome.TimedOut) {
            return null;
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

    /**
     * A reply with the probe's token but other data than was sent (iputils prints "wrong data byte #N should be
     * 0x.. but was 0x.."): shown, never counted as received.
     */
    static String pingWrongData(String label, long seq, int byteIndex) {
        return "reply from " + label + ": icmp_seq=" + seq + " wrong data byte #" + byteIndex
                + " (damaged on the way; not counted as received)";
    }

    /** A reply that came after its probe's timeout: shown, never counted as received. */
    static String pingLate(String label, long seq, long rttNanos) {
        return "late reply from " + label + ": icmp_seq=" + seq + " time=" + rtt(rttNanos)
                + " ms (after the timeout, not counted as received)";
    }

    /** iputils ping's summary of one session ({@link PingSummary#lines}). */
    static List<String> pingSummary(String host, StatsSnapshot s, Duration elapsed) {
        return PingSummary.lines(host, SummaryFigures.of(s, elapsed.toMillis()));
    }

    /**
     * iputils ping's summary as {@code ping} prints it at its end: the statistics line, then one line that holds
     * whichever of the rtt figures, {@code pipe N} (more than one request was out when one was answered) and, when
     * requests were paced by replies (flood), {@code ipg/ewma} are there, joined by commas, and is empty when none
     * is; late and damaged replies after it.
     *
     * @param time    ping's "time" (first send to last packet), rounded to ms as ping does
     * @param pipe    the most requests out at an answer
     * @param ewmaMs  ping's moving average of the RTTs in ms when requests went as fast as replies came (ping -f,
     *                -i 0), else null
     */
    static List<String> pingSummary(String host, StatsSnapshot s, Duration time, long pipe, Double ewmaMs) {
        long ms = (time.toNanos() + 500_000) / 1_000_000;
        List<String> lines = new java.util.ArrayList<>(PingSummary.lines(host, SummaryFigures.of(s, ms)));
        List<String> parts = new java.util.ArrayList<>();
        int rest = 2;
        if (s.received() > 0) {
            parts.add(lines.get(2));
            rest = 3;
        }
        if (pipe > 1) {
            parts.add("pipe " + pipe);
        }
        if (ewmaMs != null && s.received() > 0 && s.sent() > 1) {
            parts.add("ipg/ewma " + NumberText.ms3(time.toNanos() / 1e6 / (s.sent() - 1)) + "/"
                    + NumberText.ms3(ewmaMs) + " ms");
        }
        List<String> out = new java.util.ArrayList<>(lines.subList(0, 2));
        out.add(String.join(", ", parts));
        out.addAll(lines.subList(rest, lines.size()));
        return out;
    }

    private static String addr(InetAddress a) {
        return AddressText.of(a);
    }
}
