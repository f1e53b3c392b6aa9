package io.pathprobe.tcp.internal;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.nativeio.SocketConstants;
import io.pathprobe.nativeio.SocketError;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The mapping from errno and error-queue entry to outcome, and errno recovery from exceptions. No network. */
class OutcomesTest {
    private static final InetAddress TARGET = addr("192.0.2.10");
    private static final InetAddress ROUTER = addr("198.51.100.1");
    private static final InetAddress ROUTER6 = addr("2001:db8::1");
    private static final Exception X = new ConnectException("test");
    private static final ProbeRequest REQUEST = ProbeRequest.builder("tcp").target("192.0.2.10", TARGET).port(80).build();

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static ProbeOutcome failed(ErrnoCause cause, SocketError q) {
        return Outcomes.failed(cause, q, TARGET, 1234, REQUEST, X);
    }

    @Test
    void timeExceededV4AndV6AreTtlExceeded() {
        ProbeOutcome o = failed(Errnos.cause(113), new SocketError(113, SocketConstants.SO_EE_ORIGIN_ICMP, 11, 0, 0, ROUTER, null));
        assertEquals(new ProbeOutcome.TtlExceeded(1234, ROUTER, 0), o);
        o = failed(null, new SocketError(113, SocketConstants.SO_EE_ORIGIN_ICMP6, 3, 0, 0, ROUTER6, null));
        assertEquals(new ProbeOutcome.TtlExceeded(1234, ROUTER6, 0), o);
    }

