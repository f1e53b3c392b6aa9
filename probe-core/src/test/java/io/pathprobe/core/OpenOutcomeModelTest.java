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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
        assertTrue(OutcomeType.REFUSED.isCore());
        assertEquals(List.of(OutcomeType.REFUSED, OutcomeType.TIMED_OUT, OutcomeType.UNREACHABLE,
                OutcomeType.TTL_EXCEEDED, OutcomeType.LOCAL_ERROR),
                OutcomeType.values().subList(0, 5), "the generic kinds first, in their old order");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutcomeType.of("test-answer", OutcomeCategory.REFUSED));
        assertEquals("outcome type 'test-answer' is answered, not refused: a label names one kind", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OutcomeType.of("Not OK", OutcomeCategory.ANSWERED))
                .getMessage().contains("lower-case"));
    }

    @Test
    void theCoreRecordsFallIntoTheirCategories() {
        assertEquals(OutcomeCategory.REFUSED, new ProbeOutcome.Refused(1, LOOPBACK, null).category());
        assertEquals(OutcomeCategory.NO_ANSWER, new ProbeOutcome.TimedOut(1).category());
        assertEquals(OutcomeCategory.PATH_ERROR, new ProbeOutcome.Unreachable(1, LOOPBACK, 3, 1, 0, null).category());
        assertEquals(OutcomeCategory.PATH_ERROR, new ProbeOutcome.TtlExceeded(1, LOOPBACK, 0).category());
        assertEquals(OutcomeCategory.LOCAL_ERROR, new ProbeOutcome.LocalError("x", null).category());
        ProbeOutcome u = new ProbeOutcome.Unreachable(5, LOOPBACK, 3, 13, 0, null, 61);
        assertEquals(13, u.attribute(OutcomeAttribute.ICMP_CODE));
        assertEquals(61, u.attribute(OutcomeAttribute.REPLY_TTL));
        assertNull(u.attribute(OutcomeAttribute.MESSAGE));
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
    void statisticsCountKindsDeclaredAfterThemAndTheRetransmitsOutcomesReport() {
        ProbeStatistics st = new ProbeStatistics();
        StatsSnapshot before = st.snapshot();
        OutcomeType late = OutcomeType.of("test-late-kind", OutcomeCategory.ANSWERED);
        assertEquals(0, before.count(late), "a snapshot older than the kind has none of it");
        st.recordSent();
        st.recordOutcome(new ProbeOutcome.Observed(late, 3_000, LOOPBACK, null, null));
        st.recordSent();
        st.recordOutcome(TestOutcomes.answer(2_000, LOOPBACK, 2));
        st.recordSent();
        st.recordOutcome(TestOutcomes.answer(2_000, LOOPBACK, 1));
        StatsSnapshot s = st.snapshot();
        assertEquals(1, s.count(late));
        assertEquals(2, s.count(TestOutcomes.ANSWER));
        assertEquals(3, s.received(), "all answered");
        assertEquals(2, s.retransmittedConnects());
        assertEquals(3, s.synRetransmits());
    }

    @Test
    void outputsListKindsByCategoryWhateverOrderTheyWereDeclaredIn() {
        OutcomeType lateAnswer = OutcomeType.of("test-order-answer", OutcomeCategory.ANSWERED);
        OutcomeType lateError = OutcomeType.of("test-order-error", OutcomeCategory.LOCAL_ERROR);
        List<OutcomeType> listed = OutcomeType.inCategoryOrder();
        assertEquals(OutcomeType.values().size(), listed.size());
        assertTrue(listed.indexOf(lateAnswer) < listed.indexOf(OutcomeType.REFUSED), "answered before refused");
        assertTrue(listed.indexOf(OutcomeType.LOCAL_ERROR) < listed.indexOf(lateError), "declaration order within");
        for (int i = 1; i < listed.size(); i++) {
            assertTrue(listed.get(i - 1).category().compareTo(listed.get(i).category()) <= 0, listed.toString());
        }
    }

    @Test
    void aKindMetInAnEventFirstTakesItsProbersDecoderWhenTheProberDeclaresIt() {
        OutcomeType met = OutcomeType.of("test-met-first", OutcomeCategory.ANSWERED);
        assertInstanceOf(ProbeOutcome.Observed.class, met.decode(1_000, LOOPBACK, null, null));
        OutcomeType.Decoder own = (t, rtt, from, a, d) -> TestOutcomes.answer(rtt, from, 1);
        assertSame(met, OutcomeType.of("test-met-first", OutcomeCategory.ANSWERED, own));
        assertInstanceOf(TestOutcomes.Resent.class, met.decode(1_000, LOOPBACK, null, null));
        OutcomeType.of("test-met-first", OutcomeCategory.ANSWERED, (t, rtt, from, a, d) -> null);
        assertInstanceOf(TestOutcomes.Resent.class, met.decode(1_000, LOOPBACK, null, null), "the first stays");
        assertTrue(OutcomeType.find("test-never-declared").isEmpty(), "a label no prober declares stays unknown");
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
