package io.pathprobe.tcp;

import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TCP prober's own outcome, declared in this module and found by a reader that never touched it. */
class TcpOutcomeKindsTest {
    private static final InetAddress A = InetAddress.getLoopbackAddress();

    @Test
    void aHandshakeIsAnAnswerWithItsAttributesAndItsOwnWords() {
        TcpConnected c = new TcpConnected(210_000, A, 2, "SSH-2.0-x");
        assertEquals(OutcomeCategory.ANSWERED, c.category());
        assertEquals("connected", c.type().label());
        assertFalse(c.type().isCore(), "declared here, not by core");
        assertEquals(2, c.attribute(TcpConnected.SYN_RETRANSMITS));
        assertEquals("SSH-2.0-x", c.attribute(TcpConnected.BANNER));
        assertEquals(2, c.retransmits(), "statistics count the resent SYNs");
        assertEquals(0, new TcpConnected(1, A, -1, "").retransmits(), "NIO cannot tell: none counted");
        assertEquals("connected to 127.0.0.1:80 time=0.210 ms (SYN retransmitted 2x)", c.line("127.0.0.1:80"));
        assertEquals(c, c.type().decode(c.rttNanos(), A, c.attributes(), c.detail()), "decodes to itself");
        assertEquals(List.of(TcpConnected.TYPE), new TcpProberProvider().outcomeTypes());
        ProbeOutcome rst = new ProbeOutcome.Refused(50_000, A, new ErrnoCause(111, "ECONNREFUSED", "Connection refused"));
        assertEquals(OutcomeCategory.REFUSED, rst.category(), "a RST is core's generic refusal");
    }

    /**
     * In a class loader of its own (a process that has read events but run no TCP probe), core finds the label
     * {@code connected} through the provider and rebuilds the TCP record from an event's parts.
     */
    @Test
    void aReaderThatNeverRanTheProberFindsItsKindAndDecoder() throws Exception {
        List<URL> path = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) {
            path.add(new File(p).toURI().toURL());
        }
        try (URLClassLoader fresh = new URLClassLoader(path.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> type = Class.forName(OutcomeType.class.getName(), true, fresh);
            Object found = ((java.util.Optional<?>) type.getMethod("find", String.class).invoke(null, "connected"))
                    .orElseThrow(() -> new AssertionError("'connected' not found through the provider"));
            Class<?> attrs = Class.forName("io.pathprobe.core.OutcomeAttributes", true, fresh);
            Method decode = type.getMethod("decode", long.class, InetAddress.class, attrs, String.class);
            Object outcome = decode.invoke(found, 87_000L, A, attrs.getField("EMPTY").get(null), null);
            assertEquals(TcpConnected.class.getName(), outcome.getClass().getName());
            assertTrue(outcome.getClass().getClassLoader() == fresh, "the fresh loader's own classes");
        }
    }
}
