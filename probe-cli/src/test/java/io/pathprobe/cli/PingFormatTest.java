package io.pathprobe.cli;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.stats.ProbeStatistics;
import io.pathprobe.icmp.EchoReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** pathprobe ping's text (iputils ping's layout) and target expansion: pure, no network. */
class PingFormatTest {
    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void headersAsPingPrintsThem() throws Exception {
        assertEquals("PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.",
                TextFormat.pingHeader(ProbeRequest.builder("icmp").target(ip("10.0.0.1")).build(), 56));
        assertEquals("PING example.org (192.0.2.7) 100(128) bytes of data.",
                TextFormat.pingHeader(ProbeRequest.builder("icmp").target("example.org", ip("192.0.2.7")).build(), 100));
        assertEquals("PING ::1(::1) 56 data bytes",
                TextFormat.pingHeader(ProbeRequest.builder("icmp").target("::1", ip("::1")).build(), 56));
    }

    @Test
    void linesPerOutcome() throws Exception {
        assertEquals("64 bytes from 10.0.0.1: icmp_seq=1 ttl=63 time=0.210 ms",
                TextFormat.pingLine("10.0.0.1", 1, new EchoReply(210_000, ip("10.0.0.1"), 63, 64)));
        assertEquals("64 bytes from fd00::1: icmp_seq=7 time=12.3 ms",
                TextFormat.pingLine("fd00::1", 7, new EchoReply(12_345_000, ip("fd00::1"), -1, 64)));
        assertEquals("From 10.0.0.2 icmp_seq=2 Time to live exceeded",
                TextFormat.pingLine("10.0.0.1", 2, new ProbeOutcome.TtlExceeded(1_000_000, ip("10.0.0.2"), 0)));
        assertEquals("From 10.0.0.2 icmp_seq=3 Packet filtered",
                TextFormat.pingLine("10.0.0.1", 3, new ProbeOutcome.Unreachable(1_000_000, ip("10.0.0.2"), 3, 13, 0, null)));
        assertEquals(null, TextFormat.pingLine("10.0.0.1", 4, new ProbeOutcome.TimedOut(2_000_000_000L)),
                "ping prints nothing for a request that was not answered (-O does, at the next send)");
        assertEquals("error 10.0.0.1 icmp_seq=5: engine closed",
                TextFormat.pingLine("10.0.0.1", 5, new ProbeOutcome.LocalError("engine closed", null)));
        assertEquals("reply from 10.0.0.1: icmp_seq=6 (DUP!)", TextFormat.pingDuplicate("10.0.0.1", 6));
    }

