package io.pathprobe.core.text;

import io.pathprobe.core.TestOutcomes;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.stats.ProbeStatistics;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shared summary text, against hand-computed figures (the TCP layout is also checked by probe-cli's tests). */
class SummaryLinesTest {
    private static final InetAddress HOST = InetAddress.getLoopbackAddress();

    @Test
    void pingSummaryAsIputilsPrintsIt() {
        ProbeStatistics stats = new ProbeStatistics();
        // Replies of 1, 2, 4 ms; a fourth probe timed out, a fifth is in flight (ping counts it as lost).
        // loss = 100 * (5 - 3) / 5 = 40; mean = 7/3 = 2.333; mdev = sqrt((1 + 4 + 16) / 3 - (7/3)^2)
        // = sqrt(7 - 5.4444) = sqrt(1.5556) = 1.247 ms
        for (int i = 0; i < 5; i++) {
            stats.recordSent();
        }
        for (long ms : new long[] {1, 2, 4}) {
            stats.recordOutcome(TestOutcomes.answer(ms * 1_000_000, HOST));
        }
        stats.recordOutcome(new ProbeOutcome.TimedOut(2_000_000_000L));
        stats.recordDuplicate();
        assertEquals(List.of(
                "--- 10.0.0.1 ping statistics ---",
                "5 packets transmitted, 3 received, +1 duplicates, 40% packet loss, time 4005ms",
                "rtt min/avg/max/mdev = 1.000/2.333/4.000/1.247 ms"),
                SummaryLines.ping("10.0.0.1", SummaryFigures.of(stats.snapshot(), 4005)));
    }

    @Test
    void pingSummaryWithoutRepliesHasNoRttLine() {
        ProbeStatistics stats = new ProbeStatistics();
        for (int i = 0; i < 3; i++) {
            stats.recordSent();
            stats.recordOutcome(new ProbeOutcome.TimedOut(1_000_000_000L));
        }
        SummaryFigures f = SummaryFigures.of(stats.snapshot(), 3000);
        assertEquals(List.of("--- ::1 ping statistics ---",
                "3 packets transmitted, 0 received, 100% packet loss, time 3000ms"), SummaryLines.ping("::1", f));
        assertThrows(IllegalArgumentException.class, () -> SummaryLines.rtt(f));
    }

    @Test
    void repliesWithWrongDataAreALineOfTheirOwnAndNotReceived() {
        ProbeStatistics stats = new ProbeStatistics();
        for (int i = 0; i < 2; i++) {
            stats.recordSent();
            stats.recordCorrupted();
            stats.recordOutcome(new ProbeOutcome.TimedOut(1_000_000_000L));
        }
        assertEquals(2, stats.snapshot().corrupted());
        assertEquals(List.of("--- h ping statistics ---",
                "2 packets transmitted, 0 received, 100% packet loss, time 2000ms",
                "2 replies carried wrong data (not counted as received)"),
                SummaryLines.ping("h", SummaryFigures.of(stats.snapshot(), 2000)));
    }

    @Test
    void pingLossLikeC() {
        assertEquals("0", NumberText.g(0));
        assertEquals("100", NumberText.g(100));
        assertEquals("0.333333", NumberText.g(100.0 / 300));
        assertEquals("33.3333", NumberText.g(100.0 / 3));
        assertEquals("8", NumberText.g(8.0));
    }

    @Test
    void millisecondsAndPercent() {
        assertEquals("0.052", NumberText.rttMs(52_000));
        assertEquals("1.23", NumberText.rttMs(1_234_000));
        assertEquals("123", NumberText.rttMs(123_456_000));
        assertEquals("0.065", NumberText.ms3(0.065));
        assertEquals("12.3", NumberText.ms1(12.34));
        assertEquals("12.5%", NumberText.percent1(12.5));
        assertEquals("100.0%", NumberText.percent1(100));
    }

    @Test
    void oneRetransmittedConnectIsSingular() {
        ProbeStatistics stats = new ProbeStatistics();
        stats.recordSent();
        stats.recordOutcome(TestOutcomes.answer(1_000_000_000L, HOST, 1));
        List<String> l = SummaryLines.tcpConnect("h:80", SummaryFigures.of(stats.snapshot(), 1001));
        assertEquals("SYN retransmits: 1 connect needed retransmission (1 total)", l.get(l.size() - 1));
    }
}
