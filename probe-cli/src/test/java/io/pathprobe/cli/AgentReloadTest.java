package io.pathprobe.cli;

import io.pathprobe.testkit.TcpListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real {@code pathprobe agent --config FILE} process on loopback: SIGHUP applies a changed module, keeps the
 * running configuration when the file has become wrong (and says so on stderr), and POST /-/reload does the same.
 */
@Timeout(120)
class AgentReloadTest {
    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sighupAndPostReloadApplyTheFileOrKeepTheRunningConfiguration() throws Exception {
        try (TcpListener listener = TcpListener.onHost(InetAddress.getLoopbackAddress(), 0)) {
            Path yml = dir.resolve("agent.yml");
            Files.writeString(yml, "allow: [127.0.0.1/32]\n");
            int port = TcpListener.closedPort(InetAddress.getLoopbackAddress());
            // env --default-signal: a SIGHUP ignored by whatever started the tests (nohup) stays ignored in a child
            // JVM, which then cannot handle it
            List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=HUP",
                    Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent",
                    "--listen", "127.0.0.1:" + port, "--config", yml.toString(), "--audit-log",
                    dir.resolve("audit").toString()));
            Process agent = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("agent.out").toFile()).start();
            String probe = "/probe?module=tcp3&target=127.0.0.1:" + listener.port();
            try {
                // Up once it says so: an answer on the port alone could be another program's, which took the port
                // after closedPort() let it go (then this agent fails to bind, and a signal to it reloads nothing).
                Path out = dir.resolve("agent.out");
                String up = "listening on http://127.0.0.1:" + port + " ";
                for (int i = 0; i < 300 && agent.isAlive() && !output(out).contains(up); i++) { // bounded wait
                    Thread.sleep(100);
                }
                assertTrue(agent.isAlive() && output(out).contains(up), () -> "the agent came up: " + output(out));
                String base = "http://127.0.0.1:" + port;
                assertEquals(200, code(base + "/-/healthy"), "the agent answers");
                assertEquals(400, code(base + probe), "no module tcp3 yet");

                Files.writeString(yml, "allow: [127.0.0.1/32]\nmodules:\n  tcp3: {prober: tcp, packets: 3}\n");
                hangUp(agent);
                assertTrue(eventually(() -> code(base + probe) == 200), () -> "SIGHUP applied the new module; agent "
                        + (agent.isAlive() ? "running" : "exited " + agent.exitValue()) + ", its output:\n"
                        + output(dir.resolve("agent.out")));

                Files.writeString(yml, "allow: [127.0.0.1/32]\nmodules:\n  tcp3: {prober: tcp, packetz: 3}\n");
                hangUp(agent);
                assertTrue(eventually(() -> Files.readString(dir.resolve("agent.out")).contains("reload failed")),
                        "the failed reload is told on stderr");
                assertEquals(200, code(base + probe), "the running configuration is kept");
                HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/-/reload"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(400, post.statusCode());
                assertTrue(post.body().contains("line 3") && post.body().contains("packetz"), post.body());

                Files.writeString(yml, "allow: [0.0.0.0/0]\n");
                post = http.send(HttpRequest.newBuilder(URI.create(base + "/-/reload"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(400, post.statusCode());
                assertTrue(post.body().contains("allow changed"), "the allowlist needs a restart: " + post.body());
            } finally {
                agent.destroy();
                if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                    agent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static boolean eventually(Check c) throws Exception {
        // Only how long to wait before calling it a failure: a reload re-reads and checks the file on a machine that
        // may be running two test JVMs on two cores (5 s was once too short under CI's load).
        for (int i = 0; i < 300; i++) { // at most 30 s
            if (c.ok()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    static String output(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    static void hangUp(Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor());
    }

    int code(String url) throws Exception {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
