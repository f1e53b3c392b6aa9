package io.pathprobe.cli;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.mtr.FormatOptions;
import io.pathprobe.mtr.MtrReport;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.Trace;
import io.pathprobe.mtr.TraceInfo;
import io.pathprobe.mtr.TraceSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        InetAddress target = InetAddress.getByName("10.0.3.2");
        Trace t = new Trace(new TraceInfo("lb.example", target, "client", ProbeMode.ICMP, 0, 0, 64, 1, 30, 10, 1,
                Instant.parse("2024-05-01T10:00:00Z")), f -> "icmp echo", 0);
        t.recordRound();
        t.recordSent(0, 1);
        t.recordOutcome(0, 1, new ProbeOutcome.TtlExceeded(1_000_000, InetAddress.getByName("10.0.0.1"), 0));
        t.recordSent(0, 2);
        t.recordOutcome(0, 2, new ProbeOutcome.Reply(2_000_000, target, 62, 64));
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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "mtr", "-n", "-c", "3", "-i", "0.2", "127.0.0.1"));
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
}
