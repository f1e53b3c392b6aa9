package io.pathprobe.cli;

import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.StandardProtocolFamily;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pathprobe ping} inside a lab ({@code client - r1 - server}): the command runs on a thread inside the
 * client's namespace, and the engine's threads, started from it, inherit the namespace (Linux threads do). That
 * gives what loopback cannot: a target that never answers, ICMP errors, duplicated replies.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(120)
class PingLabTest {
    private static String text(java.net.InetAddress a) {
        return a.getHostAddress();
    }

    @Test
    void aSilentTargetMeansExitStatus1AndFullLoss(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        String up = text(path.server().address(StandardProtocolFamily.INET));
        String silent = text(path.server().vip(StandardProtocolFamily.INET));
        path.server().nft().rule(Nft.Chain.INPUT, "ip daddr " + silent + " icmp type echo-request drop");
        Cli r = path.client().call(() -> Cli.run("ping", "-c", "2", "-i", "0.05", "-W", "0.3", up, silent));
        assertEquals(1, r.code(), "one target never answered: " + r.err() + r.out());
        List<String> lines = r.out().lines().toList(); // with a last empty line, as ping ends a summary without rtt
        int s = lines.indexOf("--- " + silent + " ping statistics ---");
        assertTrue(lines.get(s + 1).matches("2 packets transmitted, 0 received, 100% packet loss, time \\d+ms"), r.out());
        assertTrue(lines.get(s + 2).isEmpty(), "ping's empty line where the rtt line would be: " + r.out());
        assertEquals(0, r.outLinesStartingWith("no answer"), "nothing per lost request without -O: " + r.out());
        int u = lines.indexOf("--- " + up + " ping statistics ---");
        assertTrue(lines.get(u + 1).startsWith("2 packets transmitted, 2 received, 0% packet loss"), r.out());
        assertEquals(2, lines.stream().filter(l -> l.startsWith("64 bytes from " + up + ": icmp_seq=")
                && l.contains(" ttl=63 ")).count(), "one router on the way: " + r.out());
    }

    @Test
    void ttlExceededLinesAndErrorsInTheSummary(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        String server = text(path.server().address(StandardProtocolFamily.INET));
        String router = text(path.router(1).addressTowardClient(StandardProtocolFamily.INET));
        Cli r = path.client().call(() -> Cli.run("ping", "-c", "2", "-i", "0.05", "-t", "1", server));
        assertEquals(1, r.code(), r.err() + r.out());
        assertTrue(r.outLines().contains("From " + router + " icmp_seq=1 Time to live exceeded"), r.out());
        assertTrue(r.outLines().contains("From " + router + " icmp_seq=2 Time to live exceeded"), r.out());
        assertTrue(r.out().contains("2 packets transmitted, 0 received, +2 errors, 100% packet loss, time "), r.out());
    }

    @Test
    void duplicatedRepliesAreMarkedAndCountedApart(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        Host server = path.server();
        String target = text(server.address(StandardProtocolFamily.INET));
        // nft's dup statement exists in ip/ip6/netdev tables only (not inet, the testkit's).
        server.exec("nft", "add table ip ppdup");
        server.exec("nft", "add chain ip ppdup out { type filter hook output priority 0 ; }");
        server.exec("nft", "add rule ip ppdup out icmp type echo-reply dup to "
                + text(path.router(1).addressToward(server, StandardProtocolFamily.INET)));
        Cli r = path.client().call(() -> Cli.run("ping", "-c", "3", "-i", "0.1", target));
        assertEquals(0, r.code(), r.err() + r.out());
        // The copy of the last reply may come as the report is being written (iputils ping misses it too): 2 or 3.
        long dups = r.outLines().stream().filter(l -> l.matches("reply from " + target.replace(".", "\\.")
                + ": icmp_seq=[123] \\(DUP!\\)")).count();
        assertTrue(dups >= 2, r.out());
        assertTrue(r.out().matches("(?s).*\\n3 packets transmitted, 3 received, \\+[23] duplicates, 0% packet loss.*"),
                "duplicates never count as received: " + r.out());
    }
}
