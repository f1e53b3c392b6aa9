package io.pathprobe.mtr.lab;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.mtr.HopSnapshot;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.StopReason;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;
import io.pathprobe.testkit.Forger;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A blind forger on a side link of r1 ({@code client - r1 - server}, the server dropping the probes) during a
 * trace, in each mode that the forger can aim at: it sprays answers "from" the server and errors "from" itself for
 * the first keys of a fresh tracer's first round (TTLs 1 to 4). The trace must show r1 at hop 1 and nothing else:
 * no fake hop, no fake destination.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TraceForgeryLabTest {
    private static final int SEQUENCES = 4;

    /** What the server drops, and what the forger sprays, in each mode. */
    enum Forgery {
        /**
         * For every identifier and the first four sequences: echo replies "from" the server and Time Exceeded "from"
         * the forger quoting only 8 bytes.
         */
        ICMP(ProbeMode.ICMP, true, "icmp type echo-request drop", "icmpv6 type echo-request drop") {
            @Override
            Forger.PacketSource packets(TraceConfig c, boolean v6, InetAddress client, InetAddress server,
                                        InetAddress fake) {
                return (i, b, off) -> {
                    int seq = (int) (i % SEQUENCES);
                    int id = (int) (i / SEQUENCES);
                    if (seq % 2 == 0) {
                        return Forger.echoReply(b, off, server, client, id, seq, 0, i);
                    }
                    return Forger.error(b, off, fake, client, v6 ? 3 : 11, 0, client, server, v6 ? 58 : 1,
                            Forger.echoRequest(v6, id, seq, (int) i, 0, i));
                };
            }
        },
        /**
         * Where the 4-tuple is public (Paris: source port 41000, destination port 33434): Time Exceeded and port
         * unreachable quoting the client's datagrams with the first keys (0 to 3) and guessed tokens, and 8-byte
         * quotes that carry no token. Nothing may count: the 64-bit token decides. (This held before issue 10 too;
         * it guards the UDP prober's matching.)
         */
        UDP(ProbeMode.UDP, false, "meta l4proto udp drop") {
            @Override
            Forger.PacketSource packets(TraceConfig c, boolean v6, InetAddress client, InetAddress server,
                                        InetAddress fake) {
                return (i, b, off) -> {
                    boolean unreachable = i % 2 == 1; // "from the destination": the trace would end there
                    int type = v6 ? (unreachable ? 1 : 3) : (unreachable ? 3 : 11);
                    int code = unreachable ? (v6 ? 4 : 3) : 0;
                    boolean shortQuote = (i / 2) % 2 == 0;
                    return Forger.error(b, off, unreachable ? server : fake, client, type, code, client, server, 17,
                            (q, at) -> {
                                q.putShort(at, (short) c.sourcePort());
                                q.putShort(at + 2, (short) c.port());
                                q.putShort(at + 4, (short) (8 + 36));
                                q.putShort(at + 6, (short) 0);
                                if (shortQuote) {
                                    return 8;
                                }
                                q.putInt(at + 8, (int) (i / 4) % SEQUENCES); // a key in use
                                q.putLong(at + 12, i * 0x9e3779b97f4a7c15L); // a guessed token
                                return 8 + 12;
                            });
                };
            }
        };

        final ProbeMode mode;
        /** Whether hop 1's one answer is also counted (ICMP's test has always said so; UDP's only names r1). */
        final boolean countsHopOne;
        final List<String> serverDrops;

        Forgery(ProbeMode mode, boolean countsHopOne, String... serverDrops) {
            this.mode = mode;
            this.countsHopOne = countsHopOne;
            this.serverDrops = List.of(serverDrops);
        }

        abstract Forger.PacketSource packets(TraceConfig c, boolean v6, InetAddress client, InetAddress server,
                                             InetAddress fake);
    }

    @ParameterizedTest(name = "{0} trace")
    @EnumSource(Forgery.class)
    void aBlindForgerAddsNoHopAndNoDestinationToATrace(Forgery forgery, NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        Host attacker = lab.host("atk");
        lab.link(path.router(1), attacker);
        lab.installRoutes();
        lab.awaitLinksUp();
        Nft nft = path.server().nft();
        for (String drop : forgery.serverDrops) {
            nft.rule(Nft.Chain.INPUT, drop);
        }
        for (StandardProtocolFamily f : List.of(INET, INET6)) {
            boolean v6 = f == INET6;
            InetAddress client = path.client().address(f);
            InetAddress server = path.server().address(f);
            InetAddress fake = attacker.address(f);
            TraceSnapshot s;
            try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(path.client().namespace()).build();
                 Forger forger = Forger.on(attacker, v6)) {
                TraceConfig c = TraceConfig.builder(server).mode(forgery.mode).count(1).maxTtl(SEQUENCES)
                        .timeout(Duration.ofSeconds(4)).build();
                Tracer t = Tracer.start(engine, c, null);
                Thread.sleep(200); // the round is out; r1's answer to TTL 1 is in
                forger.spray(client, (long) SEQUENCES << 16, Duration.ofSeconds(2),
                        forgery.packets(c, v6, client, server, fake));
                s = t.completion().get(20, TimeUnit.SECONDS);
            }
            String what = f + " " + forgery + ": " + s.stop().describe();
            assertNotEquals(StopReason.Kind.DESTINATION_REACHED, s.stop().kind(), "the target is dead: " + what);
            for (HopSnapshot h : s.table().hops()) {
                for (var a : h.addresses()) {
                    assertNotEquals(fake, a.address(), "a fake hop " + h.ttl() + " (" + what + ")");
                    assertNotEquals(server, a.address(), "a fake answer at hop " + h.ttl() + " (" + what + ")");
                }
                if (h.ttl() == 1) {
                    assertEquals(path.router(1).addressTowardClient(f), h.host(), what);
                    if (forgery.countsHopOne) {
                        assertEquals(1, h.stats().received(), what);
                    }
                } else {
                    assertEquals(0, h.stats().received(), "hop " + h.ttl() + " answered: " + what);
                }
            }
            if (forgery.countsHopOne) {
                assertTrue(s.table().hops().size() >= 1, what);
            }
        }
    }
}
