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
}
