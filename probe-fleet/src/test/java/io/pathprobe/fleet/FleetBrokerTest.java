package io.pathprobe.fleet;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.pathprobe.testkit.NatsServer;
import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.agent.AgentCapture;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.CapturePlan;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.agent.Vantages;
import io.pathprobe.ticket.evidence.VantageEvidence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agents and a coordinator through a real nats-server on loopback with the shipped configuration: a capture end to
 * end, a broker restart mid-capture with no event lost, an agent killed mid-capture, and the broker refusing what an
 * agent's credential may not do.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FleetBrokerTest {
    @TempDir
    Path dir;

    NatsServer broker;
    TcpListener listener;
    final List<String> audit = new CopyOnWriteArrayList<>();

    @BeforeEach
    void up() throws Exception {
        NatsServer.configure(Agents.SHIPPED, dir, "coordinator", "office-1", "eu-1:pool", "k-1");
        broker = NatsServer.start(dir, "127.0.0.1", NatsServer.freePort());
        listener = TcpListener.onHost(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void down() throws Exception {
        listener.close();
        broker.close();
    }

    CapturePlan plan(Duration length, Duration every) {
        return CapturePlan.builder("127.0.0.1", InetAddress.getLoopbackAddress()).ports(List.of(listener.port()))
                .ping(false).traceModes(List.of()).duration(length).tcpInterval(every).timeout(Duration.ofSeconds(1))
                .build();
    }

    String allow() {
        return "127.0.0.1/32:" + listener.port();
    }

    /** Every event 1..n exactly once, in order. */
    static void assertNumbered(List<CaptureEvent> events) {
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).eventSeq(), "event " + (i + 1));
        }
    }

    @Test
    void aCaptureThroughTheBrokerAndARestartMidCaptureLosesNoEvent() throws Exception {
        try (NatsAgentServer agent = Agents.start(broker, "office-1", null, LocalAgent.host(),
                Map.of("region", "eu", "net", "office"), audit::add, allow());
             Fleet fleet = Fleet.connect(Agents.as(broker, "coordinator"))) {
            List<FleetAgent> seen = fleet.agents("region=eu", Fleet.DISCOVERY);
            assertEquals(List.of("office-1"), seen.stream().map(FleetAgent::name).toList());
            assertEquals("office", seen.get(0).labels().get("net"));
            assertTrue(seen.get(0).probers().containsKey("tcp"), seen.get(0).probers().toString());
            NatsAgent a = fleet.agent("office-1");
            List<CaptureEvent> events = new CopyOnWriteArrayList<>();
            AgentCapture c = a.start(plan(Duration.ofSeconds(9), Duration.ofMillis(10)), events::add);
            Thread.sleep(2000);
            long before = events.size();
            broker.stop(); // kill -9 of the broker: whatever was in flight is gone
            Thread.sleep(2500);
            broker.start();
            VantageEvidence e = c.evidence().get(60, TimeUnit.SECONDS);
            assertEquals(VantageEvidence.COMPLETE, e.status(), e.notes().toString());
            long sent = e.tcp().get(0).stats().sent();
            assertTrue(before > 50 && sent > before + 200, before + " events before the restart, " + sent + " sent");
            assertNumbered(events);
            assertEquals(sent, events.size(), "one event per connect, none lost across the restart");
            assertTrue(events.stream().allMatch(x -> x.vantage().equals("nats:office-1")));
            assertTrue(audit.stream().anyMatch(l -> l.contains("START") && l.contains("202")), audit.toString());
        }
    }

    @Test
    void aKilledAgentIsLostWithItsPartialEvidence() throws Exception {
        try (Agents.Process p = new Agents.Process(List.of(), broker.url(), broker.auth("k-1"), "k-1", null, allow());
             Fleet fleet = Fleet.connect(Agents.as(broker, "coordinator"))) {
            NatsAgent a = fleet.select("k-1").get(0);
            List<CaptureEvent> events = new CopyOnWriteArrayList<>();
            AgentCapture c = a.start(plan(Duration.ofSeconds(30), Duration.ofMillis(50)), events::add);
            Thread.sleep(3000);
            p.kill();
            long killedAt = System.currentTimeMillis();
            VantageEvidence e = c.evidence().get(40, TimeUnit.SECONDS);
            long tookMs = System.currentTimeMillis() - killedAt;
            assertEquals(VantageEvidence.LOST, e.status());
            assertTrue(e.lostAt() != null && e.notes().toString().contains("agent lost at"), e.notes().toString());
            assertTrue(tookMs < 25_000, "marked lost " + tookMs + " ms after the kill, not at the plan's end");
            assertTrue(e.tcp().get(0).stats().sent() > 10, "the partial evidence is kept: " + e.tcp());
            assertTrue(events.size() > 10);
            assertNumbered(events);
        }
    }

    @Test
    void aCaptureWhoseCoordinatorVanishedIsCancelledAfterTheOrphanTimeout() throws Exception {
        var cfg = io.pathprobe.agent.AgentServerConfig.builder(io.pathprobe.agent.policy.TargetPolicy.of(allow()))
                .name("office-1").orphanTimeout(Duration.ofSeconds(3)).version("pathprobe test").build();
        try (NatsAgentServer agent = NatsAgentServer.start(new NatsAgentConfig(Agents.as(broker, "office-1"),
                Map.of(), null, cfg))) {
            Fleet fleet = Fleet.connect(Agents.as(broker, "coordinator"));
            NatsAgent a = fleet.agent("office-1");
            a.start(plan(Duration.ofSeconds(60), Duration.ofMillis(200)), null);
            assertEquals(1, agent.runningCaptures());
            a.close();
            fleet.close(); // the coordinator is gone: nobody asks for the capture's status any more
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (agent.runningCaptures() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(0, agent.runningCaptures(), "cancelled as an orphan, long before its 60 s");
        }
    }

    /** A connection as {@code user} that records the broker's errors (permission violations). */
    record Probe(Connection nc, List<String> errors) implements AutoCloseable {
        static Probe as(NatsServer broker, String user) throws IOException {
            List<String> errors = new CopyOnWriteArrayList<>();
            Connection nc = Agents.as(broker, user).connect("test", Duration.ofSeconds(5), null, new ErrorListener() {
                @Override
                public void errorOccurred(Connection conn, String error) {
                    errors.add(error);
                }
            });
            return new Probe(nc, errors);
        }

        boolean refused(String what) throws InterruptedException {
            for (int i = 0; i < 50; i++) {
                if (errors.stream().anyMatch(e -> e.contains("Permissions Violation") && e.contains(what))) {
                    return true;
                }
                Thread.sleep(100);
            }
            return false;
        }

        @Override
        public void close() throws InterruptedException {
            nc.close();
        }
    }

    @Test
    void theBrokerRefusesWhatAnAgentCredentialMayNotDo() throws Exception {
        try (NatsAgentServer eu = Agents.start(broker, "eu-1", "pool", LocalAgent.host(), Map.of(), audit::add,
                allow());
             Probe thief = Probe.as(broker, "office-1")) {
            // Ordering another agent to probe: the publish is refused by the broker and never reaches eu-1.
            byte[] plan = io.pathprobe.fleet.internal.Json.bytes(plan(Duration.ofSeconds(2), Duration.ofSeconds(1)));
            Message m = thief.nc().request(Subjects.request("eu-1", "start"), plan, Duration.ofSeconds(2));
            assertNull(m, "no answer to a request the broker refused");
            assertTrue(thief.refused("pathprobe.agent.eu-1.start"), thief.errors().toString());
            // Reading another agent's requests, or every agent's events.
            thief.nc().subscribe(Subjects.requests("eu-1"));
            assertTrue(thief.refused("pathprobe.agent.eu-1"), thief.errors().toString());
            thief.nc().subscribe("pathprobe.ev.>");
            assertTrue(thief.refused("pathprobe.ev.>"), thief.errors().toString());
            // Forging another agent's heartbeat, or taking work from a queue group it is not in.
            thief.nc().publish(Subjects.heartbeat("eu-1"), "{}".getBytes(StandardCharsets.UTF_8));
            assertTrue(thief.refused("pathprobe.hb.eu-1"), thief.errors().toString());
            thief.nc().subscribe(Subjects.work("pool"), "pool");
            assertTrue(thief.refused("pathprobe.work.pool"), thief.errors().toString());
            assertTrue(audit.stream().noneMatch(l -> l.contains("START")), "eu-1 was never asked: " + audit);
            assertEquals(Connection.Status.CONNECTED, thief.nc().getStatus(), "a violation is refused, not fatal");
        }
        // No credential, or a wrong password: no connection at all.
        assertThrows(IOException.class, () -> NatsConnection.to(broker.url()).connect("anon", Duration.ofSeconds(1),
                null, null));
        Path wrong = dir.resolve("wrong.auth");
        java.nio.file.Files.writeString(wrong, "user=office-1\npassword=not-the-password\n");
        IOException e = assertThrows(IOException.class, () -> NatsConnection.to(broker.url()).withAuthFile(wrong)
                .connect("wrong", Duration.ofSeconds(1), null, null));
        assertTrue(e.getMessage().toLowerCase().contains("authoriz"), e.getMessage());
    }

    @Test
    void aSelectorExpandsToEveryMatchingAgentAndThePolicyRefusesWithTheHttpAgentsWords() throws Exception {
        try (NatsAgentServer a1 = Agents.start(broker, "office-1", null, LocalAgent.host(), Map.of("region", "eu"),
                audit::add, allow());
             NatsAgentServer a2 = Agents.start(broker, "eu-1", "pool", LocalAgent.host(), Map.of("region", "eu"),
                     audit::add, "192.0.2.0/24:80")) {
            System.setProperty(NatsVantageFactory.URL_PROPERTY, broker.url().toString());
            System.setProperty(NatsVantageFactory.AUTH_PROPERTY, broker.auth("coordinator").toString());
            List<ProbeAgent> all = new ArrayList<>();
            try {
                all.addAll(Vantages.parseAll("nats:region=eu", null));
                assertEquals(List.of("nats:eu-1", "nats:office-1"), all.stream().map(ProbeAgent::id).sorted()
                        .toList());
                IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
                        () -> Vantages.parse("nats:region=eu", null));
                assertTrue(many.getMessage().contains("matches 2 agents"), many.getMessage());
                IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                        () -> Vantages.parseAll("nats:region=us", null));
                assertTrue(none.getMessage().contains("no agent matching 'region=us'"), none.getMessage());
                ProbeAgent eu = all.stream().filter(x -> x.id().equals("nats:eu-1")).findFirst().orElseThrow();
                AgentException denied = assertThrows(AgentException.class,
                        () -> eu.start(plan(Duration.ofSeconds(2), Duration.ofSeconds(1)), null));
                assertEquals(403, denied.status());
                assertTrue(denied.getMessage().contains("127.0.0.1"), denied.getMessage());
                assertTrue(audit.stream().anyMatch(l -> l.contains("START") && l.contains("403")), audit.toString());
            } finally {
                all.forEach(ProbeAgent::close);
                System.clearProperty(NatsVantageFactory.URL_PROPERTY);
                System.clearProperty(NatsVantageFactory.AUTH_PROPERTY);
            }
        }
    }
}
