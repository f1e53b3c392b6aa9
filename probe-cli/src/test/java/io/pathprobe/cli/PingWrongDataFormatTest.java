package io.pathprobe.cli;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.stats.ProbeStatistics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How ping shows replies with wrong data (issue 10): a line per reply and one in the summary; never received. */
class PingWrongDataFormatTest {
    @Test
    void aReplyWithWrongDataHasItsLineAndIsNotReceived() {
        assertEquals("reply from 10.0.0.1: icmp_seq=3 wrong data byte #20 (damaged on the way; not counted as"
                + " received)", TextFormat.pingWrongData("10.0.0.1", 3, 20));
        ProbeStatistics s = new ProbeStatistics();
        s.recordSent();
        s.recordCorrupted();
        s.recordOutcome(new ProbeOutcome.TimedOut(1_000_000_000L));
        assertEquals(List.of("--- 10.0.0.1 ping statistics ---",
                "1 packets transmitted, 0 received, 100% packet loss, time 1000ms",
                "1 reply carried wrong data (not counted as received)"),
                TextFormat.pingSummary("10.0.0.1", s.snapshot(), Duration.ofMillis(1000)));
    }
}
