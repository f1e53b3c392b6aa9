package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.NatsServer;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.pathprobe.cli.AgentLabTest.V4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fleet in the namespace lab of {@link AgentLabTest}: the broker (real nats-server, shipped configuration) in
 * the coordinator's namespace, two real {@code pathprobe agent --nats} processes in two others that nobody can
 * connect to (nft drops every new inbound connection: they are "behind NAT") but that dial out to the broker, and
 * the coordinator as a real {@code pathprobe ticket --vantage nats:region=lab} process: the same diagnoses as
 * through HTTP agents, and a plan outside an agent's allowlist refused with no packet sent.
 */
@Tag("netns")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NatsLabTest {
    static final int BROKER_PORT = 4222;

    @TempDir
    Path dir;

    @BeforeEach
    void available() {
        NetLab.assumeAvailable();
    }

    AgentLabTest.Agent startAgent(AgentLabTest.Lab l, Host h, NatsServer broker, String name) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(l.lab().ipPath(), "netns", "exec", h.namespace()));
        cmd.addAll(AgentLabTest.java("agent", "--nats", broker.url().toString(), "--nats-auth",
                broker.auth(name).toString(), "--name", name, "--label", "region=lab", "--label", "net=" + name,
                "--allow", l.vipAddress().getHostAddress() + "/32"));
        AgentLabTest.Agent a = new AgentLabTest.Agent(new ProcessBuilder(cmd).start(), broker.url().toString());
        for (int i = 0; i < 300 && a.stderr.stream().noneMatch(x -> x.contains("connected to")); i++) {
            if (!a.process.isAlive()) {
                fail("agent " + name + " exited " + a.process.exitValue() + ": " + a.stderr);
            }
            Thread.sleep(100);
        }
        assertTrue(a.stderr.stream().anyMatch(x -> x.contains("connected to")), () -> "agent " + name + ": " + a.stderr);
        return a;
    }

    JsonNode ticket(AgentLabTest.Lab l, NatsServer broker, String scenario, String target, Duration length)
            throws Exception {
        Path out = dir.resolve(scenario);
        CommandResult r = l.co().run(length.plusSeconds(60), AgentLabTest.java("ticket", target, "-p", "80", "-d",
                length.toMillis() + "ms", "-i", "0.2", "--timeout", "1", "-o", out.toString(), "--vantage",
                "nats:region=lab", "--nats", broker.url().toString(), "--nats-auth",
                broker.auth("coordinator").toString()).toArray(String[]::new));
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, () -> "ticket exit " + r.exitCode() + "\n" + r.stdout()
                + "\n" + r.stderr());
        assertTrue(r.stderr().contains("--vantage nats:region=lab: 2 agents matched: nats:a, nats:b"), r.stderr());
        return ResultsJson.mapper().readTree(out.resolve("results.json").toFile());
    }

    @Test
    void agentsBehindNatThroughTheBrokerGiveTheSameDiagnoses() throws Exception {
        NatsServer.configure(Path.of("../probe-fleet/config"), dir.resolve("broker"), "coordinator", "a", "b");
        try (NetLab net = NetLab.create()) {
            AgentLabTest.Lab l = AgentLabTest.topology(net);
            InetAddress co = l.co().address(V4);
            // Behind NAT: no new connection reaches the agents' hosts; what they open themselves comes back.
            for (Host h : List.of(l.a(), l.b())) {
                h.nft().rule(Nft.Chain.INPUT, "ct state new counter drop");
            }
            TcpListener listener = l.vip().listenTcp(l.vipAddress(), 80);
            try (NatsServer broker = NatsServer.startIn(l.co(), dir.resolve("broker"), co.getHostAddress(),
                    BROKER_PORT);
                 AgentLabTest.Agent a = startAgent(l, l.a(), broker, "a");
                 AgentLabTest.Agent b = startAgent(l, l.b(), broker, "b")) {
                // Nobody reaches the agents: a connection from the coordinator's namespace to agent a times out.
                InetAddress aAddress = l.a().address(V4);
                assertThrows(java.io.IOException.class, () -> l.co().call(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(aAddress, 22), 1000);
                    }
                    return null;
                }));

                // Cause 5: the VIP drops everything from agent a's address; agent b is served.
                l.vip().nft().blockSource(aAddress);
                JsonNode blocked = ticket(l, broker, "blocked", l.vipAddress().getHostAddress(),
                        Duration.ofSeconds(5));
                assertEquals("client-ip-blocked", AgentLabTest.verdict(blocked), () -> blocked.get("diagnosis")
                        .toString());
                JsonNode blockedA = AgentLabTest.vantageById(blocked, "nats:a");
                assertEquals("complete", blockedA.get("status").asText());
                assertEquals("a", blockedA.get("details").get("agent name").asText());
                l.vip().nft().flush();

                // Cause 1: no listener: the VIP answers every SYN with a RST, from everywhere.
                listener.close();
                JsonNode down = ticket(l, broker, "down", l.vipAddress().getHostAddress(), Duration.ofSeconds(4));
                assertEquals("no-listener", AgentLabTest.verdict(down), () -> down.get("diagnosis").toString());

                // A target outside both allowlists (the coordinator's own address): refused, not one packet sent.
                l.a().nft().count(Nft.Chain.OUTPUT, "ip daddr " + l.b().address(V4).getHostAddress(), "denied");
                JsonNode refused = ticket(l, broker, "refused", l.b().address(V4).getHostAddress(),
                        Duration.ofSeconds(2));
                JsonNode va = AgentLabTest.vantageById(refused, "nats:a");
                assertEquals("refused", va.get("status").asText(), va.toString());
                assertTrue(va.get("notes").toString().contains("denied"), va.toString());
                assertEquals(0, l.a().nft().packets("denied"), l.a().nft().ruleset());
                assertTrue(a.audit.stream().anyMatch(x -> x.contains("\"status\":403")), a.audit.toString());
            } finally {
                listener.close();
            }
        }
    }
}
