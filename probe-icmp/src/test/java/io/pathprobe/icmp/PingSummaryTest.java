package io.pathprobe.icmp;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.stats.ProbeStatistics;
import io.pathprobe.core.text.SummaryFigures;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ping's summary, against hand-computed figures (the CLI's tests check it beside iputils ping). */
class PingSummaryTest {
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
            stats.recordOutcome(new EchoReply(ms * 1_000_000, HOST, 64, 64));
        }
        stats.recordOutcome(new ProbeOutcome.TimedOut(2_000_000_000L));
        stats.recordDuplicate();
        assertEquals(List.of(
                "--- 10.0.0.1 ping statistics ---",
                "5 packets transmitted, 3 received, +1 duplicates, 40% packet loss, time 4005ms",
                "rtt min/avg/max/mdev = 1.000/2.333/4.000/1.247 ms"),
                PingSummary.lines("10.0.0.1", SummaryFigures.of(stats.snapshot(), 4005)));
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
                "3 packets transmitted, 0 received, 100% packet loss, time 3000ms"), PingSummary.lines("::1", f));
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
                PingSummary.lines("h", SummaryFigures.of(stats.snapshot(), 2000)));
    }
}
