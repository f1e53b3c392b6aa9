package io.pathprobe.tcp;

import io.pathprobe.core.stats.ProbeStatistics;
import io.pathprobe.core.text.SummaryFigures;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The TCP connect summary's retransmission line (the CLI's tests check the whole layout). */
class TcpSummaryTest {
    private static final InetAddress HOST = InetAddress.getLoopbackAddress();

    @Test
    void oneRetransmittedConnectIsSingular() {
        ProbeStatistics stats = new ProbeStatistics();
        stats.recordSent();
        stats.recordOutcome(new TcpConnected(1_000_000_000L, HOST, 1, ""));
        List<String> l = TcpSummary.lines("h:80", SummaryFigures.of(stats.snapshot(), 1001));
        assertEquals("SYN retransmits: 1 connect needed retransmission (1 total)", l.get(l.size() - 1));
    }
}
