package io.pathprobe.core.text;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.stats.ProbeStatistics;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The generic summary text, against hand-computed figures. */
class SummaryLinesTest {
    private static final InetAddress HOST = InetAddress.getLoopbackAddress();

    @Test
    void noRttLineWithoutAnAnswer() {
        ProbeStatistics stats = new ProbeStatistics();
        stats.recordSent();
        stats.recordOutcome(new ProbeOutcome.TimedOut(1_000_000_000L));
        SummaryFigures f = SummaryFigures.of(stats.snapshot(), 1000);
        assertThrows(IllegalArgumentException.class, () -> SummaryLines.rtt(f));
        assertEquals(List.of("--- h:53 dns probe statistics ---",
                "1 sent, 0 answered, 100.0% not answered (timed-out 1), time 1000ms"), SummaryLines.probes("h:53", "dns", f));
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


}
