package io.pathprobe.dns;

import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.Probers;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.testkit.PtrServer;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dns prober against a real DNS server on loopback (probe-testkit's, on its own UDP port): each response code
 * becomes its outcome, silence a timeout, a closed port a refusal; the outcomes count and travel through the
 * ticket's event codec, which knows nothing of DNS.
 */
@Timeout(60)
class DnsProberLoopbackTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static PtrServer server;
    private static ProbeEngine engine;

    @BeforeAll
    static void start() throws Exception {
        server = PtrServer.start()
                .addresses("svc.test", InetAddress.getByName("10.0.0.5"))
                .respond("broken.test", 2)
                .respond("private.test", 5)
                .silent("slow.test");
        engine = ProbeEngine.builder().threads(1).build();
    }

    @AfterAll
    static void stop() {
        engine.close();
        server.close();
    }

    private static ProbeRequest query(String name, String type, int port) {
        // A generous timeout: the first query of a loaded machine's JVM loads the codec on both sides.
        return ProbeRequest.builder(DnsProberProvider.KIND).target(LOOPBACK).port(port)
                .timeout(Duration.ofSeconds(5)).option(DnsOptions.NAME, name).option(DnsOptions.TYPE, type)
                .build();
    }

    private static ProbeOutcome probe(String name, String type) throws Exception {
        return engine.probe(query(name, type, server.address().getPort())).get(10, TimeUnit.SECONDS);
    }

    @Test
    void theProviderIsFoundByItsServiceEntry() {
        assertInstanceOf(DnsProberProvider.class, Probers.load().get("dns"));
    }

    @Test
    void anAnswerIsNoerrorWithItsRecords() throws Exception {
        ProbeOutcome o = probe("svc.test", "A");
        assertSame(DnsOutcomes.NOERROR, o.type());
        assertTrue(o.isSuccess());
        assertTrue(o.rttNanos() >= 0);
        assertEquals(LOOPBACK, o.responder());
        assertEquals("NOERROR", o.attribute(DnsOutcomes.RCODE));
        assertEquals(1, o.attribute(DnsOutcomes.ANSWERS));
        assertEquals(true, o.attribute(DnsOutcomes.AUTHORITATIVE));
        assertEquals("svc.test. A: 1 answer 10.0.0.5", o.detail());
        String label = "127.0.0.1:" + server.address().getPort();
        assertTrue(o.line(label).matches("noerror " + label.replace(".", "\\.")
                + " time=\\d+\\.\\d+ ms \\(svc\\.test\\. A: 1 answer 10\\.0\\.0\\.5\\)"), o.line(label));
    }

    @Test
    void eachResponseCodeIsItsOwnKindInItsCategory() throws Exception {
        ProbeOutcome nx = probe("missing.test", "A");
        assertSame(DnsOutcomes.NXDOMAIN, nx.type());
        assertEquals(OutcomeCategory.ANSWERED, nx.category(), "the resolver answered: it works");
        assertEquals(0, nx.attribute(DnsOutcomes.ANSWERS));
        ProbeOutcome fail = probe("broken.test", "A");
        assertSame(DnsOutcomes.SERVFAIL, fail.type());
        assertEquals(OutcomeCategory.PATH_ERROR, fail.category());
        assertEquals("SERVFAIL", fail.attribute(DnsOutcomes.RCODE));
        ProbeOutcome no = probe("private.test", "AAAA");
        assertSame(DnsOutcomes.DNS_REFUSED, no.type());
        assertEquals(OutcomeCategory.REFUSED, no.category());
        assertEquals("private.test. AAAA: query refused", no.detail());
    }

    @Test
    void silenceTimesOutAndAClosedPortIsRefused() throws Exception {
        ProbeRequest silent = query("slow.test", "A", server.address().getPort()).toBuilder()
                .timeout(Duration.ofMillis(300)).build();
        assertSame(OutcomeType.TIMED_OUT, engine.probe(silent).get(10, TimeUnit.SECONDS).type());
        int closed;
        try (DatagramSocket s = new DatagramSocket(0, LOOPBACK)) {
            closed = s.getLocalPort(); // nothing listens there once closed: loopback answers port unreachable
        }
        ProbeOutcome o = engine.probe(query("svc.test", "A", closed)).get(10, TimeUnit.SECONDS);
        assertSame(OutcomeType.REFUSED, o.type(), o::toString);
    }

    @Test
    void aSessionCountsDnsOutcomesGenerically() throws Exception {
        StatsSnapshot s = engine.startSession(query("missing.test", "A", server.address().getPort()),
                SessionPlan.count(3).withInterval(Duration.ofMillis(10)), null).completion().get(10, TimeUnit.SECONDS);
        assertEquals(3, s.sent());
        assertEquals(3, s.received(), "nxdomain is an answer");
        assertEquals(3, s.count(DnsOutcomes.NXDOMAIN));
        assertEquals(0, s.lossPercent());
    }

    @Test
    void theTicketsEventCodecCarriesDnsOutcomesUnchanged() throws Exception {
        for (ProbeOutcome o : new ProbeOutcome[] {probe("svc.test", "A"), probe("missing.test", "A"),
                probe("broken.test", "A")}) {
            CaptureEvent e = CaptureEvent.of(1, "2026-12-01T09:00:00Z", 5, "local", "dns", 53, 1, 0, o);
            String json = ResultsJson.mapper().writeValueAsString(e);
            assertTrue(json.contains("\"category\" : \"" + o.category().label() + "\""), json);
            assertTrue(json.contains("\"dnsRcode\" : \"" + o.attribute(DnsOutcomes.RCODE) + "\""), json);
            CaptureEvent back = ResultsJson.mapper().readValue(json, CaptureEvent.class);
            assertEquals(e, back, json);
            assertEquals(o, back.toOutcome(), json);
            assertEquals(o.isSuccess(), back.answered());
        }
    }

    @Test
    void badOptionsAreRefusedSayingWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProbeRequest.builder("dns").option(DnsOptions.TYPE, "BOGUS"));
        assertTrue(e.getMessage().contains("allowed one of A, AAAA"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DnsOptions.NAME.parse("bad name!"));
        assertEquals(false, DnsOptions.RECURSION.parse("false"));
    }
}
