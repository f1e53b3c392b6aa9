package io.pathprobe.ticket.agent;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.Test;

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
        List<ProbeOutcome> all = CaptureEventTest.everyCoreKind();
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
