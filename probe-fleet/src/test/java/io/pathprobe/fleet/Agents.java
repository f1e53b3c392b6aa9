package io.pathprobe.fleet;

import io.pathprobe.agent.AgentServerConfig;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.agent.quota.Quotas;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.testkit.NatsServer;
import io.pathprobe.testkit.ProcessOutput;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Fleet test helpers: agents in this JVM or as processes, all with the shipped broker configuration. */
final class Agents {
    /** The shipped broker configuration, from this module's directory (the tests' working directory). */
    static final Path SHIPPED = Path.of("config");

    private Agents() {
    }

    static NatsConnection as(NatsServer broker, String user) {
        return NatsConnection.to(broker.url()).withAuthFile(broker.auth(user));
    }

    /** An agent in this JVM, measuring from {@code vantage}, allowed {@code allow}. */
    static NatsAgentServer start(NatsServer broker, String name, String group, LocalAgent vantage,
                                 Map<String, String> labels, Consumer<String> audit, String... allow)
            throws IOException {
        AgentServerConfig cfg = AgentServerConfig.builder(TargetPolicy.of(allow)).name(name).vantage(vantage)
                .quotas(Quotas.builder().probesPerSecond(2000).build()).audit(audit).version("pathprobe test")
                .build();
        return NatsAgentServer.start(new NatsAgentConfig(as(broker, name), labels, group, cfg));
    }

    /** An agent as its own process ({@link AgentMain}), for kill -9. */
    static final class Process implements AutoCloseable {
        final java.lang.Process process;
        final List<String> output = new CopyOnWriteArrayList<>();

        Process(List<String> prefix, URI url, Path auth, String name, String group, String allow) throws Exception {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            if (Runtime.version().feature() >= 22) {
                cmd.add("--enable-native-access=ALL-UNNAMED");
            }
            cmd.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(),
                    url.toString(), auth.toString(), name, group == null ? "-" : group, allow));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            ProcessOutput.follow(process.getInputStream(), output, "agent-process-output");
            for (int i = 0; i < 300 && output.stream().noneMatch(l -> l.startsWith("ready")); i++) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("agent " + name + " exited: " + output);
                }
                Thread.sleep(100);
            }
            if (output.stream().noneMatch(l -> l.startsWith("ready"))) {
                throw new IllegalStateException("agent " + name + " did not connect in 30 s: " + output);
            }
        }

        /** SIGSTOP: the process holds what it has (its sockets stay open) and sends nothing until {@link #resume()}. */
        void pause() throws IOException, InterruptedException {
            signal("-STOP");
        }

        void resume() throws IOException, InterruptedException {
            signal("-CONT");
        }

        private void signal(String which) throws IOException, InterruptedException {
            java.lang.Process k = new ProcessBuilder("kill", which, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill " + which + " " + process.pid() + " failed: "
                        + new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: nothing is flushed
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }
}