    static Stream<Arguments> icmpErrorsInIputilsWords() throws Exception {
        InetAddress r4 = ip("10.0.0.2");
        InetAddress r6 = ip("fd00::2");
        return Stream.of(
                arguments("From 10.0.0.2 icmp_seq=1 Destination Net Unreachable",
                        new ProbeOutcome.Unreachable(1, r4, 3, 0, 0, null)),
                arguments("From 10.0.0.2 icmp_seq=1 Destination Host Unreachable",
                        new ProbeOutcome.Unreachable(1, r4, 3, 1, 0, null)),
                arguments("From 10.0.0.2 icmp_seq=1 Destination Port Unreachable",
                        new ProbeOutcome.Unreachable(1, r4, 3, 3, 0, null)),
                arguments("From 10.0.0.2 icmp_seq=1 Frag needed and DF set (mtu = 1400)",
                        new ProbeOutcome.Unreachable(1, r4, 3, 4, 1400, null)),
                arguments("From 10.0.0.2 icmp_seq=1 Dest Unreachable, Bad Code: 16",
                        new ProbeOutcome.Unreachable(1, r4, 3, 16, 0, null)),
                arguments("From 10.0.0.2 icmp_seq=1 Frag reassembly time exceeded",
                        new ProbeOutcome.TtlExceeded(1, r4, 1)),
                arguments("From fd00::2 icmp_seq=1 Destination unreachable: Address unreachable",
                        new ProbeOutcome.Unreachable(1, r6, 1, 3, 0, null)),
                arguments("From fd00::2 icmp_seq=1 Destination unreachable: Administratively prohibited",
                        new ProbeOutcome.Unreachable(1, r6, 1, 1, 0, null)),
                arguments("From fd00::2 icmp_seq=1 Packet too big: mtu=1280",
                        new ProbeOutcome.Unreachable(1, r6, 2, 0, 1280, null)),
                arguments("From fd00::2 icmp_seq=1 Time exceeded: Hop limit",
                        new ProbeOutcome.TtlExceeded(1, r6, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void icmpErrorsInIputilsWords(String line, ProbeOutcome error) {
        assertEquals(line, TextFormat.pingLine("t", 1, error));
    }

    @Test
    void patternBytesAsPingReadsThem() {
        assertEquals("ff00", PingLines.patternBytes("ff00"));
        assertEquals("ff0f", PingLines.patternBytes("fff"), "pairs from the left, as ping reads -p");
    }

    @Test
    void summaryLineAfterTheCountsAsPingEndsIt() throws Exception {
        ProbeStatistics s = new ProbeStatistics();
        for (int i = 0; i < 3; i++) {
            s.recordSent();
        }
        s.recordOutcome(new ProbeOutcome.TimedOut(2_000_000_000L));
        s.recordOutcome(new ProbeOutcome.TimedOut(2_000_000_000L));
        s.recordOutcome(new ProbeOutcome.Unreachable(1_000_000, ip("10.0.0.2"), 3, 1, 0, null));
        assertEquals(List.of("--- h ping statistics ---",
                "3 packets transmitted, 0 received, +1 errors, 100% packet loss, time 2000ms", "pipe 2"),
                TextFormat.pingSummary("h", s.snapshot(), Duration.ofNanos(1_999_500_000L), 2, null),
                "no rtt: the pipe alone; time rounded to ms as ping does");
        assertEquals(List.of("--- h ping statistics ---",
                "3 packets transmitted, 0 received, +1 errors, 100% packet loss, time 1ms", ""),
                TextFormat.pingSummary("h", s.snapshot(), Duration.ofNanos(1_499_999), 1, null),
                "nothing to show: ping's empty line");
        ProbeStatistics f = new ProbeStatistics();
        for (int i = 0; i < 3; i++) {
            f.recordSent();
            f.recordOutcome(new EchoReply(1_000_000, ip("10.0.0.1"), 64, 64));
        }
        assertEquals(List.of("--- h ping statistics ---",
                "3 packets transmitted, 3 received, 0% packet loss, time 4ms",
                "rtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms, ipg/ewma 2.000/1.000 ms"),
                TextFormat.pingSummary("h", f.snapshot(), Duration.ofMillis(4), 1, 1.0),
                "flood: the gap between requests (time over sent - 1) and the moving average");
    }

    @Test
    void summaryExactlyAsIputils() throws Exception {
        ProbeStatistics s = new ProbeStatistics();
        for (int i = 0; i < 4; i++) {
            s.recordSent();
        }
        s.recordOutcome(new EchoReply(1_000_000, ip("10.0.0.1"), 64, 64));
        s.recordOutcome(new EchoReply(2_000_000, ip("10.0.0.1"), 64, 64));
        s.recordOutcome(new EchoReply(3_000_000, ip("10.0.0.1"), 64, 64));
        s.recordOutcome(new ProbeOutcome.TimedOut(2_000_000_000L));
        s.recordDuplicate();
        s.recordDuplicate();
        assertEquals(List.of("--- 10.0.0.1 ping statistics ---",
                "4 packets transmitted, 3 received, +2 duplicates, 25% packet loss, time 3004ms",
                "rtt min/avg/max/mdev = 1.000/2.000/3.000/0.816 ms"),
                TextFormat.pingSummary("10.0.0.1", s.snapshot(), Duration.ofMillis(3004)));

        ProbeStatistics e = new ProbeStatistics();
        for (int i = 0; i < 3; i++) {
            e.recordSent();
        }
        e.recordOutcome(new ProbeOutcome.Unreachable(1_000_000, ip("10.0.0.2"), 3, 1, 0, null));
        e.recordOutcome(new ProbeOutcome.TtlExceeded(1_000_000, ip("10.0.0.2"), 0));
        e.recordLate();
        assertEquals(List.of("--- h ping statistics ---",
                "3 packets transmitted, 0 received, +2 errors, 100% packet loss, time 2001ms",
                "1 reply came after the timeout (not counted as received)"),
                TextFormat.pingSummary("h", e.snapshot(), Duration.ofMillis(2001)));
    }

    @Test
    void rangesExpandLikeFpingG() {
        assertEquals(List.of("10.9.0.1", "10.9.0.2", "10.9.0.3", "10.9.0.4", "10.9.0.5", "10.9.0.6"),
                PingTargets.expand(List.of("10.9.0.0/29"), 100));
        assertEquals(List.of("10.9.0.8", "10.9.0.9"), PingTargets.expand(List.of("10.9.0.8/31"), 100));
        assertEquals(List.of("10.9.0.7"), PingTargets.expand(List.of("10.9.0.7/32"), 100));
        assertEquals(List.of("10.9.0.1", "::1", "example.org", "10.9.0.2"),
                PingTargets.expand(List.of("10.9.0.1", "::1", "example.org", "10.9.0.0/30", "::1"), 100),
                "in order, duplicates once");
        assertEquals(254, PingTargets.expand(List.of("10.9.1.0/24"), 254).size());
        UsageException e = assertThrows(UsageException.class, () -> PingTargets.expand(List.of("10.9.1.0/24"), 253));
        assertTrue(e.getMessage().contains("more than --max-targets 253"), e.getMessage());
    }
}
