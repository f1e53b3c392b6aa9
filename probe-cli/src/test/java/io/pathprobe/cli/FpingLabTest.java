package io.pathprobe.cli;

import io.pathprobe.testkit.CommandResult;
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
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pathprobe fping} side by side with fping on the same lab ({@code client - r1 - server}), same flags, line by
 * line modulo the numbers. Three targets: the server's address (always answers), the router's (drops 30% of the
 * echo requests, nftables {@code numgen random}) and the server's VIP (drops every request).
 *
 * <p>Lines of the lossy target are random in kind (a reply or a timeout), so they are compared by shape; with 10
 * probes at 30% loss, "never answered" (which would drop the times from its -c summary) has probability
 * 0.3^10 = 5.9e-6 per run of one tool, 1 - (1 - 5.9e-6)^2 = 1.2e-5 for the pair: below 1 in 10,000. Only the -c
 * run relies on it; the -C run's shapes hold whatever was lost.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(120)
class FpingLabTest {
    private record Lab(LinearPath path, String up, String lossy, String dead) {
        List<String> targets() {
            return List.of(up, lossy, dead);
        }
    }

    private static Lab lab(NetLab lab) {
        LinearPath path = lab.linearPath(1);
        String up = path.server().address(StandardProtocolFamily.INET).getHostAddress();
        String dead = path.server().vip(StandardProtocolFamily.INET).getHostAddress();
        String lossy = path.router(1).addressTowardClient(StandardProtocolFamily.INET).getHostAddress();
        path.server().nft().rule(Nft.Chain.INPUT, "ip daddr " + dead + " icmp type echo-request drop");
        path.router(1).nft().rule(Nft.Chain.INPUT,
                "ip daddr " + lossy + " icmp type echo-request numgen random mod 10 < 3 drop");
        return new Lab(path, up, lossy, dead);
    }

    /** Both tools' results for the same arguments, run from the client's namespace. */
    private record Pair(CommandResult fping, Cli ours) {
    }

    private static Pair both(Lab lab, String... args) throws Exception {
        String fping = Installed.program("fping", "fping").toString();
        List<String> cmd = new ArrayList<>(List.of(fping));
        cmd.addAll(Arrays.asList(args));
        CommandResult theirs = lab.path().client().run(cmd.toArray(new String[0]));
        List<String> ours = new ArrayList<>(List.of("fping"));
        ours.addAll(Arrays.asList(args));
        Cli mine = lab.path().client().call(() -> Cli.run(ours.toArray(new String[0])));
        return new Pair(theirs, mine);
    }

    private static String[] with(List<String> targets, String... flags) {
        return Stream.concat(Arrays.stream(flags), targets.stream()).toArray(String[]::new);
    }

    /** A line with every number (and fping's NaN) as N. */
    static String shape(String line) {
        return line.replace("NaN", "N").replaceAll("\\d+(\\.\\d+)?(e[+-]\\d+)?", "N");
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1);
    }

    private static List<String> of(List<String> lines, String host) {
        return lines.stream().filter(l -> l.startsWith(host + " ")).map(FpingLabTest::shape).sorted().toList();
    }

    @Test
    void vectorModeAsFping(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        Pair p = both(lab, with(lab.targets(), "-C", "10", "-p", "20"));
        assertEquals(p.fping().exitCode(), p.ours().code(), "exit status: " + p.ours().err());
        assertEquals(1, p.ours().code());
        List<String> theirs = lines(p.fping().stdout());
        List<String> ours = p.ours().outLines();
        for (String host : List.of(lab.up(), lab.dead())) { // deterministic: the same lines, modulo numbers
            assertEquals(of(theirs, host), of(ours, host), host + "\nfping:\n" + p.fping().stdout() + "\nours:\n" + p.ours().out());
        }
        // The lossy one: ten lines, each a reply or a timeout in fping's shape.
        String h = shape(lab.lossy());
        List<String> lossy = of(ours, lab.lossy());
        assertEquals(10, lossy.size(), p.ours().out());
        for (String l : lossy) {
            assertTrue(l.matches(java.util.regex.Pattern.quote(h) + " +: \\[N\\], (N bytes, N ms \\(N avg, N% loss\\)"
                    + "|timed out \\(N avg, N% loss\\))"), l);
        }
        assertEquals(theirs.size(), ours.size(), "as many lines: fping\n" + p.fping().stdout() + "\nours\n" + p.ours().out());
        // stderr: a blank line, then per target its ten times or '-', in the targets' order.
        List<String> theirErr = lines(p.fping().stderr());
        List<String> ourErr = lines(p.ours().err());
        assertEquals(theirErr.stream().map(l -> shape(l).replace(" -", " N")).toList(),
                ourErr.stream().map(l -> shape(l).replace(" -", " N")).toList(), "fping\n" + p.fping().stderr() + "\nours\n" + p.ours().err());
        assertEquals(shape(theirErr.get(3)), shape(ourErr.get(3)), "the dead target: ten '-'");
    }

    @Test
    void countModeQuietAsFping(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        Pair p = both(lab, with(lab.targets(), "-c", "10", "-p", "20", "-q"));
        assertEquals(p.fping().exitCode(), p.ours().code(), "exit status: " + p.ours().err());
        assertEquals("", p.fping().stdout());
        assertEquals("", p.ours().out());
        // -q: no blank line; the lossy target's summary has its times (see the class comment for the odds).
        assertEquals(lines(p.fping().stderr()).stream().map(FpingLabTest::shape).toList(),
                lines(p.ours().err()).stream().map(FpingLabTest::shape).toList(),
                "fping\n" + p.fping().stderr() + "\nours\n" + p.ours().err());
    }

    @Test
    void defaultModeWithStatisticsAndAnUnknownHostAsFping(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        Pair p = both(lab, "-t", "100", "-r", "1", "-e", "-s", lab.up(), lab.dead(), "no-such-host.invalid");
        assertEquals(2, p.fping().exitCode(), p.fping().stderr());
        assertEquals(2, p.ours().code(), p.ours().err());
        assertEquals(lines(p.fping().stdout()).stream().map(FpingLabTest::shape).toList(),
                p.ours().outLines().stream().map(FpingLabTest::shape).toList(),
                "fping\n" + p.fping().stdout() + "\nours\n" + p.ours().out());
        // The resolver's reason differs (fping: getaddrinfo's words); the rest of stderr is the -s block.
        List<String> theirErr = lines(p.fping().stderr());
        List<String> ourErr = lines(p.ours().err());
        assertTrue(theirErr.get(0).startsWith("no-such-host.invalid: "), p.fping().stderr());
        assertTrue(ourErr.get(0).startsWith("no-such-host.invalid: "), p.ours().err());
        assertEquals(theirErr.subList(1, theirErr.size()).stream().map(FpingLabTest::shape).toList(),
                ourErr.subList(1, ourErr.size()).stream().map(FpingLabTest::shape).toList(),
                "fping\n" + p.fping().stderr() + "\nours\n" + p.ours().err());
    }

    @Test
    void aliveAndUnreachableListsAsFping(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        for (String flag : List.of("-a", "-u")) {
            Pair p = both(lab, "-t", "100", "-r", "1", flag, lab.dead(), lab.up());
            assertEquals(1, p.fping().exitCode(), p.fping().stderr());
            assertEquals(1, p.ours().code(), p.ours().err());
            assertEquals(p.fping().stdout(), p.ours().out(), flag);
            assertEquals(flag.equals("-a") ? lab.up() + "\n" : lab.dead() + "\n", p.ours().out(), flag);
            assertEquals(p.fping().stderr(), p.ours().err(), flag);
        }
    }
}
