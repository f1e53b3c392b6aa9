package io.pathprobe.ticket.report;

import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attach-to-ticket checklist, ticked from the capture's own facts. */
class ChecklistTest {
    static TicketResults results(String instance, String end, VantageEvidence... v) {
        TicketFacts f = new TicketFacts(instance, "203.0.113.10", "203.0.113.10", List.of(80), List.of(), "unknown",
                "2024-05-01T09:00:00Z", end, 600_000, false);
        return TicketResults.of(new TicketEvidence(f, List.of(v), List.of()), null, "test");
    }

    static VantageEvidence vantage(String id, String src, String publicIp, boolean traced) {
        return new VantageEvidence(id, "netns", Map.of(), src, publicIp, SampleTicket.series("ping", 0, 30, 0, 5, 1),
                traced ? List.of(SampleTicket.trace("icmp", 0, 0)) : List.of(),
                List.of(SampleTicket.series("tcp", 80, 30, 0, 5, 2)), List.of());
    }

    static Map<String, Checklist.Item> items(TicketResults r) {
        Map<String, Checklist.Item> m = new java.util.LinkedHashMap<>();
        Checklist.of(r).forEach(i -> m.put(i.id(), i));
        assertEquals(List.of("instance", "public-ip", "ping", "mtr"), List.copyOf(m.keySet()));
        return m;
    }

    @Test
    void tenMinutesWithInstanceAndPublicIpsIsComplete() {
        var m = items(results("lb-1", "2024-05-01T09:10:01Z", vantage("a", "10.0.1.2", "198.51.100.7", true),
                vantage("b", "203.0.113.77", null, true)));
        m.values().forEach(i -> assertTrue(i.present(), i::toString));
        assertEquals("Client public IP: 198.51.100.7 (a), 203.0.113.77 (b)", m.get("public-ip").text().english(),
                "a public source address is what the provider sees");
        assertEquals("Long-running ping to the VIP: 10m01s", m.get("ping").text().english());
    }

    @Test
    void whatIsMissingSaysWhichOptionGetsIt() {
        var m = items(results(null, "2024-05-01T09:01:00Z", vantage("a", "10.0.1.2", null, false)));
        assertTrue(m.get("instance").present(), "the VIP is there");
        assertTrue(m.get("instance").text().english().contains("--instance ID"));
        assertFalse(m.get("public-ip").present());
        assertTrue(m.get("public-ip").text().english().contains("--public-ip-url URL"));
        assertFalse(m.get("ping").present());
        assertEquals("Long-running ping to the VIP: only 1m captured — run again with a longer --duration (10m or"
                + " more), while the problem happens", m.get("ping").text().english());
        assertFalse(m.get("mtr").present());
        assertTrue(m.get("mtr").text().english().contains("not captured from a"), m.get("mtr").toString());
        String zh = m.get("ping").text().render(Locale.SIMPLIFIED_CHINESE);
        assertTrue(zh.contains("--duration（10m 或以上）"), zh);
    }

    @Test
    void theSummaryEndsWithTheTickedList() {
        String s = SummaryText.render(results("lb-1", "2024-05-01T09:10:00Z",
                vantage("a", "10.0.1.2", "198.51.100.7", true)));
        assertTrue(s.endsWith("What to attach to the ticket:\n"
                + "  [x] Load balancer instance ID: lb-1 (VIP 203.0.113.10)\n"
                + "  [x] Client public IP: 198.51.100.7 (a)\n"
                + "  [x] Long-running ping to the VIP: 10m\n"
                + "  [x] Long-running MTR to the VIP: 10m\n"), s);
    }
}
