package io.pathprobe.cli;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.icmp.EchoReply;
import io.pathprobe.mtr.FormatOptions;
import io.pathprobe.mtr.MtrReport;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.TraceHeader;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.TraceStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live view: its frame (no network), and {@code pathprobe mtr} in and out of a terminal (loopback). */
@Timeout(120)
class LiveViewTest {

    @Test
    void aFrameClearsTheScreenThenShowsTheStatusAndTheReportTable() throws Exception {
        TraceStatistics t = twoHopTrace();
        TraceSnapshot s = t.snapshot();
        FormatOptions f = FormatOptions.defaults();
        String frame = LiveView.frame(s, f);
        assertTrue(frame.startsWith(LiveView.CLEAR + "pathprobe mtr lb.example: round 1, "), frame);
        assertTrue(frame.contains("(running, Ctrl-C to stop)\n"), frame);
        assertTrue(frame.endsWith(MtrReport.format(s, f)), "the table is the report's: " + frame);
        t.finish(1);
        assertTrue(LiveView.frame(t.snapshot(), f).contains("(finished: destination reached at hop 2 (10.0.3.2))"));
    }

    @Test
    void inATerminalTheTableIsRedrawnEachRoundAndWithoutOneTheReportIsPrinted() throws Exception {
        List<String> cmd = ChildCli.command("mtr", "-n", "-c", "3", "-i", "0.2", "127.0.0.1");
        // script(1) gives the command a pseudo-terminal: what a person at a terminal sees.
        String tty = run("TERM=xterm", "script", "-qec", String.join(" ", cmd), "/dev/null");
        int frames = tty.split("\033\\[H\033\\[2J", -1).length - 1;
        // A frame per round and the final one; the last round's frame is left out when its answers (loopback:
        // microseconds) end the trace before the round event is told.
        assertTrue(frames == 4 || frames == 3, frames + " frames: " + tty);
        String last = tty.substring(tty.lastIndexOf("\033[H\033[2J"));
        assertTrue(last.contains("(finished: destination reached at hop 1 (127.0.0.1))"), last);
        assertTrue(last.contains("127.0.0.1"), last);

        String piped = run("TERM=xterm", cmd.toArray(String[]::new));
        assertFalse(piped.contains("\033["), "no escape sequences into a pipe: " + piped);
        assertTrue(piped.startsWith("Start: ") && piped.contains("\nHOST: "), "the report: " + piped);
    }

    /** Runs a command with one extra environment variable, returning its output; bounded by 60 s. */
    private static String run(String env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        String[] kv = env.split("=", 2);
        pb.environment().put(kv[0], kv[1]);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ends");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static TraceSnapshot twoHops() throws Exception {
        return twoHopTrace().snapshot();
    }

    /** A trace of two hops (10.0.0.1, then the destination 10.0.3.2), one round, still running. */
    private static TraceStatistics twoHopTrace() throws Exception {
        InetAddress target = InetAddress.getByName("10.0.3.2");
        TraceStatistics t = new TraceStatistics(new TraceHeader("lb.example", target, "client", ProbeMode.ICMP, 0, 0, 64, 1, 30, 10, 1,
                Instant.parse("2024-05-01T10:00:00Z")), f -> "icmp echo", 0);
        t.recordRound();
        t.recordSent(0, 1);
        t.recordOutcome(0, 1, new ProbeOutcome.TtlExceeded(1_000_000, InetAddress.getByName("10.0.0.1"), 0));
        t.recordSent(0, 2);
        t.recordOutcome(0, 2, new EchoReply(2_000_000, target, 62, 64));
        return t;
    }

    /** What the keys asked for, and a snapshot to draw. */
    private static final class FakeControls implements LiveView.Controls {
        final List<String> calls = new ArrayList<>();
        final TraceSnapshot snapshot;
        boolean paused;

        FakeControls(TraceSnapshot snapshot) {
            this.snapshot = snapshot;
        }

        @Override
        public void quit() {
            calls.add("quit");
        }

        @Override
        public void pause() {
            calls.add("pause");
            paused = true;
        }

        @Override
        public void resume() {
            calls.add("resume");
            paused = false;
        }

        @Override
        public boolean paused() {
            return paused;
        }

        @Override
        public String reset() {
            calls.add("reset");
            return "reset asked";
        }

        @Override
        public TraceSnapshot snapshot() {
            return snapshot;
        }
    }

    /** The last frame written to {@code out}. */
    private static String lastFrame(java.io.StringWriter out) {
        String all = out.toString();
        return all.substring(all.lastIndexOf(LiveView.CLEAR));
    }

