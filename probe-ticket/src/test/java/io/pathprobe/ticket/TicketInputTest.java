package io.pathprobe.ticket;

import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.agent.Vantages;
import io.pathprobe.ticket.evidence.TicketFacts;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --vantage parsing and the capture builder's checks: bad input is an IllegalArgumentException that says why. */
class TicketInputTest {
    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    @Test
    void vantageForms() {
        assertEquals("local", Vantages.parse("local", null).id());
        assertEquals("local", ((LocalAgent) Vantages.parse("local", null)).kind());
        assertEquals("src:10.0.0.2", Vantages.parse("10.0.0.2", null).id());
        assertEquals("src:10.0.0.2", Vantages.parse("src:10.0.0.2", null).id());
        assertEquals("dev:eth1", Vantages.parse("dev:eth1", null).id());
        assertEquals("dev:eth1", Vantages.parse("if:eth1", null).id());
        // A namespace must exist (the lab tests run real ones); its name's form is checked first.
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Vantages.parse("netns:pp-none-here", null))
                .getMessage().contains("network namespace 'pp-none-here' does not exist"));
        LocalAgent bound = (LocalAgent) Vantages.parse("src:fd00::2,dev:lo", null);
        assertEquals("src:fd00::2,dev:lo", bound.id());
        assertEquals("fd00::2", bound.details().get("bound address"));
    }

    @Test
    void theLocalAgentResolvesAPlanInItsFamilyWithTheOneResolver() {
        // Literals and a .invalid name: answered without any lookup, so nothing is probed or asked.
        io.pathprobe.ticket.agent.AgentException e = assertThrows(io.pathprobe.ticket.agent.AgentException.class,
                () -> LocalAgent.host().start(io.pathprobe.ticket.agent.CapturePlan.builder("::1", null).family(4)
                        .build(), io.pathprobe.ticket.agent.CaptureListener.NONE));
        assertEquals(400, e.status());
        assertEquals("::1 has no IPv4 address", e.getMessage());
        e = assertThrows(io.pathprobe.ticket.agent.AgentException.class,
                () -> LocalAgent.host().start(io.pathprobe.ticket.agent.CapturePlan.builder("no-such-host.invalid",
                        null).build(), io.pathprobe.ticket.agent.CaptureListener.NONE));
        assertEquals("cannot resolve no-such-host.invalid: no-such-host.invalid: Name or service not known",
                e.getMessage());
    }

    @Test
    void badVantagesSayWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vantages.parse("office-router", null));
        assertTrue(e.getMessage().contains("'office-router' is not understood") && e.getMessage().contains("netns:NAME"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vantages.parse("netns:a/b", null));
        assertThrows(IllegalArgumentException.class, () -> Vantages.parse("src:nonsense", null));
        assertThrows(IllegalArgumentException.class, () -> Vantages.parse("dev:this-name-is-too-long", null));
        assertThrows(IllegalArgumentException.class, () -> Vantages.parse(" ", null));
    }

    @Test
    void builderChecksItsInput() throws Exception {
        InetAddress vip = InetAddress.getByName("192.0.2.10");
        TicketCapture.Builder b = TicketCapture.builder("192.0.2.10", vip);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.ports(List.of())).getMessage()
                .contains("at least one listener port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.ports(List.of(0))).getMessage()
                .contains("port 0 is out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.healthChecks("green")).getMessage()
                .contains("use unknown, passing or failing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.backends(List.of("web1"))).getMessage()
                .contains("backend 'web1' is not an IP address"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> b.publicIpUrl(java.net.URI.create("ftp://example.invalid/"))).getMessage()
                .contains("must be an http or https URL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.duration(Duration.ZERO)).getMessage()
                .contains("duration must be positive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.vantagePoints(List.of(
                LocalAgent.host(), Vantages.parse("local", null)))).getMessage().contains("name one twice"));
        b.ports(List.of(80, 443, 80));
        assertTrue(assertThrows(IllegalArgumentException.class, b::build).getMessage().contains("output directory is required"));
        b.outputDir(tmp.resolve("unused")).healthChecks(TicketFacts.HEALTH_PASSING).backends(List.of(" 10.0.2.5"));
        b.build(); // valid now; not run
    }

    @Test
    void capturesAreBounded() throws Exception {
        InetAddress vip = InetAddress.getByName("192.0.2.10");
        TicketCapture.Builder b = TicketCapture.builder("192.0.2.10", vip).outputDir(tmp);
        List<Integer> many = java.util.stream.IntStream.rangeClosed(1, 65).boxed().toList();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.ports(many)).getMessage()
                .startsWith("65 listener ports are more than the 64 a capture checks"));
        b.ports(many.subList(0, 64));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.instanceId("x".repeat(257))).getMessage()
                .startsWith("instance ID of 257 characters is longer than 256"));
        b.instanceId("x".repeat(256));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.duration(Duration.ofHours(25))).getMessage()
                .startsWith("duration 25 h is longer than the 24 h a capture runs"));
        for (var set : List.<java.util.function.Consumer<Duration>>of(b::pingInterval, b::tcpInterval,
                b::traceInterval)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> set.accept(Duration.ofMillis(99)))
                    .getMessage().contains("99 ms is shorter than the 100 ms a capture allows"));
        }
        // 64 ports for 24 h at 1 s: 86,400 rounds of 1 ping, 64 connects and 65 traces of 30 TTLs each.
        b.duration(Duration.ofHours(24));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().startsWith("this capture would record about 174,096,000 probe outcomes (1 vantage "
                + "point, 64 ports, 86400 s), more than the 12,000,000"), e.getMessage());
        b.ports(List.of(80, 443)).build(); // 24 h of two ports: 8,035,200
        b.ports(many.subList(0, 64)).duration(Duration.ofMinutes(10)).build(); // 10 min of 64: 1,209,000
    }
}
