package io.pathprobe.ticket.agent;

import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.icmp.EchoReply;
import io.pathprobe.tcp.TcpConnected;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one serialised form of an outcome: every outcome type survives JSON and back unchanged. */
class CaptureEventTest {
    /** One or more outcomes of every core kind, with and without their optional fields. */
    static List<ProbeOutcome> everyCoreKind() throws Exception {
        InetAddress v4 = InetAddress.getByName("10.1.2.3");
        InetAddress v6 = InetAddress.getByName("2001:db8::7");
        ErrnoCause refused = new ErrnoCause(111, "ECONNREFUSED", "Connection refused");
        return List.of(
                new EchoReply(1_234_567, v4, 61, 64),
                new EchoReply(9, v6, -1, 0),
                new TcpConnected(87_001, v4, 2, "SSH-2.0-x\r\n"),
                new TcpConnected(87_001, v6, -1, ""),
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
    }

    @Test
    void everyOutcomeTypeRoundTrips() throws Exception {
        List<ProbeOutcome> all = everyCoreKind();
        Set<OutcomeType> seen = new HashSet<>();
        long seq = 1;
        for (ProbeOutcome o : all) {
            CaptureEvent e = CaptureEvent.of(seq, "2026-12-01T09:00:00Z", 10 * seq, "agent:eu-1", "tcp", 443,
                    seq, 3, o);
            String json = ResultsJson.mapper().writeValueAsString(e);
            CaptureEvent back = ResultsJson.mapper().readValue(json, CaptureEvent.class);
            assertEquals(e, back, json);
            assertEquals(o, back.toOutcome(), json);
            assertFalse(json.contains("null"), "keys without a value are left out: " + json);
            seen.add(o.type());
            seq++;
        }
        assertEquals(CaptureEvent.FIRST_KINDS.keySet(), seen.stream().map(OutcomeType::label).collect(Collectors.toSet()),
                "every kind of the first schema has a case here");
        assertTrue(seen.containsAll(OutcomeType.values().stream().filter(OutcomeType::isCore).toList()),
                "a new generic outcome type of core needs a case here");
    }

    @Test
    void aForgedEventIsRefusedNotGuessed() throws Exception {
        CaptureEvent noResponder = ResultsJson.mapper().readValue(
                "{\"eventSeq\":1,\"ms\":0,\"vantage\":\"a\",\"check\":\"ping\",\"seq\":1,\"outcome\":\"reply\"}",
                CaptureEvent.class);
        assertTrue(assertThrows(IllegalArgumentException.class, noResponder::toOutcome).getMessage()
                .contains("needs a responder"));
        CaptureEvent unknown = ResultsJson.mapper().readValue(
                "{\"eventSeq\":1,\"ms\":0,\"vantage\":\"a\",\"check\":\"ping\",\"seq\":1,\"outcome\":\"maybe\"}",
                CaptureEvent.class);
        assertTrue(assertThrows(IllegalArgumentException.class, unknown::toOutcome).getMessage()
                .contains("'maybe' is not known"));
        CaptureEvent name = ResultsJson.mapper().readValue("{\"eventSeq\":1,\"ms\":0,\"vantage\":\"a\",\"check\":"
                + "\"ping\",\"seq\":1,\"outcome\":\"reply\",\"responder\":\"evil.example\"}", CaptureEvent.class);
        assertThrows(IllegalArgumentException.class, name::toOutcome); // a name is never looked up
    }
}