    @Test
    void mtrsKeysActOnTheTraceAndTheDisplay() throws Exception {
        TraceSnapshot s = twoHops();
        FakeControls c = new FakeControls(s);
        java.io.StringWriter out = new java.io.StringWriter();
        java.util.function.Function<InetAddress, String> names = a -> a.getHostAddress().equals("10.0.0.1") ? "gw.lab"
                : a.getHostAddress();
        try (LiveView v = new LiveView(new java.io.PrintWriter(out), FormatOptions.defaults(), names, null, c)) {
            v.key('p');
            assertTrue(lastFrame(out).contains("(paused, space to resume)"), lastFrame(out));
            v.key(' ');
            v.key('r');
            assertTrue(lastFrame(out).contains("\nreset asked\n"), "reset's answer shown: " + lastFrame(out));
            v.key('Q'); // mtr lowercases keys (its Q, the TOS, is not here)
            assertEquals(List.of("pause", "resume", "reset", "quit"), c.calls);

            assertTrue(lastFrame(out).contains("  1.|-- gw.lab "), "names shown: " + lastFrame(out));
            v.key('n');
            assertTrue(lastFrame(out).contains("  1.|-- 10.0.0.1 "), "n: addresses: " + lastFrame(out));
            v.key('n');
            assertTrue(lastFrame(out).contains("  1.|-- gw.lab "), "n again: names: " + lastFrame(out));

            v.key('o');
            assertTrue(lastFrame(out).contains("Fields: "), lastFrame(out));
            for (char k : "LDx\r".toCharArray()) { // x is no field: not taken
                v.key(k);
            }
            assertTrue(lastFrame(out).contains(String.format("%-33s%6s%5s%n", "HOST: client", "Loss%", "Drop")),
                    lastFrame(out));
            v.key('j'); // no Last (N) among the fields: back to mtr's default
            assertTrue(lastFrame(out).contains("Loss%   Snt   Last   Avg  Best  Wrst StDev\n"), lastFrame(out));
            v.key('j'); // with Last: the jitter fields
            assertTrue(lastFrame(out).contains(" Drop   Rcv    Avg Gmean Jttr Javg Jmax Jint\n"), lastFrame(out));

            v.key('h');
            assertTrue(lastFrame(out).contains(LiveView.HELP), lastFrame(out));
            v.key('z'); // any key leaves the help
            assertFalse(lastFrame(out).contains(LiveView.HELP), lastFrame(out));

            v.key('d');
            assertTrue(lastFrame(out).contains("Last  50 probes") && lastFrame(out).contains("Scale:  .:"),
                    "d: the block map: " + lastFrame(out));
            v.key('d');
            assertTrue(lastFrame(out).contains("Scale:  .:") && lastFrame(out).contains("  1:"),
                    "d again: the scaled block map: " + lastFrame(out));
            v.key('d');
            assertTrue(lastFrame(out).contains("HOST: client"), "d a third time: the table: " + lastFrame(out));
        }
    }

    @Test
    void theBlockMapShowsEachHopsLastProbesOldestFirst() throws Exception {
        TraceSnapshot s = twoHops();
        InetAddress gw = InetAddress.getByName("10.0.0.1");
        java.io.StringWriter out = new java.io.StringWriter();
        try (LiveView v = new LiveView(new java.io.PrintWriter(out), FormatOptions.defaults(), null, null,
                new FakeControls(s))) {
            io.pathprobe.mtr.TraceListener l = v.listener();
            double[] ms = {1, 1, -1, 8, 1}; // -1: lost
            for (int i = 0; i < ms.length; i++) {
                ProbeOutcome o = ms[i] < 0 ? new ProbeOutcome.TimedOut((long) 2e9)
                        : new ProbeOutcome.TtlExceeded((long) (ms[i] * 1e6), gw, 0);
                l.onProbe(new io.pathprobe.mtr.ProbeRecord(i + 1, 0, 1, 0, o));
            }
            v.mode(LiveView.Mode.BLOCKMAP);
            v.key(12); // Ctrl-L: redraw
            String row = lastFrame(out).lines().filter(x -> x.startsWith(" 1. 10.0.0.1")).findFirst().orElseThrow();
            // 1 ms is the fastest, 8 ms the slowest; the 7th of 8 steps of the scale is at 1 + 7 * (7/8)^2 = 6.4 ms.
            assertTrue(row.endsWith("..?>."), row);
            v.mode(LiveView.Mode.SCALED);
            v.key(12);
            row = lastFrame(out).lines().filter(x -> x.startsWith(" 1. 10.0.0.1")).findFirst().orElseThrow();
            assertTrue(row.endsWith("..?>."), "the fastest in the first step, the slowest beyond the last: " + row);
            String hop2 = lastFrame(out).lines().filter(x -> x.startsWith(" 2. 10.0.3.2")).findFirst().orElseThrow();
            assertEquals(String.format("%-28s ", " 2. 10.0.3.2") + " ".repeat(50), hop2, "no probe recorded for hop 2");
        }
    }
}
