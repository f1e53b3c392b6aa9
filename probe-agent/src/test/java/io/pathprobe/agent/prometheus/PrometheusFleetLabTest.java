package io.pathprobe.agent.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.agent.AgentServer;
import io.pathprobe.agent.AgentServerConfig;
import io.pathprobe.agent.auth.TokenStore;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.core.AddressText;
import io.pathprobe.testkit.ClientLab;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.Router;
import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.agent.LocalAgent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.net.StandardProtocolFamily.INET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus (Debian's package) runs the shipped deploy/prometheus/prometheus.yml (only its intervals
 * shortened) against two agents whose probes leave from two lab namespaces, a1 behind a router that drops 20% of
 * what it receives, a2 on a clean path, both to the same VIP. PromQL over Prometheus's HTTP API must give a1 the
 * drop's loss, within bounds, and a2 none — from the /probe scrapes and from the continuous /metrics series.
 * The agents' HTTP servers and Prometheus listen on 127.0.0.1 only; the probes stay inside the lab.
 *
 * <pre>
 *   a1 -- r1 (drops 20%) --+
 *                          vip
 *   a2 -- r2 --------------+
 * </pre>
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
class PrometheusFleetLabTest {
    static final String SECRET = "fleet-secret-0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();
    static final int DROP = 20;
    static final String PROMETHEUS = "/usr/bin/prometheus";

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void prometheusSeesTheLossOfOneVantagePointAndNoneOfTheOther(NetLab lab) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PROMETHEUS)), "no " + PROMETHEUS
                + ": apt-get install prometheus (CI installs it)");
        ClientLab t = ClientLab.builder().clientA("a1").routers("r1").clientBVia("a2", "r2").build(lab);
        Host a1 = t.a();
        Host a2 = t.b();
        Router r1 = t.router("r1");
        Router r2 = t.router("r2");
        Host vip = t.target();
        InetAddress target = vip.vip(INET);
        InetAddress silent = vip.addressToward(r2, INET);
        InetAddress denied = vip.addressToward(r1, INET);
        vip.nft().rule(Nft.Chain.INPUT, "ip daddr " + AddressText.of(silent) + " drop");
        r1.nft().rule(Nft.Chain.PREROUTING, "ip daddr " + AddressText.of(denied) + " counter");
        r1.nft().dropRandomPercent(DROP);

        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "prometheus " + SECRET + "\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        ExporterConfig base = ExporterConfig.defaults();
        Map<String, Module> modules = new HashMap<>(base.modules());
        // 40 echoes 5 ms apart, each waited for up to 200 ms: 395 ms, inside the 0.5 s a 1 s scrape leaves.
        modules.put("icmp_loss", new Module("icmp_loss", Module.Prober.ICMP, 40, Duration.ofMillis(5),
                Duration.ofMillis(200), Duration.ofSeconds(10), 4, 30));
        ExporterConfig ec = new ExporterConfig(modules, List.of(new ExporterConfig.Continuous(AddressText.of(target),
                List.of("icmp"), Duration.ofMillis(10))), false, base.timeoutOffset(), 10);
        Process prometheus = null;
        try (AgentServer s1 = agent("a1", a1, tokens, ec, target, silent);
             AgentServer s2 = agent("a2", a2, tokens, ec, target, silent)) {
            // Warm both ends first (class loading, the client's first connection, the engine's first socket), so
            // the deadline below measures the agent's budget, not a cold JVM on a shared machine.
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s1.address().getPort()
                    + "/probe?module=icmp&target=" + AddressText.of(target))).header("Authorization", "Bearer "
                    + SECRET).build(), HttpResponse.BodyHandlers.ofString());
            // The timeout header: a silent target with a 2 s scrape timeout is answered before that deadline
            // (the client gives up at 2 s, so a late answer fails the test), with probe_success 0.
            HttpResponse<String> quiet = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + s1.address().getPort() + "/probe?module=icmp&target=" + AddressText.of(silent)))
                    .header("Authorization", "Bearer " + SECRET).header("X-Prometheus-Scrape-Timeout-Seconds", "2")
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, PromText.Family> qm = PromText.parse(quiet.body());
            assertEquals(0.0, PromText.one(qm, "probe_success").value());
            assertEquals(0.0, PromText.one(qm, "probe_icmp_packets_received_count").value());
            assertTrue(PromText.one(qm, "probe_icmp_packets_sent_count").value() >= 1);
            // A denied target: 403, and r1 saw no packet toward it.
            HttpResponse<String> no = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + s1.address().getPort() + "/probe?module=icmp&target=" + AddressText.of(denied)))
                    .header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, no.statusCode(), no.body());

            Path conf = prometheusDir(s1, s2, target);
            int port = TcpListener.closedPort(InetAddress.getLoopbackAddress());
            prometheus = new ProcessBuilder(PROMETHEUS, "--config.file=" + conf.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn").redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log")
                    .toFile()).start();
            String api = "http://127.0.0.1:" + port;
            // Enough scrapes for the bounds below: 8 per agent of 40 packets each (1 s apart).
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
            Map<String, Double> scrapes = Map.of();
            while (System.nanoTime() < until) {
                Thread.sleep(1000);
                try {
                    scrapes = query(api, "sum by (vantage) (count_over_time(probe_success{module=\"icmp_loss\"}[10m]))");
                } catch (java.io.IOException e) {
                    continue; // not up yet
                }
                if (scrapes.getOrDefault("a1", 0.0) >= 8 && scrapes.getOrDefault("a2", 0.0) >= 8) {
                    break;
                }
            }
            assertTrue(scrapes.getOrDefault("a1", 0.0) >= 8 && scrapes.getOrDefault("a2", 0.0) >= 8,
                    "Prometheus scraped both agents: " + scrapes + "\n" + Files.readString(dir.resolve("prometheus.log"))
                            + "\n" + http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/targets")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());

            Map<String, Double> sent = query(api, "sum by (vantage) (sum_over_time(probe_icmp_packets_sent_count"
                    + "{module=\"icmp_loss\"}[10m]))");
            Map<String, Double> loss = query(api, "1 - sum by (vantage) (sum_over_time("
                    + "probe_icmp_packets_received_count{module=\"icmp_loss\"}[10m])) / sum by (vantage) (sum_over_time("
                    + "probe_icmp_packets_sent_count{module=\"icmp_loss\"}[10m]))");
            Map<String, Double> success = query(api, "min by (vantage) (min_over_time(probe_success{module="
                    + "\"icmp_loss\"}[10m]))");
            Map<String, Double> contN = query(api, "sum by (vantage) (increase(pathprobe_requests_total[10m]))");
            Map<String, Double> contLoss = query(api, "1 - sum by (vantage) (increase("
                    + "pathprobe_response_duration_seconds_count[10m])) / sum by (vantage) (increase("
                    + "pathprobe_requests_total[10m]))");
            // r1 drops each packet it receives with p = 0.2, the echo on its way in and the reply on its way back,
            // independently: an echo is lost with q = 1 - 0.8^2 = 0.36. The estimate from n echoes has standard
            // deviation sqrt(q(1-q)/n) (n >= 250: 0.0304); |estimate - q| < 4 sd fails with probability 6.3e-5
            // (normal approximation; n q >= 90). a2's path drops nothing.
            double q = 1 - Math.pow(1 - DROP / 100.0, 2);
            System.out.println("fleet lab: /probe packets " + sent + ", loss " + loss + "; continuous probes " + contN
                    + ", loss " + contLoss + "; expected for a1 " + q);
            check("probe", sent.get("a1"), loss.get("a1"), q);
            check("continuous", contN.get("a1"), contLoss.get("a1"), q);
            assertTrue(loss.get("a2") < 0.01 && contLoss.get("a2") < 0.01, "a2's path is clean: " + loss + contLoss);
            // P(all 40 echoes of one scrape lost) = 0.36^40 = 1.7e-18: every scrape succeeds on both.
            assertEquals(Map.of("a1", 1.0, "a2", 1.0), success);
            assertTrue(r1.nft().ruleset().matches("(?s).*ip daddr " + AddressText.of(denied).replace(".", "\\.")
                    + " counter packets 0 bytes 0.*"), r1.nft().ruleset());
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    static void check(String what, Double n, Double estimate, double q) {
        assertTrue(n != null && n >= 250, what + ": at least 250 packets for the bound, had " + n);
        double bound = 4 * Math.sqrt(q * (1 - q) / n);
        assertTrue(Math.abs(estimate - q) < bound, what + ": loss " + estimate + " from " + n + " packets, expected "
                + q + " +- " + bound);
    }

    AgentServer agent(String name, Host from, Path tokens, ExporterConfig ec, InetAddress target, InetAddress silent)
            throws Exception {
        AgentServerConfig c = AgentServerConfig.builder(TargetPolicy.of(AddressText.of(target) + "/32",
                        AddressText.of(silent) + "/32"))
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).tokens(TokenStore.load(tokens))
                .name(name).vantage(LocalAgent.builder().namespace(from.namespace()).version("test").build())
                .prometheus(new ExporterSetup(ec, null)).build();
        return AgentServer.start(c);
    }

    /** The shipped configuration with only its intervals shortened, the token, and the fleet's inventory. */
    Path prometheusDir(AgentServer s1, AgentServer s2, InetAddress target) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path deploy = Path.of("..", "deploy", "prometheus");
        String yml = Files.readString(deploy.resolve("prometheus.yml"));
        String changed = yml.replace("scrape_interval: 15s", "scrape_interval: 1s")
                .replace("scrape_timeout: 10s", "scrape_timeout: 1s");
        assertEquals(2, diffLines(yml, changed), "only the two intervals change");
        Files.writeString(conf.resolve("prometheus.yml"), changed);
        Files.copy(deploy.resolve("pathprobe-rules.yml"), conf.resolve("pathprobe-rules.yml"));
        Files.writeString(conf.resolve("pathprobe-agent.token"), SECRET + "\n");
        Files.createDirectories(conf.resolve("pathprobe-targets"));
        Files.createDirectories(conf.resolve("pathprobe-agents"));
        StringBuilder targets = new StringBuilder();
        StringBuilder agents = new StringBuilder();
        for (var e : List.of(Map.entry("a1", s1), Map.entry("a2", s2))) {
            String addr = "127.0.0.1:" + e.getValue().address().getPort();
            targets.append("- targets: [\"").append(AddressText.of(target)).append("\"]\n  labels:\n    __agent: \"")
                    .append(addr).append("\"\n    module: icmp_loss\n    vantage: ").append(e.getKey())
                    .append('\n');
            agents.append("- targets: [\"").append(addr).append("\"]\n");
        }
        Files.writeString(conf.resolve("pathprobe-targets/lab.yml"), targets);
        Files.writeString(conf.resolve("pathprobe-agents/lab.yml"), agents);
        return conf;
    }

    static int diffLines(String a, String b) {
        String[] x = a.split("\n");
        String[] y = b.split("\n");
        int d = 0;
        for (int i = 0; i < x.length; i++) {
            d += x[i].equals(y[i]) ? 0 : 1;
        }
        return d;
    }

    /** An instant PromQL query: value by the series' {@code vantage} label. */
    Map<String, Double> query(String api, String promql) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        if (!"success".equals(n.path("status").asText())) {
            throw new java.io.IOException("query failed: " + r.body());
        }
        Map<String, Double> out = new HashMap<>();
        for (JsonNode s : n.path("data").path("result")) {
            out.put(s.path("metric").path("vantage").asText(), Double.parseDouble(s.path("value").get(1).asText()));
        }
        return out;
    }
}
