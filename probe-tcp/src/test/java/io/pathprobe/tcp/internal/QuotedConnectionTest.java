package io.pathprobe.tcp.internal;

import io.pathprobe.nativeio.SocketConstants;
import io.pathprobe.nativeio.SocketError;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which queued ICMP errors a failed connect takes as its own: those quoting its ports and destination. No network. */
class QuotedConnectionTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress(addr("192.0.2.10"), 443);

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A Time Exceeded whose quote is a TCP header with these ports (and a sequence number). */
    private static SocketError quoting(int sport, int dport, int quotedBytes) {
        byte[] q = new byte[quotedBytes];
        if (quotedBytes >= 4) {
            q[0] = (byte) (sport >> 8);
            q[1] = (byte) sport;
            q[2] = (byte) (dport >> 8);
            q[3] = (byte) dport;
        }
        return new SocketError(SocketConstants.EHOSTUNREACH, SocketConstants.SO_EE_ORIGIN_ICMP, 11, 0, 0,
                addr("198.51.100.1"), q);
    }

    @Test
    void matchesItsOwnPortsAndDestination() {
        assertTrue(Outcomes.quotesConnection(quoting(40000, 443, 20), REMOTE, REMOTE, 40000));
        assertTrue(Outcomes.quotesConnection(quoting(40000, 443, 8), REMOTE, REMOTE, 0), "local port unknown");
    }

    @Test
    void rejectsAnotherConnectionsQuote() {
        assertFalse(Outcomes.quotesConnection(quoting(40001, 443, 20), REMOTE, REMOTE, 40000), "source port");
        assertFalse(Outcomes.quotesConnection(quoting(40000, 80, 20), REMOTE, REMOTE, 40000), "destination port");
        assertFalse(Outcomes.quotesConnection(quoting(40000, 443, 20),
                new InetSocketAddress(addr("192.0.2.11"), 443), REMOTE, 40000), "destination address");
        assertFalse(Outcomes.quotesConnection(quoting(40000, 443, 20),
                new InetSocketAddress(addr("192.0.2.10"), 444), REMOTE, 40000), "quoted destination port");
        assertFalse(Outcomes.quotesConnection(quoting(40000, 443, 0), null, REMOTE, 40000),
                "nothing quoted and no destination: nothing ties it to this connection");
    }
}
