package io.pathprobe.cli;

import io.pathprobe.testkit.TcpListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pathprobe agent} started with SIGHUP ignored (nohup, some supervisors; here {@code trap "" HUP} before the
 * exec), where the JVM leaves it ignored and a reload by signal cannot work: a running agent says so after its
 * "listening" line, and a configuration it refuses is still the only line it prints.
 */
@Timeout(120)
class AgentHangupIgnoredTest {
    @TempDir
    Path dir;

    private Process agent(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "trap '' HUP; exec \"$0\" \"$@\""));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent"));
        // free, in case a check under test fails to stop the agent from listening
        int port = TcpListener.closedPort(InetAddress.getLoopbackAddress());
        cmd.addAll(List.of("--listen", "127.0.0.1:" + port));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void aRefusedConfigurationIsTheOnlyLine() throws Exception {
        Path f = dir.resolve("agent.yml");
        Files.writeString(f, "allow: [10.0.0.0/8]\ncontinuous:\n  - {target: 192.0.2.1, modules: [icmp]}\n");
        Process p = agent("--config", f.toString());
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the agent did not exit");
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.exitValue(), err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains("continuous target 192.0.2.1 is denied"), err);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aRunningAgentSaysAReloadNeedsTheEndpoint() throws Exception {
        Process p = agent();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String first = r.readLine();
            assertTrue(first != null && first.startsWith("pathprobe agent listening on http://127.0.0.1:")
                    && first.contains(" (name agent, "),
                    "first line: " + first);
            assertEquals("SIGHUP is ignored in this process (started under nohup?), so it reloads nothing: use POST"
                    + " /-/reload", r.readLine());
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
