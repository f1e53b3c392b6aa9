package io.pathprobe.agent.prometheus;

import io.pathprobe.agent.AgentServer;
import io.pathprobe.agent.AgentServerConfig;
import io.pathprobe.agent.auth.TokenStore;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.agent.LocalAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /probe, /metrics and /-/reload over loopback against an in-process agent: real probes to 127.0.0.1 (TCP to a
 * listener and to a closed port; ICMP and traces need root or a ping socket), output read with a text-format
 * parser, authentication as for /v1.
 */
@Timeout(60)
class PrometheusEndpointsLoopbackTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final String SECRET = "prom-secret-0123456789abcdef";

    @TempDir
    Path dir;
    final List<AutoCloseable> closing = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();
    AgentServer server;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    AgentServer start(ExporterSetup setup) throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "prom " + SECRET + "\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        AgentServerConfig c = AgentServerConfig.builder(TargetPolicy.of("127.0.0.1/32"))
                .listen(new InetSocketAddress(LO, 0)).tokens(TokenStore.load(tokens)).name("lo-agent")
                .vantage(LocalAgent.builder().version("test").build()).prometheus(setup).build();
        server = AgentServer.start(c);
        closing.add(server);
        return server;
    }

    HttpResponse<String> get(String path, String token, String scrapeTimeout) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        if (scrapeTimeout != null) {
            r.header("X-Prometheus-Scrape-Timeout-Seconds", scrapeTimeout);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
                .header("Authorization", "Bearer " + SECRET).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static double value(Map<String, PromText.Family> m, String name, String... labels) {
        return PromText.one(m, name, labels).value();
    }

    @Test
    void tcpConnectModuleToAListenerAndToAClosedPort() throws Exception {
        TcpListener listener = TcpListener.onHost(LO, 0);
        closing.add(listener);
        start(ExporterSetup.defaults());
        HttpResponse<String> r = get("/probe?module=tcp_connect&target=127.0.0.1:" + listener.port(), SECRET, "5");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        Map<String, PromText.Family> m = PromText.parse(r.body());
        assertEquals(1.0, value(m, "probe_success"));
        assertEquals("gauge", m.get("probe_success").type());
        assertEquals(5.0, value(m, "probe_tcp_connects_sent_count"));
        assertEquals(5.0, value(m, "probe_tcp_connects_received_count"));
        assertEquals(0.0, value(m, "probe_loss_ratio"));
        assertEquals(4.0, value(m, "probe_ip_protocol"));
        assertEquals(ProbeRunner.fnv1a("127.0.0.1"), (long) value(m, "probe_ip_addr_hash"));
        assertTrue(value(m, "probe_tcp_duration_seconds", "phase", "connect") > 0);
        assertTrue(value(m, "probe_duration_seconds") > 0);
        assertTrue(value(m, "probe_tcp_duration_rtt_max_seconds") >= value(m, "probe_tcp_duration_rtt_min_seconds"));

        // A closed port: refused every time, which is a failure with no loss figure of "answered".
        int closed = TcpListener.closedPort(LO);
        Map<String, PromText.Family> c = PromText.parse(get("/probe?module=tcp_connect&target=127.0.0.1:" + closed,
                SECRET, "5").body());
        assertEquals(0.0, value(c, "probe_success"));
        assertEquals(5.0, value(c, "probe_tcp_connects_refused_count"));
        assertEquals(0.0, value(c, "probe_tcp_connects_received_count"));
    }

    @Test
    void icmpAndMtrModulesToLoopback() throws Exception {
        start(ExporterSetup.defaults());
        org.junit.jupiter.api.Assumptions.assumeTrue(io.pathprobe.nativeio.Privileges.isRoot(),
                "ICMP without root depends on ping_group_range (UnprivilegedProbeTest covers that)");
        Map<String, PromText.Family> m = PromText.parse(get("/probe?module=icmp&target=127.0.0.1", SECRET, "5")
                .body());
        assertEquals(1.0, value(m, "probe_success"));
        assertEquals(5.0, value(m, "probe_icmp_packets_sent_count"));
        assertEquals(5.0, value(m, "probe_icmp_packets_received_count"));
        assertEquals(64.0, value(m, "probe_icmp_reply_hop_limit"));
        assertTrue(value(m, "probe_icmp_duration_seconds", "phase", "rtt") > 0);
        assertTrue(value(m, "probe_icmp_duration_seconds", "phase", "resolve") >= 0);
        assertTrue(value(m, "probe_icmp_duration_seconds", "phase", "setup") >= 0);
        assertTrue(value(m, "probe_jitter_seconds") >= 0);
        assertEquals(0.0, value(m, "probe_loss_ratio"));

        Map<String, PromText.Family> t = PromText.parse(get("/probe?module=mtr&target=127.0.0.1", SECRET, "5")
                .body());
        assertEquals(1.0, value(t, "probe_success"));
        assertEquals(1.0, value(t, "probe_traceroute_total_hops"));
        assertEquals(0.0, value(t, "probe_traceroute_hop_loss_ratio", "ttl", "1"));
        assertEquals(0.0, value(t, "probe_traceroute_persistent_loss_from_ttl"));
        assertEquals(ProbeRunner.fnv1a("127.0.0.1"), (long) value(t, "probe_traceroute_route_hash"));
    }

    @Test
    void requestsOutsideTheContractAreRefusedWithTheirStatus() throws Exception {
        start(ExporterSetup.defaults());
        assertEquals(401, get("/probe?module=icmp&target=127.0.0.1", null, null).statusCode());
        assertEquals(401, get("/metrics", null, null).statusCode());
        assertEquals(401, get("/probe?module=icmp&target=127.0.0.1", "wrong-secret-0123456789abcdef", null)
                .statusCode());
        HttpResponse<String> unknown = get("/probe?module=http_2xx&target=127.0.0.1", SECRET, null);
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("Unknown module 'http_2xx'"), unknown.body());
        assertEquals(400, get("/probe?module=icmp", SECRET, null).statusCode());
        assertEquals(400, get("/probe?module=tcp_connect&target=127.0.0.1", SECRET, null).statusCode(),
                "TCP needs a port");
        assertEquals(400, get("/probe?module=icmp&target=127.0.0.1", SECRET, "soon").statusCode());
        HttpResponse<String> denied = get("/probe?module=icmp&target=10.0.0.1", SECRET, null);
        assertEquals(403, denied.statusCode());
        assertTrue(denied.body().contains("nothing sent"), denied.body());
        HttpResponse<String> mapped = get("/probe?module=icmp&target=::ffff:10.0.0.1", SECRET, null);
        assertEquals(403, mapped.statusCode(), "canonicalised before the check: " + mapped.body());
        assertEquals(400, get("/probe?module=icmp&target=0x7f000001", SECRET, null).statusCode(),
                "numeric spellings are refused, not resolved");
        HttpResponse<String> metrics = get("/metrics", SECRET, null);
        Map<String, PromText.Family> m = PromText.parse(metrics.body());
        assertEquals(2.0, value(m, "pathprobe_agent_probe_requests_total", "module", "unknown", "result",
                "bad_request"), "the unknown module and the missing target");
        assertEquals(2.0, value(m, "pathprobe_agent_probe_requests_total", "module", "icmp", "result", "denied"));
        assertTrue(m.containsKey("jvm_memory_used_bytes"), "JVM health");
        assertEquals(0.0, value(m, "pathprobe_agent_captures_running"));
    }

    @Test
    void metricsCanBeOpenWhileProbeStaysAuthenticated() throws Exception {
        ExporterConfig d = ExporterConfig.defaults();
        start(new ExporterSetup(new ExporterConfig(d.modules(), List.of(), true, d.timeoutOffset(), 10), null));
        assertEquals(200, get("/metrics", null, null).statusCode());
        assertEquals(401, get("/probe?module=icmp&target=127.0.0.1", null, null).statusCode());
        assertEquals(400, post("/-/reload").statusCode(), "no file to reload");
    }

    @Test
    void debugGivesTheLogAndTheMetrics() throws Exception {
        TcpListener listener = TcpListener.onHost(LO, 0);
        closing.add(listener);
        start(ExporterSetup.defaults());
        String body = get("/probe?module=tcp_connect&debug=true&target=127.0.0.1:" + listener.port(), SECRET, "3")
                .body();
        assertTrue(body.startsWith("Logs for the probe:\n"), body);
        assertTrue(body.contains("msg=\"Probe succeeded\""), body);
        int at = body.indexOf("Metrics that would have been returned:\n");
        int end = body.indexOf("\n\nModule configuration:\n");
        assertTrue(at > 0 && end > at, body);
        Map<String, PromText.Family> m = PromText.parse(body.substring(at + 39, end));
        assertEquals(1.0, value(m, "probe_success"));
        assertTrue(body.substring(end).contains("prober: tcp"), body);
    }

    @Test
    void continuousProbesAppearOnMetricsWithSmokepingBucketsAndAReloadReplacesThem() throws Exception {
        TcpListener listener = TcpListener.onHost(LO, 0);
        closing.add(listener);
        ExporterConfig d = ExporterConfig.defaults();
        String target = "127.0.0.1:" + listener.port();
        AtomicReference<ExporterConfig> next = new AtomicReference<>();
        ExporterConfig first = new ExporterConfig(d.modules(), List.of(new ExporterConfig.Continuous(target,
                List.of("tcp_connect"), Duration.ofMillis(20))), false, d.timeoutOffset(), 10);
        start(new ExporterSetup(first, () -> {
            ExporterConfig c = next.get();
            if (c == null) {
                throw new ConfigException("agent.yml line 3: not valid YAML", null);
            }
            return c;
        }));
        String[] series = {"vantage", "lo-agent", "target", target, "ip", "127.0.0.1", "module", "tcp_connect"};
        Map<String, PromText.Family> m = Map.of();
        for (int i = 0; i < 100; i++) { // bounded wait for the first probes (20 ms apart)
            m = PromText.parse(get("/metrics", SECRET, null).body());
            if (m.containsKey("pathprobe_requests_total")
                    && value(m, "pathprobe_requests_total", series) >= 5) {
                break;
            }
            Thread.sleep(50);
        }
        assertTrue(value(m, "pathprobe_requests_total", series) >= 5);
        PromText.Family h = m.get("pathprobe_response_duration_seconds");
        assertEquals("histogram", h.type());
        List<String> les = h.samples().stream().filter(s -> s.name().endsWith("_bucket"))
                .map(s -> s.labels().get("le")).toList();
        assertEquals(21, les.size(), les.toString());
        assertEquals(5e-5, Double.parseDouble(les.get(0)));
        assertEquals(26.2144, Double.parseDouble(les.get(19)), 1e-9);
        assertEquals("+Inf", les.get(20));
        assertEquals(1.0, value(m, "pathprobe_agent_continuous_series"));

        // A broken file: 400, the series goes on.
        HttpResponse<String> bad = post("/-/reload");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("running configuration is kept") && bad.body().contains("line 3"), bad.body());
        m = PromText.parse(get("/metrics", SECRET, null).body());
        assertEquals(1.0, value(m, "pathprobe_agent_continuous_series"));
        assertEquals(0.0, value(m, "pathprobe_agent_config_last_reload_successful"));

        next.set(new ExporterConfig(d.modules(), List.of(), false, d.timeoutOffset(), 10));
        assertEquals(200, post("/-/reload").statusCode());
        m = PromText.parse(get("/metrics", SECRET, null).body());
        assertEquals(0.0, value(m, "pathprobe_agent_continuous_series"));
        assertTrue(!m.containsKey("pathprobe_requests_total"), "the removed series' meters are gone");
        assertEquals(1.0, value(m, "pathprobe_agent_config_last_reload_successful"));
    }

    @Test
    void theBudgetFollowsBlackboxRules() {
        Duration off = Duration.ofMillis(500);
        assertEquals(Duration.ofMillis(1500), PrometheusEndpoints.budget("2", off, Duration.ofSeconds(5)));
        assertEquals(Duration.ofSeconds(5), PrometheusEndpoints.budget("10", off, Duration.ofSeconds(5)));
        assertEquals(Duration.ofSeconds(5), PrometheusEndpoints.budget(null, off, Duration.ofSeconds(5)));
        assertEquals(Duration.ofSeconds(120), PrometheusEndpoints.budget(null, off, Duration.ofSeconds(300)));
        assertEquals(Duration.ofMillis(200), PrometheusEndpoints.budget("0.4", off, Duration.ofSeconds(5)));
    }
}
