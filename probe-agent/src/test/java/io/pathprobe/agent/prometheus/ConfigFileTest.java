package io.pathprobe.agent.prometheus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration file: what a correct one gives, and one line naming the line and key for each mistake. */
class ConfigFileTest {
    @TempDir
    Path dir;

    Path write(String yaml) throws Exception {
        Path p = dir.resolve("agent.yml");
        Files.writeString(p, yaml);
        return p;
    }

    String error(String yaml) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(write(yaml)));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().startsWith(dir.resolve("agent.yml").toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aFullFile() throws Exception {
        ConfigFile f = ConfigFile.read(write("""
                name: eu-1
                allow: ["203.0.113.0/24:80,443", "10.20.0.10/32"]
                token_file: tokens
                quotas: {concurrent_captures: 2, capture_duration: 10m}
                metrics: {open: true}
                probe: {timeout_offset: 250ms, max_concurrent: 7}
                modules:
                  icmp_loss: {prober: icmp, packets: 20, interval: 50ms, packet_timeout: 500ms, timeout: 10s,
                              preferred_ip_protocol: ip6}
                  tcp_connect: {prober: tcp, packets: 3}
                continuous:
                  - {target: 203.0.113.10, modules: [icmp, icmp_loss], interval: 2s}
                  - target: "203.0.113.10:443"
                    modules: [tcp_connect]
                """));
        assertEquals("eu-1", f.name());
        assertEquals(List.of("203.0.113.0/24:80,443", "10.20.0.10/32"), f.allow());
        assertEquals(dir.resolve("tokens"), f.tokenFile());
        assertEquals(2, f.quotas().concurrentCaptures());
        assertEquals(Duration.ofMinutes(10), f.quotas().captureDuration());
        ExporterConfig e = f.exporter();
        assertTrue(e.metricsOpen());
        assertEquals(Duration.ofMillis(250), e.timeoutOffset());
        assertEquals(7, e.maxConcurrent());
        Module loss = e.modules().get("icmp_loss");
        assertEquals(20, loss.packets());
        assertEquals(Duration.ofMillis(50), loss.interval());
        assertEquals(6, loss.family());
        assertEquals(3, e.modules().get("tcp_connect").packets(), "a file's module replaces the built-in");
        assertEquals(5, e.modules().get("icmp").packets(), "built-ins stay");
        assertEquals(2, e.continuous().size());
        assertEquals(Duration.ofSeconds(2), e.continuous().get(0).interval());
        assertEquals(Duration.ofSeconds(1), e.continuous().get(1).interval(), "smokeping's default");
    }

    @Test
    void jsonIsYamlToo() throws Exception {
        ConfigFile f = ConfigFile.read(write("{\"allow\": [\"10.0.0.0/8\"], \"name\": \"x\"}"));
        assertEquals(List.of("10.0.0.0/8"), f.allow());
        assertEquals(ExporterConfig.defaults(), f.exporter());
    }

    @Test
    void badYamlNamesTheLine() throws Exception {
        String m = error("name: a\nmodules:\n  icmp_loss: {prober: icmp\n");
        assertTrue(m.contains("line ") && m.contains("not valid YAML"), m);
    }

    @Test
    void anUnknownModuleKeyNamesTheKeyAndLine() throws Exception {
        String m = error("modules:\n  icmp_loss:\n    prober: icmp\n    packetz: 20\n");
        assertTrue(m.contains("line 4") && m.contains("modules.icmp_loss.packetz") && m.contains("known:"), m);
    }

    @Test
    void aBadCidrNamesItsLine() throws Exception {
        String m = error("name: a\nallow:\n  - 10.0.0.0/8\n  - 10.0.0.0/33\n");
        assertTrue(m.contains("line 4") && m.contains("allow[1]") && m.contains("10.0.0.0/33"), m);
    }

    @Test
    void otherMistakes() throws Exception {
        assertTrue(error("modules:\n  m: {prober: http}\n").contains("unknown prober 'http'"));
        assertTrue(error("modules:\n  m: {prober: icmp, interval: fast}\n").contains("interval 'fast'"));
        assertTrue(error("modules:\n  m: {prober: icmp, packets: 0}\n").contains("packets 0"));
        assertTrue(error("modules:\n  m: {prober: mtr, max_ttl: 300}\n").contains("max_ttl 300"));
        assertTrue(error("continuous:\n  - {target: 10.0.0.1, modules: [nope]}\n").contains("unknown module 'nope'"));
        assertTrue(error("continuous:\n  - {target: 10.0.0.1, modules: [tcp_connect]}\n").contains("needs a port"));
        assertTrue(error("continuous:\n  - {target: 10.0.0.1, modules: [mtr]}\n").contains("is a trace"));
        assertTrue(error("nmae: x\n").contains("unknown key 'nmae'"));
        assertTrue(error("quotas: {concurrent_captures: -1}\n").contains("quotas"));
    }

    @Test
    void aReloadMayNotChangeWhoMayUseTheAgent() throws Exception {
        ConfigFile a = ConfigFile.read(write("allow: [10.0.0.0/8]\nmodules: {m: {prober: icmp}}\n"));
        ConfigFile b = ConfigFile.read(write("allow: [10.0.0.0/8]\nmodules: {m: {prober: icmp, packets: 9}}\n"));
        ConfigFile c = ConfigFile.read(write("allow: [0.0.0.0/0]\n"));
        assertEquals(List.of(), a.restartOnlyDifferences(b));
        assertEquals(List.of("allow"), a.restartOnlyDifferences(c));
    }
}
