package io.pathprobe.cli;

import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.core.stats.ProbeStatistics;
import io.pathprobe.tcp.TcpConnected;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Formatting of outcome records and statistics: pure data, no network (addresses are literals). */
class TextFormatTest {
    private static final String T = "10.0.0.1:80";

    @Test
    void connected() throws Exception {
        assertEquals("connected to 10.0.0.1:80 time=0.210 ms",
                TextFormat.outcome(T, new TcpConnected(210_000, ip("10.0.0.1"), 0, "")));
        assertEquals("connected to 10.0.0.1:80 time=1003 ms (SYN retransmitted 1x)",
                TextFormat.outcome(T, new TcpConnected(1_003_000_000, ip("10.0.0.1"), 1, "")));
        // -1: the transport cannot tell (NIO); nothing to say
        assertEquals("connected to 10.0.0.1:80 time=0.210 ms",
                TextFormat.outcome(T, new TcpConnected(210_000, ip("10.0.0.1"), -1, "")));
    }

    @Test
    void aLastingShortageNamesWhatRanOutTheLimitAndTheFlag() {
        ErrnoCause emfile = new ErrnoCause(24, "EMFILE", "Too many open files");
        ProbeOutcome.LocalError e = new ProbeOutcome.LocalError(
                io.pathprobe.core.internal.ResourceLimits.gaveUp(emfile), emfile);
        String line = TextFormat.outcome(T, e);
        long limit = io.pathprobe.core.internal.ResourceLimits.openFileLimit();
        assertEquals("error 10.0.0.1:80: out of file descriptors (EMFILE: this process may open " + limit
                + ", ulimit -n), and no probe ended within 5 s to free any: lower --rate, or raise the limit (ulimit -n)",
                line);
    }

    @Test
    void refusedTimedOutUnreachableError() throws Exception {
        assertEquals("refused by 10.0.0.1:80 time=0.100 ms", TextFormat.outcome(T,
                new ProbeOutcome.Refused(100_000, ip("10.0.0.1"), new ErrnoCause(111, "ECONNREFUSED", "Connection refused"))));
        assertEquals("timeout 10.0.0.1:80 after 2000 ms",
                TextFormat.outcome(T, new ProbeOutcome.TimedOut(2_000_000_000L)));
        assertEquals("unreachable 10.0.0.1:80 from 10.0.0.2 (host unreachable)", TextFormat.outcome(T,
                new ProbeOutcome.Unreachable(1_000_000, ip("10.0.0.2"), 3, 1, 0, null)));
        assertEquals("unreachable 10.0.0.1:80 (no route to host)", TextFormat.outcome(T,
                new ProbeOutcome.Unreachable(-1, null, -1, -1, 0, new ErrnoCause(113, "EHOSTUNREACH", "No route to host"))));
        assertEquals("error 10.0.0.1:80: cannot bind (EADDRNOTAVAIL (Cannot assign requested address))",
                TextFormat.outcome(T, new ProbeOutcome.LocalError("cannot bind",
                        new ErrnoCause(99, "EADDRNOTAVAIL", "Cannot assign requested address"))));
        assertEquals("error 10.0.0.1:80: engine closed",
                TextFormat.outcome(T, new ProbeOutcome.LocalError("engine closed", null)));
    }

    @Test
    void summaryLikePingWithMdev() throws Exception {
        ProbeStatistics stats = new ProbeStatistics();
        // 0.050, 0.060, 0.070, 0.080 ms: mean 0.065; mdev = sqrt(mean of squares - mean^2)
        // = sqrt((25 + 36 + 49 + 64) / 4 - 42.25) * 0.01 = sqrt(1.25) * 0.01 = 0.01118 ms
        for (long us : new long[] {50, 60, 70, 80}) {
            stats.recordSent();
            stats.recordOutcome(new TcpConnected(us * 1000, ip("10.0.0.1"), 0, ""));
        }
        assertEquals(List.of(
                "--- 10.0.0.1:80 tcp connect statistics ---",
                "4 attempted, 4 connected, 0 failed (0.0% failed), 0 refused, 0 timed out, 0 unreachable, time 3004ms",
                "rtt min/avg/max/mdev = 0.050/0.065/0.080/0.011 ms"),
                TextFormat.tcpSummary(T, stats.snapshot(), Duration.ofMillis(3004)));
    }

    @Test
    void summaryWithFailuresRetransmitsAndInFlight() throws Exception {
        ProbeStatistics stats = new ProbeStatistics();
        for (int i = 0; i < 5; i++) {
            stats.recordSent();
        }
        stats.recordOutcome(new TcpConnected(1_000_000, ip("10.0.0.1"), 2, ""));
        stats.recordOutcome(new ProbeOutcome.Refused(100_000, ip("10.0.0.1"), null));
        stats.recordOutcome(new ProbeOutcome.TimedOut(2_000_000_000L));
        stats.recordOutcome(new ProbeOutcome.LocalError("x", null));
        // one left in flight: not an attempt, so 1 of 4 connected = 75.0% failed
        assertEquals(List.of(
                "--- 10.0.0.1:80 tcp connect statistics ---",
                "4 attempted, 1 connected, 3 failed (75.0% failed), 1 refused, 1 timed out, 0 unreachable, 1 errors, "
                        + "1 in flight when stopped (not counted), time 5000ms",
                "rtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms",
                "SYN retransmits: 1 connect needed retransmission (2 total)"),
                TextFormat.tcpSummary(T, stats.snapshot(), Duration.ofSeconds(5)));
    }

    @Test
    void summaryWithoutConnectsHasNoRttLine() {
        ProbeStatistics stats = new ProbeStatistics();
        stats.recordSent();
        stats.recordOutcome(new ProbeOutcome.TimedOut(2_000_000_000L));
        assertEquals(List.of(
                "--- [::1]:22 tcp connect statistics ---",
                "1 attempted, 0 connected, 1 failed (100.0% failed), 0 refused, 1 timed out, 0 unreachable, time 2001ms"),
                TextFormat.tcpSummary("[::1]:22", stats.snapshot(), Duration.ofMillis(2001)));
    }

    @Test
    void headerNamesAddressVantageAndPlan() throws Exception {
        ProbeRequest byName = ProbeRequest.builder("tcp").target("localhost", ip("127.0.0.1")).port(80).build();
        assertEquals("TCP connect to localhost:80 (127.0.0.1): 4 probes, 1 s apart, timeout 2 s",
                TextFormat.header("TCP connect", byName, SessionPlan.count(4)));
        ProbeRequest v6 = ProbeRequest.builder("tcp").target("::1", ip("::1")).port(22).timeout(Duration.ofMillis(500))
                .vantagePoint(VantagePoint.fromAddress(ip("::1"))).build();
        assertEquals("TCP connect to [::1]:22 from src:::1: until the deadline, 0.2 s apart, "
                        + "timeout 0.5 s, deadline 30 s",
                TextFormat.header("TCP connect", v6,
                        new SessionPlan(0, Duration.ofMillis(200), Duration.ofSeconds(30))));
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
