package io.pathprobe.icmp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.ProbeSession;
import io.pathprobe.core.Probers;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.nativeio.Privileges;
import io.pathprobe.core.stats.StatsSnapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Raw-socket echo probes on loopback, through the engine (needs root for the raw socket). */
@Tag("netns")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IcmpLoopbackTest {
    @BeforeAll
    static void root() {
        assumeTrue(Privileges.isRoot(), "raw ICMP sockets need root (or CAP_NET_RAW): run the tests as root");
    }

    static ProbeEngine engine() {
        return ProbeEngine.builder().probers(Probers.of(new IcmpProberProvider())).maxInFlight(20_000).build();
    }

    static ProbeRequest.Builder raw(String target) throws IOException {
        return ProbeRequest.builder("icmp").target(InetAddress.getByName(target))
                .option(IcmpOptions.SOCKET_MODE, IcmpSocketMode.RAW);
    }

    @Test
    void rawEchoReplyFromLoopbackV4AndV6() throws Exception {
        try (ProbeEngine engine = engine()) {
            ProbeOutcome o = engine.probeAndWait(raw("127.0.0.1").build());
            EchoReply r = assertInstanceOf(EchoReply.class, o);
            assertEquals(InetAddress.getByName("127.0.0.1"), r.responder());
            assertEquals(64, r.bytes(), "56 bytes of payload + 8 of header, like ping");
            assertEquals(64, r.ttl(), "loopback replies with the default TTL");
            assertTrue(r.rttNanos() > 0);

            ProbeOutcome o6 = engine.probeAndWait(raw("::1").build());
            EchoReply r6 = assertInstanceOf(EchoReply.class, o6);
            assertEquals(InetAddress.getByName("::1"), r6.responder());
            assertEquals(64, r6.bytes());
            assertEquals(64, r6.ttl(), "hop limit from IPV6_RECVHOPLIMIT");
        }
    }

    @Test
    void payloadSizesFromEmptyToTheMaximum() throws Exception {
        try (ProbeEngine engine = engine()) {
            for (int size : new int[] {0, 7, 8, 15, 16, 1400, 3000, 65507}) {
                for (String target : new String[] {"127.0.0.2", "::1"}) {
                    ProbeOutcome o = engine.probeAndWait(raw(target).option(IcmpOptions.PAYLOAD_SIZE, size)
                            .option(IcmpOptions.PATTERN, "a5").build());
                    if (target.equals("::1") && size == 65507) {
                        continue; // 65507 + 8 + 40 exceeds IPv6's 65535-byte payload length on a 65536-byte MTU
                    }
                    EchoReply r = assertInstanceOf(EchoReply.class, o, target + " size " + size);
                    assertEquals(size + 8, r.bytes());
                }
            }
        }
    }

    @Test
    void tenThousandProbesOver254TargetsAllAnswered() throws Exception {
        try (ProbeEngine engine = engine()) {
            List<CompletableFuture<ProbeOutcome>> fs = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                fs.add(engine.probe(raw("127.0.1." + (1 + i % 254)).build()));
            }
            int replies = 0;
            for (int i = 0; i < fs.size(); i++) {
                ProbeOutcome o = fs.get(i).get(60, TimeUnit.SECONDS);
                if (o instanceof EchoReply r) {
                    assertEquals(InetAddress.getByName("127.0.1." + (1 + i % 254)), r.responder());
                    replies++;
                }
            }
            assertEquals(10_000, replies, "loopback loses nothing");
        }
    }

    @Test
    void anotherPingOnTheSameTargetNeverPollutesTheCounts() throws Exception {
        Process ping = new ProcessBuilder("ping", "-n", "-c", "50", "-i", "0.01", "127.0.0.1")
                .redirectErrorStream(true).start();
        StatsSnapshot s;
        try (ProbeEngine engine = engine()) {
            ProbeSession session = engine.startSession(raw("127.0.0.1").build(),
                    new SessionPlan(400, Duration.ofMillis(2), Duration.ZERO), null);
            s = session.completion().get(60, TimeUnit.SECONDS);
        } finally {
            assertTrue(ping.waitFor(30, TimeUnit.SECONDS), "ping ends");
        }
        String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("50 packets transmitted, 50 received"), out);
        assertEquals(400, s.sent());
        assertEquals(400, s.received());
        assertEquals(0, s.duplicates(), "ping's replies are not ours");
        assertEquals(0, s.late());
    }

    @Test
    void portsAndForeignOptionsAreRejected() throws Exception {
        try (ProbeEngine engine = engine()) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> engine.probe(ProbeRequest.builder("icmp").target("127.0.0.1").port(80).build()));
            assertTrue(e.getMessage().contains("no port"), e.getMessage());
        }
    }
}
