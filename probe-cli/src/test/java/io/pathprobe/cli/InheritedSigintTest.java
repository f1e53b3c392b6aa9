package io.pathprobe.cli;

import io.pathprobe.core.Probers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code pathprobe ping ... &} in a script: bash starts background jobs with SIGINT ignored (no job control), which
 * the JVM would keep. A real {@code bash -c} starts {@code sleep} (to show the premise: its SIGINT is ignored) and
 * pathprobe in the background; {@code kill -INT} must end pathprobe with its summary and exit 0 (replies came), as
 * iputils ping.
 * Pings 127.0.0.1 only.
 */
@Timeout(120)
class InheritedSigintTest {
    @TempDir
    Path tmp;

    @Test
    void aBackgroundRunFromAScriptStillStopsOnSigint() throws Exception {
        assumeTrue(Probers.load().get("icmp").availability().available(), "ICMP echo needs ping sockets or root");
        Path out = tmp.resolve("ping.out");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c",
                "sleep 120 & s=$!; \"$0\" \"$@\" > '" + out + "' 2>&1 & j=$!; echo \"$s $j\"; wait $j; "
                        + "echo \"exit=$?\"; kill $s"));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "ping", "-i", "0.1", "-w", "60", "127.0.0.1")); // -w: bounded even if SIGINT were lost
        Process bash = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8))) {
            String[] pids = r.readLine().trim().split(" ");
            // bash's child sets its dispositions before it execs sleep: look once it is sleep (at most 5 s).
            Path comm = Path.of("/proc", pids[0], "comm");
            for (int i = 0; i < 100 && !(Files.exists(comm) && Files.readString(comm).trim().equals("sleep")); i++) {
                Thread.sleep(50);
            }
            assertTrue(CtrlCTest.ignoresSigint(Long.parseLong(pids[0])),
                    "the premise: bash starts background jobs with SIGINT ignored");
            // Replies first (bounded: 30 s of polling), then the signal.
            for (int i = 0; i < 300 && (!Files.exists(out) || !Files.readString(out).contains("bytes from 127.0.0.1"));
                 i++) {
                Thread.sleep(100);
            }
            assertTrue(Files.readString(out).contains("bytes from 127.0.0.1"), Files.readString(out));
            Process kill = new ProcessBuilder("kill", "-INT", pids[1]).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -INT works");
            assertEquals("exit=0", r.readLine(), "ends on SIGINT with 0, replies having come (as ping); output: " + Files.readString(out));
        } finally {
            bash.destroyForcibly();
        }
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        String text = Files.readString(out);
        assertEquals(1, text.lines().filter(l -> l.equals("--- 127.0.0.1 ping statistics ---")).count(), text);
        long replies = text.lines().filter(l -> l.startsWith("64 bytes from 127.0.0.1: ")).count();
        // A request in flight at the signal may count as sent and not received, as in iputils.
        assertTrue(text.lines().anyMatch(l -> l.startsWith(replies + " packets transmitted, " + replies + " received")
                || l.startsWith((replies + 1) + " packets transmitted, " + replies + " received")), text);
    }
}
