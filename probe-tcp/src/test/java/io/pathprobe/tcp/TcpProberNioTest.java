package io.pathprobe.tcp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.Transport;
import io.pathprobe.testkit.TcpListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static io.pathprobe.tcp.TcpProberLoopbackTest.V4;
import static io.pathprobe.tcp.TcpProberLoopbackTest.assertConnected;
import static io.pathprobe.tcp.TcpProberLoopbackTest.assertRefused;
import static io.pathprobe.tcp.TcpProberLoopbackTest.probe;
import static io.pathprobe.tcp.TcpProberLoopbackTest.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The same probes on an NIO engine: connected (SYN retransmits unknown: -1) and refused, IPv4 and IPv6. */
class TcpProberNioTest {
    static ProbeEngine nio;

    @BeforeAll
    static void start() {
        nio = ProbeEngine.builder().threads(1).forceNio(true).build();
        assertEquals(Transport.NIO, nio.transport());
    }

    @AfterAll
    static void close() {
        nio.close();
    }

    @Test
    void connectedAndRefusedV4() throws Exception {
        try (TcpListener s = TcpListener.readingToEnd(V4)) {
            assertConnected(probe(nio, tcp(V4, s.port()).build()), V4, -1);
        }
        assertRefused(probe(nio, tcp(V4, TcpListener.closedPort(V4)).build()), V4);
    }

    @Test
    void connectedAndRefusedV6() throws Exception {
        InetAddress v6 = TcpProberLoopbackTest.v6();
        try (TcpListener s = TcpListener.readingToEnd(v6)) {
            assertConnected(probe(nio, tcp(v6, s.port()).build()), v6, -1);
        }
        assertRefused(probe(nio, tcp(v6, TcpListener.closedPort(v6)).build()), v6);
    }

    @Test
    void bannerOnNio() throws Exception {
        try (TcpListener s = TcpListener.withBanner(V4, "hello\n".getBytes(), true)) {
            ProbeOutcome o = probe(nio, tcp(V4, s.port()).option(TcpOptions.BANNER_MILLIS, 3000).build());
            assertEquals("hello\\n", assertInstanceOf(TcpConnected.class, o).banner());
        }
    }
}
