package io.pathprobe.core;

import io.pathprobe.core.stats.ProbeStatistics;
import io.pathprobe.core.stats.StatsSnapshot;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A prober's own outcome kinds and attributes, declared outside core, handled by core's generic parts. */
class OpenOutcomeModelTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aKindIsDeclaredOnceAndKeepsItsCategory() {
        OutcomeType a = OutcomeType.of("test-answer", OutcomeCategory.ANSWERED);
        assertSame(a, OutcomeType.of("test-answer", OutcomeCategory.ANSWERED));
        assertSame(a, OutcomeType.find("test-answer").orElseThrow());
        assertFalse(a.isCore());
        assertTrue(OutcomeType.CONNECTED.isCore());
        assertEquals(List.of(OutcomeType.REPLY, OutcomeType.CONNECTED, OutcomeType.REFUSED, OutcomeType.TIMED_OUT,
                OutcomeType.UNREACHABLE, OutcomeType.TTL_EXCEEDED, OutcomeType.LOCAL_ERROR),
                OutcomeType.values().subList(0, 7), "the core kinds first, in their old order");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutcomeType.of("test-answer", OutcomeCategory.REFUSED));
        assertEquals("outcome type 'test-answer' is answered, not refused: a label names one kind", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OutcomeType.of("Not OK", OutcomeCategory.ANSWERED))
                .getMessage().contains("lower-case"));
    }

    @Test
    void theCoreRecordsFallIntoTheirCategories() {
        assertEquals(OutcomeCategory.ANSWERED, new ProbeOutcome.Reply(1, LOOPBACK, 64, 64).category());
        assertEquals(OutcomeCategory.ANSWERED, new ProbeOutcome.Connected(1, LOOPBACK, 0, "").category());
        assertEquals(OutcomeCategory.REFUSED, new ProbeOutcome.Refused(1, LOOPBACK, null).category());
        assertEquals(OutcomeCategory.NO_ANSWER, new ProbeOutcome.TimedOut(1).category());
        assertEquals(OutcomeCategory.PATH_ERROR, new ProbeOutcome.Unreachable(1, LOOPBACK, 3, 1, 0, null).category());
        assertEquals(OutcomeCategory.PATH_ERROR, new ProbeOutcome.TtlExceeded(1, LOOPBACK, 0).category());
        assertEquals(OutcomeCategory.LOCAL_ERROR, new ProbeOutcome.LocalError("x", null).category());
        ProbeOutcome u = new ProbeOutcome.Unreachable(5, LOOPBACK, 3, 13, 0, null, 61);
        assertEquals(13, u.attribute(OutcomeAttribute.ICMP_CODE));
        assertEquals(61, u.attribute(OutcomeAttribute.REPLY_TTL));
        assertNull(u.attribute(OutcomeAttribute.BANNER));
    }

    @Test
    void anObservedOutcomeHasAGenericLine() {
        OutcomeType kind = OutcomeType.of("test-slow", OutcomeCategory.PATH_ERROR);
        ProbeOutcome o = new ProbeOutcome.Observed(kind, 1_500_000, LOOPBACK, OutcomeAttributes.EMPTY, "upstream slow");
        assertEquals("test-slow 127.0.0.1:53 time=1.50 ms (upstream slow)", o.line("127.0.0.1:53"));
        assertEquals("test-slow svc from 127.0.0.1 time=1.50 ms (upstream slow)", o.line("svc"));
        ProbeOutcome silent = new ProbeOutcome.Observed(kind, -1, null, null, null);
        assertEquals("test-slow svc", silent.line("svc"));
        assertFalse(silent.isSuccess());
    }

    @Test
    void statisticsCountKindsDeclaredAfterThemAndSynRetransmitsByAttribute() {
        ProbeStatistics st = new ProbeStatistics();
        StatsSnapshot before = st.snapshot();
        OutcomeType late = OutcomeType.of("test-late-kind", OutcomeCategory.ANSWERED);
        assertEquals(0, before.count(late), "a snapshot older than the kind has none of it");
        OutcomeAttributes syn = OutcomeAttributes.builder().put(OutcomeAttribute.SYN_RETRANSMITS, 2).build();
        st.recordSent();
        st.recordOutcome(new ProbeOutcome.Observed(late, 3_000, LOOPBACK, syn, null));
        st.recordSent();
        st.recordOutcome(new ProbeOutcome.Connected(2_000, LOOPBACK, 1, ""));
        StatsSnapshot s = st.snapshot();
        assertEquals(1, s.count(late));
        assertEquals(1, s.count(OutcomeType.CONNECTED));
        assertEquals(2, s.received(), "both answered");
        assertEquals(2, s.retransmittedConnects());
        assertEquals(3, s.synRetransmits());
    }

    @Test
    void attributesFromACodecAreTypedByTheirValuesAndCompareWithoutOrder() {
        OutcomeAttribute<String> rcode = OutcomeAttribute.of("test", "rcode", String.class);
        assertEquals("testRcode", rcode.key());
        assertEquals("test.rcode", rcode.id());
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("testRcode", "NXDOMAIN");
        flat.put("icmpCode", 3);
        OutcomeAttributes read = OutcomeAttributes.fromKeys(flat);
        assertEquals("NXDOMAIN", read.get(rcode));
        assertEquals(OutcomeAttributes.builder().put(OutcomeAttribute.ICMP_CODE, 3).put(rcode, "NXDOMAIN").build(), read);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutcomeAttributes.fromKeys(Map.of("testList", List.of(1))));
        assertTrue(e.getMessage().startsWith("attribute 'testList' has a value that is not"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OutcomeAttribute.of("rtt", "Ms", Double.class),
                "a generic field's key");
        assertThrows(IllegalArgumentException.class, () -> OutcomeAttribute.of("test", "n", Long.class),
                "JSON would read a small Long back as an Integer");
    }

    @Test
    void optionsParseFromTextWithTheirChecks() {
        assertEquals(64, ProbeOption.TTL.parse("64"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProbeOption.TTL.parse("x"));
        assertEquals("option ttl takes a number, not 'x': allowed 0 (system default) to 255", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProbeOption.TTL.parse("300"));
    }
}
