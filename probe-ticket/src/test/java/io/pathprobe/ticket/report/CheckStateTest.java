package io.pathprobe.ticket.report;

import io.pathprobe.ticket.evidence.SeriesStats;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckStateTest {
    static SeriesStats tcp(long connected, long timedOut, long refused, long retransmits, long retransmitted) {
        Map<String, Long> o = new LinkedHashMap<>();
        o.put("connected", connected);
        if (timedOut > 0) {
            o.put("timed-out", timedOut);
        }
        if (refused > 0) {
            o.put("refused", refused);
        }
        long n = connected + timedOut + refused;
        Double rtt = connected > 0 ? 1.0 : null;
        return new SeriesStats(n, connected, 0, 0, 0, 100.0 * (n - connected) / n, o, retransmits, retransmitted,
                rtt, rtt, rtt, rtt, rtt, rtt, rtt, rtt, rtt, rtt, rtt, n * 1000);
    }

    @Test
    void theFieldReportsCheckIsNotClean() {
        // 60 connects, 1 timeout, 7 SYN retransmits: 8 of 60 affected = 13% > 5%.
        SeriesStats s = tcp(59, 1, 0, 7, 7);
        assertEquals(CheckState.FAILING, CheckState.of(s));
        assertTrue(CheckState.why(s).contains("1 timed out") && CheckState.why(s).contains("7 SYN retransmits"),
                CheckState.why(s));
    }

    @Test
    void anyTimeoutRefusalOrRetransmitIsNeverClean() {
        assertEquals(CheckState.DEGRADED, CheckState.of(tcp(999, 1, 0, 0, 0)));
        assertEquals(CheckState.DEGRADED, CheckState.of(tcp(1000, 0, 1, 0, 0)));
        assertEquals(CheckState.DEGRADED, CheckState.of(tcp(1000, 0, 0, 1, 1)));
        assertEquals(CheckState.CLEAN, CheckState.of(tcp(1000, 0, 0, 0, 0)));
    }

    @Test
    void thresholds() {
        assertEquals(CheckState.DEGRADED, CheckState.of(tcp(95, 5, 0, 0, 0)), "5% is still degraded");
        assertEquals(CheckState.FAILING, CheckState.of(tcp(94, 6, 0, 0, 0)));
        assertEquals(CheckState.DEAD, CheckState.of(tcp(0, 6, 0, 0, 0)));
    }
}
