package io.pathprobe.cli;

import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.Installed;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * iputils ping and {@code pathprobe ping} on the same lab ({@code client - r1 - server}), one after the other with
 * the same arguments: the exit status is the same and stdout is the same line by line once every number (times,
 * counts, addresses' digits) is one symbol. Answers, loss (nft {@code numgen inc}: every other request dropped,
 * so both runs lose the same ones), unreachables (an nft reject on r1), TTL exceeded, flood, and Ctrl-C.
 *
 * <p>Intervals are long enough that the order of lines does not depend on timing: "no answer yet" (-O) is printed
 * when the next request goes out, so -O runs use -i 1, well over the first request's start-up.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(600)
class PingVsIputilsLabTest {
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");

    /** stdout's lines with every number as {@code #}. */
    static List<String> normalised(String out) {
        return out.lines().map(l -> NUMBER.matcher(l).replaceAll("#")).toList();
    }

    private static String iputils() {
        return Installed.program("ping", "iputils-ping").toString();
    }

    private static String text(java.net.InetAddress a) {
        return io.pathprobe.core.AddressText.of(a);
    }

    /** Runs both with {@code args}; returns ours after checking it against iputils'. */
    private static Cli sameAsIputils(Host client, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(iputils()));
        cmd.addAll(List.of(args));
        CommandResult theirs = client.run(cmd.toArray(String[]::new));
        List<String> ourArgs = new ArrayList<>(List.of("ping"));
        ourArgs.addAll(List.of(args));
        Cli ours = client.call(() -> Cli.run(ourArgs.toArray(String[]::new)));
        String both = "\niputils ping " + String.join(" ", args) + " (exit " + theirs.exitCode() + "):\n"
                + theirs.stdout() + theirs.stderr() + "\npathprobe (exit " + ours.code() + "):\n" + ours.out() + ours.err();
        assertEquals(theirs.exitCode(), ours.code(), "exit status" + both);
        assertEquals(normalised(theirs.stdout()), normalised(ours.out()), "lines modulo numbers" + both);
        return ours;
    }

    @Test
    void answersAsIputilsPrintsThem(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        Host client = path.client();
        String s4 = text(path.server().address(StandardProtocolFamily.INET));
        String s6 = text(path.server().address(StandardProtocolFamily.INET6));
        String c4 = text(client.address(StandardProtocolFamily.INET));
        Cli plain = sameAsIputils(client, "-c", "3", "-i", "0.2", s4);
        assertEquals(3, plain.outLinesStartingWith("64 bytes from " + s4 + ": icmp_seq="), plain.out());
        Cli stamped = sameAsIputils(client, "-c", "3", "-i", "0.2", "-n", "-D", "-a", s4);
        assertTrue(stamped.outLines().stream().filter(l -> l.contains(" bytes from "))
                .allMatch(l -> l.matches("\\[\\d{10}\\.\\d{6}] 64 bytes from .* ms\u0007")), stamped.out());
        sameAsIputils(client, "-c", "3", "-i", "0.2", "-q", s4);
        sameAsIputils(client, "-c", "2", "-i", "0.2", "-s", "100", "-t", "64", "-Q", "0x10", "-p", "ff00", s4);
        sameAsIputils(client, "-c", "2", "-i", "0.2", "-4", "-I", c4, s4);
        sameAsIputils(client, "-c", "2", "-i", "0.2", "-W", "1", "-6", s6);
        // Deadline and count: fewer replies than the count within the deadline is a failure (exit 1) for both.
        CommandResult theirs = client.run(iputils(), "-w", "1", "-c", "50", "-i", "0.2", s4);
        Cli ours = client.call(() -> Cli.run("ping", "-w", "1", "-c", "50", "-i", "0.2", s4));
        assertEquals(1, theirs.exitCode(), theirs.stdout());
        assertEquals(1, ours.code(), ours.out());
    }

    @Test
    void lossWithAndWithoutO(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        String s4 = text(path.server().address(StandardProtocolFamily.INET));
        // Every other request dropped (a counter, not chance): both runs of 4 requests lose numbers 2 and 4.
        path.server().nft().rule(Nft.Chain.INPUT, "icmp type echo-request numgen inc mod 2 == 1 drop");
        Cli quiet = sameAsIputils(path.client(), "-c", "4", "-i", "0.3", "-W", "0.2", s4);
        assertEquals(0, quiet.outLinesStartingWith("no answer"), "nothing per lost request without -O: " + quiet.out());
        assertTrue(quiet.outLines().contains("4 packets transmitted, 2 received, 50% packet loss, time "
                + quiet.outLines().get(quiet.outLines().size() - 2).replaceAll(".*time ", "")), quiet.out());
        Cli o = sameAsIputils(path.client(), "-c", "4", "-i", "1", "-W", "0.5", "-O", s4);
        // The last request's loss is not reported: ping ends before a next request would ask.
        assertEquals(List.of("no answer yet for icmp_seq=2"),
                o.outLines().stream().filter(l -> l.startsWith("no answer")).toList(), o.out());
        // Nothing answers: exit 1, and the summary has ping's empty line where the rtt would be.
        path.server().nft().rule(Nft.Chain.INPUT, "icmp type echo-request drop");
        Cli none = sameAsIputils(path.client(), "-c", "2", "-i", "0.3", "-W", "0.2", s4);
        assertTrue(none.out().endsWith("% packet loss, time " + none.outLines().get(none.outLines().size() - 1)
                .replaceAll(".*time ", "") + "\n\n"), none.out());
    }

    @Test
    void icmpErrorsInIputilsWords(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        Host client = path.client();
        String s4 = text(path.server().address(StandardProtocolFamily.INET));
        String s6 = text(path.server().address(StandardProtocolFamily.INET6));
        String v4 = text(path.server().vip(StandardProtocolFamily.INET));
        String r4 = text(path.router(1).addressTowardClient(StandardProtocolFamily.INET));
        Cli ttl = sameAsIputils(client, "-c", "2", "-i", "0.2", "-t", "1", s4);
        assertTrue(ttl.outLines().contains("From " + r4 + " icmp_seq=1 Time to live exceeded"), ttl.out());
        path.router(1).nft().rule(Nft.Chain.FORWARD, "ip daddr " + s4 + " reject with icmp type net-unreachable");
        path.router(1).nft().rule(Nft.Chain.FORWARD, "ip daddr " + v4 + " reject with icmp type host-unreachable");
        path.router(1).nft().rule(Nft.Chain.FORWARD, "ip6 daddr " + s6 + " reject with icmpv6 type addr-unreachable");
        Cli net = sameAsIputils(client, "-c", "2", "-i", "0.2", s4);
        assertTrue(net.outLines().contains("From " + r4 + " icmp_seq=2 Destination Net Unreachable"), net.out());
        sameAsIputils(client, "-c", "2", "-i", "0.2", "-D", v4);
        sameAsIputils(client, "-c", "3", "-i", "1", "-W", "0.5", "-O", v4);
        Cli six = sameAsIputils(client, "-c", "2", "-i", "0.2", s6);
        assertTrue(six.out().contains(" icmp_seq=1 Destination unreachable: Address unreachable\n"), six.out());
        // No route at all from the client: ping refuses to start (exit 2), naming the problem on stderr.
        CommandResult theirs = client.run(iputils(), "-c", "1", "192.0.2.1");
        Cli ours = client.call(() -> Cli.run("ping", "-c", "1", "192.0.2.1"));
        assertEquals(2, theirs.exitCode(), theirs.stderr());
        ours.assertUsageError("Network is unreachable");
    }

    @Test
    void floodDotsAndBackspaces(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        String s4 = text(path.server().address(StandardProtocolFamily.INET));
        path.server().nft().rule(Nft.Chain.INPUT, "icmp type echo-request numgen inc mod 4 == 3 drop");
        CommandResult theirs = path.client().run(iputils(), "-c", "40", "-f", "-W", "0.3", s4);
        Cli ours = path.client().call(() -> Cli.run("ping", "-c", "40", "-f", "-W", "0.3", s4));
        String both = "\niputils:\n" + theirs.stdout() + "\npathprobe:\n" + ours.out();
        assertEquals(theirs.exitCode(), ours.code(), both);
        for (String out : List.of(theirs.stdout(), ours.out())) {
            List<String> lines = out.lines().toList();
            String dots = lines.get(1);
            // A dot per request, a backspace-space-backspace per reply: 40 sent, 30 answered (every 4th dropped).
            assertEquals(40, dots.chars().filter(c -> c == '.').count(), both);
            assertEquals(30, dots.split("\b \b", -1).length - 1, both);
            assertEquals("--- " + s4 + " ping statistics ---", lines.get(2), both);
        }
        assertEquals(normalised(theirs.stdout()).subList(2, normalised(theirs.stdout()).size()),
                normalised(ours.out()).subList(2, normalised(ours.out()).size()), "the summary, ipg/ewma too" + both);
    }

    /**
     * Ctrl-C: a real SIGINT to both, run as processes in the client's namespace. Exit 0 when replies came and 1
     * when none did, as iputils (not 130), with the summary printed.
     */
    @Test
    void ctrlCExitsAsIputils(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        String s4 = text(path.server().address(StandardProtocolFamily.INET));
        String silent = text(path.server().vip(StandardProtocolFamily.INET));
        path.server().nft().rule(Nft.Chain.INPUT, "ip daddr " + silent + " icmp type echo-request drop");
        List<String> ours = new ArrayList<>(ChildCli.command("ping", "-i", "0.2", "-w", "60"));
        // stdbuf: iputils writes through stdio, which buffers a pipe until the end
        List<String> theirs = new ArrayList<>(List.of("stdbuf", "-oL", iputils(), "-i", "0.2", "-w", "60"));
        for (List<String> cmd : List.of(theirs, ours)) {
            assertEquals(0, interruptAfter(path.client(), cmd, s4, "64 bytes from " + s4), cmd.toString());
            assertEquals(1, interruptAfter(path.client(), cmd, silent, "PING "), cmd.toString());
        }
    }

    /** Runs {@code cmd target}, interrupts it once a line starts with {@code prefix}; its status, after its summary. */
    private static int interruptAfter(Host host, List<String> cmd, String target, String prefix) throws Exception {
        List<String> full = new ArrayList<>(cmd);
        full.add(target);
        Sigint.Ended e = Sigint.interruptAfter(host, full, prefix);
        assertEquals(1, e.lines().stream().filter(x -> x.equals("--- " + target + " ping statistics ---")).count(),
                "the summary: " + e.lines());
        return e.exitCode();
    }
}
