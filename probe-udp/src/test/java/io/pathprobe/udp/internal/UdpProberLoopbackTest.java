package io.pathprobe.udp.internal;

import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.Probers;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.udp.UdpOptions;
import io.pathprobe.udp.UdpProberProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The udp prober on loopback (no privileges needed): a closed port answers port unreachable, matched per probe. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpProberLoopbackTest {
    private static ProbeEngine engine() {
        return ProbeEngine.builder().probers(Probers.of(new UdpProberProvider())).build();
    }

    private static ProbeRequest.Builder udp(String address, int port) throws Exception {
        return ProbeRequest.builder("udp").target(InetAddress.getByName(address)).port(port)
                .timeout(Duration.ofSeconds(2));
    }

    /** A port nothing listens on: bind one, note it, close it. */
    private static int closedPort(String address) throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0))) {
            return s.getLocalPort();
        }
    }

    @Test
    void closedPortAnswersPortUnreachableFromTheTargetInBothFamilies() throws Exception {
        try (ProbeEngine engine = engine()) {
            for (String a : List.of("127.0.0.1", "::1")) {
                boolean v6 = a.contains(":");
                ProbeOutcome o = engine.probeAndWait(udp(a, closedPort(a)).option(ProbeOption.TTL, 5).build());
                ProbeOutcome.Unreachable u = assertInstanceOf(ProbeOutcome.Unreachable.class, o, a);
                assertEquals(InetAddress.getByName(a), u.responder(), a);
                assertEquals(v6 ? IcmpCodes.ICMP6_DST_UNREACH : IcmpCodes.ICMP_DEST_UNREACH, u.icmpType(), a);
                assertEquals(v6 ? 4 : 3, u.icmpCode(), "port unreachable: " + a);
                assertTrue(u.rttNanos() >= 0, a);
            }
        }
    }

    /**
     * 500 probes at once from one source port, each answered: in a lab namespace, whose kernel ICMP rate limits are
     * off (the host's would let only a burst of 50 port unreachables out).
     */
    @Test
    @Tag("netns")
    void manyProbesAtOnceFromOneSourcePortEachGetTheirOwnAnswer() throws Exception {
        NetLab.assumeAvailable();
        try (NetLab lab = NetLab.create()) {
            Host h = lab.host("h");
            int port = 33434;
            try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(h.namespace())
                    .probers(Probers.of(new UdpProberProvider())).build()) {
                List<CompletableFuture<ProbeOutcome>> all = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    all.add(engine.probe(udp("127.0.0.1", port).option(ProbeOption.TTL, 1 + i % 30).build()));
                }
                for (CompletableFuture<ProbeOutcome> f : all) {
                    assertInstanceOf(ProbeOutcome.Unreachable.class, f.get(10, TimeUnit.SECONDS));
                }
            }
        }
    }

    @Test
    void aSourcePortInUseIsALocalErrorSayingSo() throws Exception {
        try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
             ProbeEngine engine = engine()) {
            ProbeOutcome o = engine.probeAndWait(udp("127.0.0.1", closedPort("127.0.0.1"))
                    .option(UdpOptions.SOURCE_PORT, holder.getLocalPort()).build());
            ProbeOutcome.LocalError e = assertInstanceOf(ProbeOutcome.LocalError.class, o);
            assertTrue(e.message().contains("source port " + holder.getLocalPort())
                    && e.message().contains("choose another source port"), e.message());
        }
    }

    @Test
    void requestsWithoutAPortOrWithForeignOptionsAreRefused() throws Exception {
        try (ProbeEngine engine = engine()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    engine.probe(ProbeRequest.builder("udp").target(InetAddress.getByName("127.0.0.1")).build()));
            assertTrue(e.getMessage().contains("need a destination port"), e.getMessage());
            ProbeOption<Integer> foreign = new ProbeOption<>("frob", Integer.class, 0, v -> true, "any");
            e = assertThrows(IllegalArgumentException.class, () ->
                    engine.probe(udp("127.0.0.1", 9).option(foreign, 1).build()));
            assertTrue(e.getMessage().contains("does not apply to udp"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> udp("127.0.0.1", 9).option(UdpOptions.PAYLOAD_SIZE, 11));
    }
}