    @Test
    void destinationUnreachableKeepsRouterTypeCodeAndErrno() {
        ProbeOutcome o = failed(Errnos.cause(113), new SocketError(113, SocketConstants.SO_EE_ORIGIN_ICMP, 3, 13, 0, ROUTER, null));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o);
        assertEquals(ROUTER, u.responder());
        assertEquals(3, u.icmpType());
        assertEquals(13, u.icmpCode());
        assertEquals(0, u.mtu());
        assertEquals("EHOSTUNREACH", u.cause().name());
        assertEquals("communication administratively prohibited from 198.51.100.1", u.describe());
    }

    @Test
    void icmpPortUnreachableFromAFirewallIsUnreachableNotRefused() {
        ProbeOutcome o = failed(Errnos.cause(111), new SocketError(111, SocketConstants.SO_EE_ORIGIN_ICMP, 3, 3, 0, ROUTER, null));
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o);
        assertEquals("ECONNREFUSED", u.cause().name());
        assertEquals(ROUTER, u.responder());
    }

    @Test
    void mtuIsKeptForFragmentationNeededAndPacketTooBig() {
        ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class,
                failed(null, new SocketError(90, SocketConstants.SO_EE_ORIGIN_ICMP, 3, 4, 1400, ROUTER, null)));
        assertEquals(1400, u.mtu());
        u = assertInstanceOf(ProbeOutcome.Unreachable.class,
                failed(null, new SocketError(90, SocketConstants.SO_EE_ORIGIN_ICMP6, 2, 0, 1280, ROUTER6, null)));
        assertEquals(1280, u.mtu());
        u = assertInstanceOf(ProbeOutcome.Unreachable.class,
                failed(null, new SocketError(113, SocketConstants.SO_EE_ORIGIN_ICMP, 3, 1, 1400, ROUTER, null)));
        assertEquals(0, u.mtu()); // ee_info means nothing for a host unreachable
    }

    @Test
    void errnoAloneDecidesWithoutQueueEntry() {
        assertEquals(new ProbeOutcome.Refused(1234, TARGET, Errnos.cause(111)), failed(Errnos.cause(111), null));
        assertEquals(new ProbeOutcome.Unreachable(1234, null, -1, -1, 0, Errnos.cause(101)),
                failed(Errnos.cause(101), null));
        assertEquals(new ProbeOutcome.Unreachable(1234, null, -1, -1, 0, Errnos.cause(113)),
                failed(Errnos.cause(113), null));
        assertEquals(new ProbeOutcome.TimedOut(1234), failed(Errnos.cause(110), null));
        ProbeOutcome.LocalError e = assertInstanceOf(ProbeOutcome.LocalError.class, failed(Errnos.cause(99), null));
        assertEquals("EADDRNOTAVAIL", e.cause().name());
        e = assertInstanceOf(ProbeOutcome.LocalError.class, failed(null, null));
        assertNull(e.cause());
    }

    @Test
    void localQueueEntrySuppliesTheErrno() {
        ProbeOutcome o = failed(null, new SocketError(113, SocketConstants.SO_EE_ORIGIN_LOCAL, 0, 0, 0, null, null));
        assertEquals(new ProbeOutcome.Unreachable(1234, null, -1, -1, 0, Errnos.cause(113)), o);
    }

    @Test
    void errnoIsRecoveredFromNettysNativeException() {
        // Netty makes its NativeIoException only with the epoll transport loaded: the message comes from strerror
        // there (run alone, before anything loaded it, this test would otherwise see an UnsatisfiedLinkError).
        assumeTrue(Epoll.isAvailable(), () -> "Netty's epoll transport does not load: " + Epoll.unavailabilityCause());
        assertEquals(104, Errnos.of(new Errors.NativeIoException("read", -104)).errno());
    }

    @Test
    void errnoIsRecoveredFromNettyAndJdkExceptions() {
        // Netty epoll: "finishConnect(..) failed with error(-111): Connection refused", annotated with the address
        ConnectException netty = new ConnectException("finishConnect(..) failed with error(-111): Connection refused");
        ConnectException annotated = new ConnectException(netty.getMessage() + ": /127.0.0.1:1");
        annotated.initCause(netty);
        assertEquals(Errnos.cause(111), Errnos.of(annotated));
        // JDK (NIO): strerror text
        assertEquals("EHOSTUNREACH", Errnos.of(new NoRouteToHostException("No route to host")).name());
        assertEquals("ENETUNREACH", Errnos.of(new SocketException("Network is unreachable")).name());
        assertEquals("EMFILE", Errnos.of(new SocketException("Too many open files")).name());
        assertEquals("ENFILE", Errnos.of(new SocketException("Too many open files in system")).name());
        assertNull(Errnos.of(new NoRouteToHostException())); // epoll's message-less one: errno unknown
        assertEquals(200, Errnos.cause(200).errno());
        assertEquals(new ErrnoCause(111, "ECONNREFUSED", "Connection refused"), Errnos.cause(111));
    }

    @Test
    void bannerTextIsOneEscapedLine() {
        byte[] b = "SSH\r\n\t\u0001\\é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("SSH\\r\\n\\t\\x01\\\\é", BannerReader.printable(b, b.length));
        assertEquals("SS", BannerReader.printable(b, 2));
    }

    @Test
    void handshakeTimeIsTheKernelsSampleOnlyWithoutRetransmission() {
        assertEquals(250_000, Outcomes.handshakeRtt(0, 250, 0, 9_000_000)); // tcpi_rtt 250 µs, loop saw it at 9 ms
        assertEquals(9_000_000, Outcomes.handshakeRtt(0, 20_000, 0, 9_000_000)); // never longer than the loop's time
        assertEquals(1_009_000_000, Outcomes.handshakeRtt(1, 250, 0, 1_009_000_000)); // Karn: the loop's measure
        // Karn, read 2 s after the kernel took the SYN-ACK: the loop's measure less that wait
        assertEquals(1_009_000_000, Outcomes.handshakeRtt(1, 250, 2_000, 3_009_000_000L));
        assertEquals(0, Outcomes.handshakeRtt(1, 250, 5_000, 3_009_000_000L)); // never negative
        assertEquals(9_000_000, Outcomes.handshakeRtt(-1, 250, 7, 9_000_000)); // no TCP_INFO
        assertEquals(9_000_000, Outcomes.handshakeRtt(0, 0, 0, 9_000_000)); // no sample yet
    }
}
