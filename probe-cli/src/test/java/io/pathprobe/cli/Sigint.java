package io.pathprobe.cli;

import io.pathprobe.testkit.Host;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C to a real process: a command (ours or a real tool) run in a lab host's namespace, then SIGINT. */
final class Sigint {
    /** What the process printed (stdout and stderr together) and its exit status. */
    record Ended(int exitCode, List<String> lines) {
        /** The last lines, for a message. */
        @Override
        public String toString() {
            return "exit " + exitCode + ", ..." + tail(lines);
        }
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 12), lines.size());
    }

    private Sigint() {
    }

    /**
     * Starts {@code cmd} in the host's namespace, sends SIGINT once a line starts with {@code prefix} and 1 s more
     * have passed, and waits (at most 30 s) for the process to end.
     */
    static Ended interruptAfter(Host host, List<String> cmd, String prefix) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            String l;
            while ((l = r.readLine()) != null && !l.startsWith(prefix)) {
                lines.add(l);
            }
            assertTrue(l != null, "a line starting '" + prefix + "' from " + cmd + ": ..." + tail(lines));
            lines.add(l);
            Thread.sleep(1000);
            send(p.pid()); // ip netns exec and stdbuf exec the program: its pid is the program's
            for (l = r.readLine(); l != null; l = r.readLine()) {
                lines.add(l);
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ends after SIGINT: " + cmd);
            return new Ended(p.exitValue(), lines);
        } finally {
            p.destroyForcibly();
        }
    }

    /** {@code kill -INT pid}, as Ctrl-C in a terminal sends. */
    static void send(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -INT works");
    }
}
