package io.pathprobe.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code pathprobe mtr}'s live view on a real terminal: tmux runs it (loopback, 127.0.0.1), {@code send-keys} types
 * mtr's keys and {@code capture-pane} reads the screen, as a person at a terminal would see it. The tmux server
 * has a socket of its own and is killed at the end, whatever happens.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MtrLiveKeysTest {
    private static final Pattern ROUND = Pattern.compile("pathprobe mtr 127\\.0\\.0\\.1: round (\\d+),");
    /** Longest wait for the screen to show what a key asked for (a loaded machine starts a JVM slowly). */
    private static final long WAIT_MS = 60_000;

    private final String socket = "pathprobe-mtr-keys-" + ProcessHandle.current().pid();

    @Test
    void mtrsKeysWorkOnARealTerminal() throws Exception {
        Assumptions.assumeTrue(onPath("tmux"), "tmux is not installed (apt-get install tmux; CI installs it)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "mtr", "-n", "-c", "0", "--duration", "3m", "-i", "0.5", "127.0.0.1"));
        StringBuilder line = new StringBuilder("TERM=xterm");
        for (String c : cmd) {
            line.append(" '").append(c.replace("'", "'\\''")).append('\'');
        }
        // After pathprobe: its exit status, and the terminal's modes (raw mode must have been undone).
        line.append("; echo EXIT=$?; stty -a; echo MODES-END; sleep 120");
        Path socketFile = null;
        try {
            tmux("new-session", "-d", "-s", "t", "-x", "150", "-y", "40", line.toString());
            socketFile = Path.of(tmux("display-message", "-p", "#{socket_path}").trim());
            String screen = waitFor("the first frame", s -> s.contains("(running, q to quit)"));
            assertTrue(screen.contains(LiveView.KEYS), screen);

            key("d");
            waitFor("d: the block map", s -> s.contains(" probes") && s.contains("Scale:  .:") && s.contains("?:lost"));
            key("d");
            waitFor("d: the scaled block map", s -> s.contains("Scale:  .:") && s.contains("  1:"));
            key("d");
            waitFor("d: the table again", s -> s.contains("HOST: ") && s.contains("Loss%"));

            waitFor("round 6", s -> round(s) >= 6);
            key("p");
            screen = waitFor("p: paused", s -> s.contains("(paused, space to resume)"));
            int held = round(screen);
            // Paused, no round is sent: the round number stays (at 0.5 s a round, 3 would have gone by).
            Thread.sleep(1500);
            assertEquals(held, round(capture()), "no round while paused");
            key("Space");
            waitFor("space: rounds again", s -> s.contains("(running, q to quit)") && round(s) > held);

            int before = round(waitFor("round 6 or more", s -> round(s) >= 6));
            key("r");
            waitFor("r: the statistics from round 1", s -> round(s) >= 1 && round(s) < before);

            key("o");
            waitFor("o: asks for the fields", s -> s.contains("Fields: "));
            key("L");
            key("S");
            key("D");
            key("Enter");
            waitFor("o LSD: Loss%, Snt, Drop", s -> s.contains("Loss%   Snt Drop") && !s.contains("Wrst"));
            key("j");
            waitFor("j: mtr's default fields (no Last before)", s -> s.contains("Loss%   Snt   Last   Avg"));
            key("j");
            waitFor("j: the jitter fields", s -> s.contains("Jttr Javg Jmax Jint"));

            key("n");
            waitFor("n with -n: why there are no names", s -> s.contains("names are off (-n)"));
            key("h");
            waitFor("h: the keys", s -> s.contains("Keys (as mtr's):"));
            key("x");
            waitFor("any key: back", s -> !s.contains("Keys (as mtr's):") && s.contains("HOST: "));

            key("q");
            // Until stty has printed too: one CI run read the screen between the two and saw no modes.
            screen = waitFor("q: exits, and stty prints the modes", s -> s.contains("MODES-END"));
            assertTrue(screen.contains("EXIT=0"), "destination reached: exit 0; " + screen);
            assertTrue(screen.contains("finished: destination reached at hop 1 (127.0.0.1)"), screen);
            String modes = screen.substring(screen.indexOf("EXIT="));
            assertTrue(modes.contains(" icanon") && modes.contains(" echo ") && !modes.contains("-icanon")
                    && !modes.contains("-echo "), "the terminal's modes restored: " + modes);
        } finally {
            try {
                tmux("kill-server");
            } catch (AssertionError | IOException alreadyGone) {
                // the server ends with its last session
            }
            if (socketFile != null) {
                Files.deleteIfExists(socketFile); // tmux leaves it behind
            }
        }
    }

    private static int round(String screen) {
        Matcher m = ROUND.matcher(screen);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private void key(String k) throws Exception {
        tmux("send-keys", "-t", "t", k);
    }

    private String capture() throws Exception {
        return tmux("capture-pane", "-p", "-t", "t");
    }

    /** Polls the screen until it shows what is expected, bounded by {@link #WAIT_MS}. */
    private String waitFor(String what, Predicate<String> ok) throws Exception {
        String screen = "";
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < end) {
            screen = capture();
            if (ok.test(screen)) {
                return screen;
            }
            Thread.sleep(100);
        }
        fail(what + ": not on screen within " + WAIT_MS / 1000 + " s:\n" + screen);
        return screen;
    }

    private String tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tmux ends");
        if (p.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + ": exit " + p.exitValue() + ": " + out);
        }
        return out;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void notATerminalGivesTheReportWithoutKeys() {
        Cli r = Cli.run("mtr", "-n", "--udp", "-c", "1", "-Z", "0.5", "--source-port", "47000", "127.0.0.1");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains(LiveView.KEYS), r.out());
        assertTrue(r.out().startsWith("Start: "), r.out());
    }
}
