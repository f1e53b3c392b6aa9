package io.pathprobe.tcp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.testkit.Epoll;
import io.pathprobe.testkit.Forger;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.Node;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the kernel checks for the TCP prober (issue 10, finding 2): a blind forger on a side link of r1 sends Time
 * Exceeded "from" itself quoting the client's SYN to a silent port, for every source port of the client's ephemeral
 * range, with a guessed sequence number. The kernel finds the connecting socket by the quoted 4-tuple, sees a
 * sequence number that is not the SYN's ISN and drops the error (TcpExtOutOfWindowIcmps grows); the probe ends
 * timed out, not TTL-exceeded at a fake router. This verifies the kernel's behaviour that the prober relies on: it
 * held before the prober checked the quote itself too, so this test passes on the old code as well.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpForgeryLabTest {
    private static final int PORT = 8081;

    private static long outOfWindowIcmps(Node n) {
        String[] lines = n.exec("cat", "/proc/net/netstat").split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("TcpExt:") && lines[i + 1].startsWith("TcpExt:")) {
                List<String> names = List.of(lines[i].trim().split("\\s+"));
                String[] values = lines[i + 1].trim().split("\\s+");
                return Long.parseLong(values[names.indexOf("OutOfWindowIcmps")]);
            }
        }
        throw new AssertionError("no TcpExt counters in /proc/net/netstat");
    }

    @Test
    void forgedTimeExceededWithAGuessedSequenceNeverEndsAConnect(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        Host attacker = lab.host("atk");
        lab.link(path.router(1), attacker);
        lab.installRoutes();
        lab.awaitLinksUp();
        path.server().nft().dropTcpPort(PORT);
        String[] range = path.client().exec("cat", "/proc/sys/net/ipv4/ip_local_port_range").trim().split("\\s+");
        int low = Integer.parseInt(range[0]);
        int high = Integer.parseInt(range[1]);
        try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(path.client().namespace()).build()) {
            Epoll.require(engine, "the error queue needs");
            for (StandardProtocolFamily f : List.of(INET, INET6)) {
                boolean v6 = f == INET6;
                InetAddress client = path.client().address(f);
                InetAddress server = path.server().address(f);
                InetAddress fake = attacker.address(f);
                long before = outOfWindowIcmps(path.client());
                CompletableFuture<ProbeOutcome> probe = engine.probe(ProbeRequest.builder("tcp").target(server)
                        .port(PORT).timeout(Duration.ofSeconds(5)).build());
                Thread.sleep(200); // the SYN is out
                try (Forger forger = Forger.on(attacker, v6)) {
                    forger.spray(client, high - low + 1, Duration.ofSeconds(3), (i, b, off) ->
                            Forger.error(b, off, fake, client, v6 ? 3 : 11, 0, client, server, 6, (q, at) -> {
                                q.putShort(at, (short) (low + i));
                                q.putShort(at + 2, (short) PORT);
                                q.putInt(at + 4, (int) (i * 0x9e3779b9L)); // a guess at the ISN
                                return 8;
                            }));
                }
                ProbeOutcome o = probe.get(10, TimeUnit.SECONDS);
                assertInstanceOf(ProbeOutcome.TimedOut.class, o, f + ": a forged error ended the connect: " + o);
                long dropped = outOfWindowIcmps(path.client()) - before;
                assertTrue(dropped >= 1, f + ": the forgery for the right source port reached the socket lookup and"
                        + " was dropped for its sequence number (OutOfWindowIcmps +" + dropped + ")");
            }
        }
    }
}
