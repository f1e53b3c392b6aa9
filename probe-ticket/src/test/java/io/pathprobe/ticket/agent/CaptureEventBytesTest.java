package io.pathprobe.ticket.agent;

import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The open outcome model writes the core outcomes' events byte for byte as the closed one did: the expected text
 * was written by the codec before the model was opened (commit 96e8a3e).
 */
class CaptureEventBytesTest {
    @Test
    void coreOutcomesWriteTheEventsTheyAlwaysWrote() throws Exception {
        InetAddress v4 = InetAddress.getByName("10.1.2.3");
        InetAddress v6 = InetAddress.getByName("2001:db8::7");
        ErrnoCause refused = new ErrnoCause(111, "ECONNREFUSED", "Connection refused");
        List<ProbeOutcome> all = List.of(
                new ProbeOutcome.Reply(1_234_567, v4, 61, 64),
                new ProbeOutcome.Reply(9, v6, -1, 0),
                new ProbeOutcome.Connected(87_001, v4, 2, "SSH-2.0-x\r\n"),
                new ProbeOutcome.Connected(87_001, v6, -1, ""),
                new ProbeOutcome.Refused(45_000, v4, refused),
                new ProbeOutcome.Refused(45_000, null, null),
                new ProbeOutcome.TimedOut(2_000_000_000L),
                new ProbeOutcome.Unreachable(3_000_000, v4, 3, 13, 0, null),
                new ProbeOutcome.Unreachable(-1, null, -1, -1, 0, new ErrnoCause(101, "ENETUNREACH",
                        "Network is unreachable")),
                new ProbeOutcome.Unreachable(400_000, v6, 2, 0, 1280, null),
                new ProbeOutcome.Unreachable(400_000, v4, 3, 3, 0, null, 61),
                new ProbeOutcome.TtlExceeded(777_777, v4, 0),
                new ProbeOutcome.LocalError("cannot set up a socket", new ErrnoCause(24, "EMFILE",
                        "Too many open files")),
                new ProbeOutcome.LocalError("no buffer", null));
        List<String> lines = new ArrayList<>();
        long seq = 1;
        for (ProbeOutcome o : all) {
            lines.add(ResultsJson.mapper().writeValueAsString(CaptureEvent.of(seq, "2026-12-01T09:00:00Z", 10 * seq,
                    "agent:eu-1", "tcp", 443, seq, 3, o)));
            seq++;
        }
        try (var in = CaptureEventBytesTest.class.getResourceAsStream("core-events.json.txt")) {
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(expected, String.join("\n", lines) + "\n");
        }
    }
}
