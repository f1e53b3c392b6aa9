package io.pathprobe.fleet;

import io.pathprobe.fleet.internal.WorkItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Selectors, names, auth files and work items: no broker involved. */
class FleetUnitTest {
    @TempDir
    Path dir;

    static FleetAgent agent(String name, Map<String, String> labels) {
        return new FleetAgent(name, labels, "v", null, null, Map.of(), 0, Instant.now());
    }

    @Test
    void selectorsMatchNamesOrEveryLabel() {
        FleetAgent a = agent("office-1", Map.of("region", "eu", "net", "office"));
        assertTrue(a.matches("office-1"));
        assertFalse(a.matches("office-2"));
        assertTrue(a.matches("region=eu"));
        assertTrue(a.matches("region=eu,net=office"));
        assertFalse(a.matches("region=eu,net=dc"));
        assertFalse(a.matches("region=us"));
        assertTrue(a.matches("*"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matches("region=e u"));
        assertTrue(e.getMessage().contains("key=value"), e.getMessage());
    }

    @Test
    void namesAreOneSubjectToken() {
        assertEquals("eu-1", Subjects.name("eu-1", "agent name"));
        for (String bad : List.of("eu.1", "eu*", ">", "", "a b", "x".repeat(65))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Subjects.name(bad, "agent name"));
            assertTrue(e.getMessage().contains("subject token"), e.getMessage());
        }
        assertEquals("office-1", Subjects.agentOf(Subjects.events("office-1", "c-1")));
    }

    @Test
    void authFilesAreReadStrictlyAndSecretsStayOffTheUrl() throws Exception {
        Path f = dir.resolve("a.auth");
        Files.writeString(f, "# office\nuser=office-1\npassword=s3cret\n");
        NatsConnection c = NatsConnection.to(URI.create("nats://127.0.0.1:4222")).withAuthFile(f);
        assertEquals("office-1", c.user());
        assertFalse(c.toString().contains("s3cret"), c.toString());
        Files.writeString(f, "user=office-1\npasword=typo\n");
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> NatsConnection.to(URI.create("nats://h:4222")).withAuthFile(f));
        assertTrue(typo.getMessage().contains("unknown key 'pasword'"), typo.getMessage());
        Files.writeString(f, "token=t\nuser=u\npassword=p\n");
        assertThrows(IllegalArgumentException.class, () -> NatsConnection.to(URI.create("nats://h:4222"))
                .withAuthFile(f));
        IllegalArgumentException inUrl = assertThrows(IllegalArgumentException.class,
                () -> NatsConnection.to(URI.create("nats://u:p@h:4222")));
        assertTrue(inUrl.getMessage().contains("never on the command line"), inUrl.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NatsConnection.to(URI.create("http://h:4222")));
    }

    @Test
    void workItemTargetsAreAddressLiteralsWithPorts() {
        assertEquals(443, WorkItem.parse("[2001:db8::1]:443").getPort());
        assertEquals("10.0.0.1", WorkItem.parse("10.0.0.1:80").getAddress().getHostAddress());
        for (String bad : List.of("example.com:80", "10.0.0.1", "10.0.0.1:0", "10.0.0.1:x", "0x0a000001:80")) {
            assertThrows(IllegalArgumentException.class, () -> WorkItem.parse(bad), bad);
        }
    }
}
