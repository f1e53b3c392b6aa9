package io.pathprobe.cli;

import io.pathprobe.icmp.EchoReply;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Progress lines on stderr: redrawn in place on a terminal, one after another elsewhere (no network). */
class ProgressLineTest {
    @Test
    void onATerminalOneLineIsRedrawnInPlaceAndEndedOnce() {
        StringWriter w = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(w), true);
        p.show("00:01 elapsed");
        p.show("00:02 elapsed");
        p.end();
        p.end(); // nothing more: the line is already ended
        assertEquals("\rprogress: 00:01 elapsed" + ProgressLine.ERASE_TO_END + "\rprogress: 00:02 elapsed"
                + ProgressLine.ERASE_TO_END + System.lineSeparator(), w.toString());
        assertEquals(Duration.ofSeconds(1), p.every(Duration.ofHours(1)), "redrawn each second: it costs no lines");
    }

    @Test
    void elsewhereEachIsALineOfItsOwn() {
        StringWriter w = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(w), false);
        p.show("00:01 elapsed");
        p.show("00:02 elapsed");
        p.end();
        String nl = System.lineSeparator();
        assertEquals("progress: 00:01 elapsed" + nl + "progress: 00:02 elapsed" + nl, w.toString());
        assertEquals(Duration.ofSeconds(1), p.every(Duration.ofSeconds(3)), "at most one a second");
        assertEquals(Duration.ofSeconds(2), p.every(Duration.ofMinutes(1)), "about 30 lines");
        assertEquals(Duration.ofSeconds(10), p.every(Duration.ofHours(2)), "every 10 s at least");
    }

    @Test
    void clockReadsMinutesThenHours() {
        assertEquals("00:00", ProgressLine.clock(Duration.ofMillis(-5)));
        assertEquals("01:05", ProgressLine.clock(Duration.ofSeconds(65)));
        assertEquals("2:00:01", ProgressLine.clock(Duration.ofSeconds(7201)));
    }

    @Test
    void mtrsLineSaysWhereTheCaptureStands() throws Exception {
        // planned 10 s; the snapshot is the frame test's: one round, two hops, the destination answered
        java.net.InetAddress target = java.net.InetAddress.getByName("10.0.3.2");
        io.pathprobe.mtr.TraceStatistics t = new io.pathprobe.mtr.TraceStatistics(new io.pathprobe.mtr.TraceHeader("lb.example", target,
                "client", io.pathprobe.mtr.ProbeMode.ICMP, 0, 0, 64, 1, 30, 10, 1,
                java.time.Instant.parse("2024-05-01T10:00:00Z")), f -> "icmp echo", 0);
        t.recordRound();
        t.recordSent(0, 1);
        t.recordOutcome(0, 1, new io.pathprobe.core.ProbeOutcome.TtlExceeded(1_000_000,
                java.net.InetAddress.getByName("10.0.0.1"), 0));
        t.recordSent(0, 2);
        t.recordOutcome(0, 2, new EchoReply(2_000_000, target, 62, 64));
        t.finish(1);
        assertEquals("00:00 elapsed, 00:00 left, round 1, 2 hops, hop 2 (10.0.3.2) 0.0% loss",
                MtrCommand.Progress.text(t.snapshot(), Duration.ofSeconds(10)));
    }
}
