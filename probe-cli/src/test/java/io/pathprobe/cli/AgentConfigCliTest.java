package io.pathprobe.cli;

import io.pathprobe.testkit.TcpListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code pathprobe agent --config FILE} with a wrong file: one line naming the line and key, exit 2, nothing listens. */
class AgentConfigCliTest {
    @TempDir
    Path dir;

    Cli agent(String yaml) throws Exception {
        Path f = dir.resolve("agent.yml");
        Files.writeString(f, yaml);
        // free, in case a check under test fails to stop the agent from listening
        int port = TcpListener.closedPort(java.net.InetAddress.getLoopbackAddress());
        return Cli.run("agent", "--listen", "127.0.0.1:" + port, "--config", f.toString());
    }

    @Test
    void badYaml() throws Exception {
        agent("name: x\nmodules:\n  a: {prober: icmp\n").assertUsageError("not valid YAML");
    }

    @Test
    void anUnknownModuleKey() throws Exception {
        agent("modules:\n  icmp_loss:\n    prober: icmp\n    count: 20\n")
                .assertUsageError("line 4: unknown key 'modules.icmp_loss.count'");
    }

    @Test
    void aBadCidr() throws Exception {
        agent("allow:\n  - 10.0.0.0/40\n").assertUsageError("line 2");
    }

    @Test
    void aContinuousTargetOutsideTheAllowList() throws Exception {
        agent("allow: [10.0.0.0/8]\ncontinuous:\n  - {target: 192.0.2.1, modules: [icmp]}\n")
                .assertUsageError("continuous target 192.0.2.1 is denied");
    }

    @Test
    void aMissingFile() {
        Cli.run("agent", "--config", dir.resolve("none.yml").toString()).assertUsageError("cannot read it");
    }
}
