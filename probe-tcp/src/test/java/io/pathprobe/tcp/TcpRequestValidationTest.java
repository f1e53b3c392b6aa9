package io.pathprobe.tcp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.Probers;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.core.spi.ProberProvider;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad requests fail with IllegalArgumentException saying what is wrong; the prober is found by ServiceLoader. */
class TcpRequestValidationTest {
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();

    @Test
    void serviceLoaderFindsTcp() {
        Probers probers = Probers.load();
        assertTrue(probers.kinds().contains("tcp"), "kinds " + probers.kinds());
        ProberProvider p = probers.get("tcp");
        assertInstanceOf(TcpProberProvider.class, p);
        assertTrue(p.availability().available());
        try (ProbeEngine e = ProbeEngine.builder().threads(1).build()) {
            assertTrue(e.availability("tcp").available());
        }
    }

    @Test
    void portIsRequired() {
        try (ProbeEngine e = ProbeEngine.builder().threads(1).build()) {
            ProbeRequest noPort = ProbeRequest.builder("tcp").target(V4).build();
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.probe(noPort));
            assertTrue(x.getMessage().contains("needs a port"), x.getMessage());
        }
    }

    @Test
    void optionValuesAreChecked() {
        ProbeRequest.Builder b = ProbeRequest.builder("tcp").target(V4).port(80);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> b.option(TcpOptions.BANNER_BYTES, 0));
        assertTrue(x.getMessage().contains("banner-bytes") && x.getMessage().contains("1 to 65536"), x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.option(TcpOptions.BANNER_BYTES, 65_537));
        assertThrows(IllegalArgumentException.class, () -> b.option(TcpOptions.BANNER_MILLIS, -1));
        assertThrows(IllegalArgumentException.class, () -> b.option(ProbeOption.TTL, 256));
    }

    @Test
    void foreignOptionIsRejected() {
        ProbeOption<Integer> payload = new ProbeOption<>("payload-size", Integer.class, 56, v -> v >= 0, "0 or more");
        try (ProbeEngine e = ProbeEngine.builder().threads(1).build()) {
            ProbeRequest r = ProbeRequest.builder("tcp").target(V4).port(80).option(payload, 100).build();
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.probe(r));
            assertTrue(x.getMessage().contains("payload-size") && x.getMessage().contains("does not apply"),
                    x.getMessage());
        }
    }

    @Test
    void bannerWaitMustFitInTheTimeout() {
        try (ProbeEngine e = ProbeEngine.builder().threads(1).build()) {
            ProbeRequest r = ProbeRequest.builder("tcp").target(V4).port(80).timeout(Duration.ofSeconds(1))
                    .option(TcpOptions.BANNER_MILLIS, 1000).build();
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.probe(r));
            assertTrue(x.getMessage().contains("shorter than the timeout"), x.getMessage());
        }
    }

    @Test
    void sourceOfTheOtherFamilyIsRejected() throws Exception {
        try (ProbeEngine e = ProbeEngine.builder().threads(1).build()) {
            ProbeRequest r = ProbeRequest.builder("tcp").target(V4).port(80)
                    .vantagePoint(VantagePoint.fromAddress(InetAddress.getByName("::1"))).build();
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.probe(r));
            assertTrue(x.getMessage().contains("different IP versions"), x.getMessage());
        }
    }

    @Test
    void nioRejectsInterfaceBindingAndTtl() {
        try (ProbeEngine e = ProbeEngine.builder().threads(1).forceNio(true).build()) {
            ProbeRequest dev = ProbeRequest.builder("tcp").target(V4).port(80)
                    .vantagePoint(VantagePoint.fromInterface("lo")).build();
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> e.probe(dev));
            assertTrue(x.getMessage().contains("binding to an interface needs the epoll transport"), x.getMessage());
            ProbeRequest ttl = ProbeRequest.builder("tcp").target(V4).port(80).option(ProbeOption.TTL, 5).build();
            x = assertThrows(IllegalArgumentException.class, () -> e.probe(ttl));
            assertTrue(x.getMessage().contains("needs the epoll transport"), x.getMessage());
        }
    }

    @Test
    void kindIsTcp() {
        assertEquals("tcp", new TcpProberProvider().kind());
    }
}
