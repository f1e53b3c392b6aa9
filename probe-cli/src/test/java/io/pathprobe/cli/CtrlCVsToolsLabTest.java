package io.pathprobe.cli;

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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ctrl-C, side by side with the real tools: fping 5.1 and mtr 0.95 run in the client's namespace of a
 * {@code client - r1 - server} lab, then {@code pathprobe fping} and {@code pathprobe mtr} (child JVMs) with the same
 * arguments, each sent a real SIGINT once it has printed a line for a probe. The exit statuses must be the same:
 * fping's are those of its normal end (0 every target answered, 1 not), mtr's 130. The server's VIP drops every
 * echo request (nft); its address answers. (iputils ping: {@link PingVsIputilsLabTest#ctrlCExitsAsIputils}.)
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(300)
class CtrlCVsToolsLabTest {
    private record Lab(LinearPath path, String up, String dead) {
    }

    private static Lab lab(NetLab lab) {
        LinearPath path = lab.linearPath(1);
        String up = path.server().address(StandardProtocolFamily.INET).getHostAddress();
        String dead = path.server().vip(StandardProtocolFamily.INET).getHostAddress();
        path.server().nft().rule(Nft.Chain.INPUT, "ip daddr " + dead + " icmp type echo-request drop");
        return new Lab(path, up, dead);
    }

    /**
     * The real tool (stdout line-buffered by stdbuf, as a terminal would have it; SIGINT back to its default, as a
     * shell with job control starts it) and ours, interrupted after a line starting with {@code prefix}.
     */
    private static List<Sigint.Ended> both(Lab lab, String tool, String pkg, String prefix, String... args)
            throws Exception {
        List<String> theirs = new ArrayList<>(List.of("env", "--default-signal=INT", "stdbuf", "-oL",
                Installed.program(tool, pkg).toString()));
        theirs.addAll(List.of(args));
        Sigint.Ended real = Sigint.interruptAfter(lab.path().client(), theirs, prefix);
        Sigint.Ended ours = Sigint.interruptAfter(lab.path().client(), ChildCli.command(with(tool, args)), prefix);
        return List.of(real, ours);
    }

    private static String[] with(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static long summaries(Sigint.Ended e) {
        return e.lines().stream().filter(l -> l.contains(" : xmt/rcv/%loss = ")).count();
    }

    @Test
    void fpingLoopAndCountModesExitAsFpingAfterCtrlC(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        List<List<String>> runs = List.of(
                List.of("-l", "-p", "200", lab.up()),
                List.of("-l", "-p", "200", lab.dead()),
                List.of("-c", "300", "-p", "200", lab.up(), lab.dead()),
                List.of("-C", "300", "-p", "200", lab.up()));
        List<Integer> expected = List.of(0, 1, 1, 0);
        for (int i = 0; i < runs.size(); i++) {
            List<String> args = runs.get(i);
            String first = args.get(args.size() - (args.contains(lab.dead()) && args.contains(lab.up()) ? 2 : 1));
            String prefix = first + " "; // fping pads the host to the longest one
            List<Sigint.Ended> p = both(lab, "fping", "fping", prefix, args.toArray(String[]::new));
            String shown = "fping " + args + ":\nfping: " + p.get(0) + "\nours: " + p.get(1);
            assertEquals(expected.get(i), p.get(0).exitCode(), "the premise, fping's status" + shown);
            assertEquals(p.get(0).exitCode(), p.get(1).exitCode(), "exit status" + shown);
            if (!args.contains("-C")) {
                assertEquals(summaries(p.get(0)), summaries(p.get(1)), "a summary per target" + shown);
                assertEquals(args.contains(lab.dead()) && args.contains(lab.up()) ? 2 : 1, summaries(p.get(1)), shown);
            }
        }
    }

    @Test
    void mtrExits130AfterCtrlCAsMtr(NetLab netLab) throws Exception {
        Lab lab = lab(netLab);
        List<Sigint.Ended> p = both(lab, "mtr", "mtr-tiny", "p ", "--raw", "-n", "-c", "300", "-i", "0.2", lab.up());
        String shown = "\nmtr: " + p.get(0) + "\nours: " + p.get(1);
        assertEquals(130, p.get(0).exitCode(), "the premise" + shown);
        assertEquals(130, p.get(1).exitCode(), shown);
    }
}
