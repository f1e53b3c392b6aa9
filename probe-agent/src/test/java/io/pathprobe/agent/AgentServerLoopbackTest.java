package io.pathprobe.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.pathprobe.agent.auth.TokenStore;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.agent.quota.Quotas;
import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.TicketCapture;
import io.pathprobe.ticket.agent.AgentCredentials;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.CapturePlan;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real agent server on loopback, real HTTP requests to it, real TCP probes from it to a loopback listener: the
 * API, authentication, the target policy, size limits, quotas, and resumable event streams.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentServerLoopbackTest {
    static final String SECRET = "s3cret-token-for-tests-0123456789";
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;
    TcpListener listener;
    AgentServer server;
    List<String> audit = new CopyOnWriteArrayList<>();
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        listener = TcpListener.onHost(LO, 0);
        server = AgentServer.start(config(Quotas.defaults()).build());
    }

    AgentServerConfig.Builder config(Quotas q) throws Exception {
        Path tokens = dir.resolve("tokens");
        if (!Files.exists(tokens)) {
            Files.writeString(tokens, "coord " + SECRET + "\nother other-token-0123456789abcdef\n");
            Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        }
        return AgentServerConfig.builder(TargetPolicy.of("127.0.0.1/32:" + listener.port()))
                .listen(new InetSocketAddress(LO, 0)).tokens(TokenStore.load(tokens)).quotas(q).name("lo-agent")
                .vantage(LocalAgent.builder().version("pathprobe test").build()).audit(audit::add);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        listener.close();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }

    HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    CapturePlan plan(Duration d) {
        return CapturePlan.builder("127.0.0.1", LO).ports(List.of(listener.port())).ping(false)
                .traceModes(List.of()).duration(d).tcpInterval(Duration.ofMillis(100))
                .timeout(Duration.ofSeconds(1)).build();
    }

    String json(Object o) throws Exception {
        return ResultsJson.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(o);
    }

    @Test
    void everyV1RequestNeedsAValidTokenAndHealthIsOpen() throws Exception {
        assertEquals(200, send("GET", "/-/healthy", null, null).statusCode());
        assertEquals(200, send("GET", "/-/ready", null, null).statusCode());
        HttpResponse<String> none = send("GET", "/v1/info", null, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, send("GET", "/v1/info", "wrong-token-0123456789abcdef", null).statusCode());
        assertEquals(401, send("POST", "/v1/captures", "x", json(plan(Duration.ofSeconds(1)))).statusCode());
        HttpResponse<String> ok = send("GET", "/v1/info", SECRET, null);
        assertEquals(200, ok.statusCode(), ok.body());
        JsonNode info = ResultsJson.mapper().readTree(ok.body());
        assertEquals("pathprobe.agent/1", info.get("schema").asText());
        assertEquals("lo-agent", info.get("id").asText());
        assertTrue(info.get("probers").has("tcp"), ok.body());
        // The audit log names the token's id, never its secret, and says why a request was refused.
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"status\":401") && l.contains("no valid token")), audit::toString);
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"token\":\"coord\"")), audit::toString);
        assertTrue(audit.stream().noneMatch(l -> l.contains(SECRET)));
    }

    @Test
    void aCaptureThroughTheAgentStreamsEveryEventAndMatchesOneRunHere() throws Exception {
        HttpAgent agent = HttpAgent.of(URI.create("http://127.0.0.1:" + server.address().getPort()),
                new AgentCredentials(SECRET, null, null, null));
        Path out = dir.resolve("bundle");
        TicketResults r = TicketCapture.builder("127.0.0.1", LO).ports(List.of(listener.port()))
                .duration(Duration.ofSeconds(2)).pingInterval(Duration.ofMillis(100))
                .tcpInterval(Duration.ofMillis(100)).timeout(Duration.ofSeconds(1)).ping(false).traceModes(List.of())
                .vantagePoints(List.of(agent, LocalAgent.host())).outputDir(out).build().run();
        VantageEvidence remote = r.vantagePoints().get(0);
        VantageEvidence here = r.vantagePoints().get(1);
        assertEquals("agent:127.0.0.1:" + server.address().getPort(), remote.id());
        assertEquals(VantageEvidence.COMPLETE, remote.status(), remote.notes()::toString);
        assertEquals("lo-agent", remote.details().get("agent name"));
        assertNotNull(remote.clockOffsetMs());
        ProbeSeries a = remote.tcp(listener.port());
        ProbeSeries b = here.tcp(listener.port());
        // Same plan, same host, same listener: 20 connects each (2 s at 100 ms), all connected.
        assertEquals(20, a.stats().sent(), a.stats()::toString);
        assertEquals(b.stats().sent(), a.stats().sent());
        assertEquals(a.stats().sent(), a.stats().received());
        assertEquals(b.stats().sent(), b.stats().received());
        // events.jsonl has every event of both, each vantage point's numbered 1..n without a gap.
        Map<String, List<Long>> seqs = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("events.jsonl"))) {
            CaptureEvent e = ResultsJson.mapper().readValue(line, CaptureEvent.class);
            seqs.computeIfAbsent(e.vantage(), k -> new ArrayList<>()).add(e.eventSeq());
        }
        assertEquals(2, seqs.size(), seqs.keySet()::toString);
        for (List<Long> s : seqs.values()) {
            for (int i = 0; i < s.size(); i++) {
                assertEquals(i + 1, s.get(i));
            }
        }
        assertEquals(20, seqs.get(remote.id()).size());
    }

    @Test
    void aTargetOutsideTheAllowlistIsRefusedBeforeAnythingIsSent() throws Exception {
        CapturePlan other = CapturePlan.builder("127.0.0.2", InetAddress.getByName("127.0.0.2"))
                .ports(List.of(listener.port())).ping(false).traceModes(List.of()).duration(Duration.ofSeconds(1))
                .build();
        HttpResponse<String> r = send("POST", "/v1/captures", SECRET, json(other));
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("127.0.0.2"), r.body());
        assertEquals(0, listener.accepted());
        // Numeric spellings that a resolver would turn into an address are refused, never resolved.
        for (String host : List.of("2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.1")) {
            String body = json(plan(Duration.ofSeconds(1))).replace("\"address\":\"127.0.0.1\"", "\"address\":null")
                    .replace("\"target\":\"127.0.0.1\"", "\"target\":\"" + host + "\"");
            HttpResponse<String> h = send("POST", "/v1/captures", SECRET, body);
            assertEquals(403, h.statusCode(), host + ": " + h.body());
        }
        assertEquals(0, listener.accepted());
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"status\":403") && l.contains("127.0.0.2")), audit::toString);
    }

    @Test
    void badPlansAndHugeBodiesGetClearErrors() throws Exception {
        HttpResponse<String> unknown = send("POST", "/v1/captures", SECRET, "{\"target\":\"127.0.0.1\",\"x\":1}");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("bad plan"), unknown.body());
        HttpResponse<String> notJson = send("POST", "/v1/captures", SECRET, "ping 127.0.0.1");
        assertEquals(400, notJson.statusCode());
        String url = json(plan(Duration.ofSeconds(1))).replace("\"publicIpUrl\":null",
                "\"publicIpUrl\":\"http://127.0.0.1:1/\"");
        HttpResponse<String> fetch = send("POST", "/v1/captures", SECRET, url);
        assertEquals(400, fetch.statusCode(), fetch.body());
        assertTrue(fetch.body().contains("does not fetch URLs"), fetch.body());
        String huge = "{\"target\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}";
        HttpResponse<String> big = send("POST", "/v1/captures", SECRET, huge);
        assertEquals(413, big.statusCode());
        assertTrue(big.body().contains("larger than"), big.body());
        assertEquals(404, send("GET", "/v1/captures/nope", SECRET, null).statusCode());
        assertEquals(405, send("GET", "/v1/captures", SECRET, null).statusCode());
    }

    @Test
    void overQuotaIs429WithRetryAfterAndCapturesAreTheirOwnersOnly() throws Exception {
        server.close();
        server = AgentServer.start(config(Quotas.defaults().toBuilder().concurrentCaptures(1).build()).build());
        HttpResponse<String> first = send("POST", "/v1/captures", SECRET, json(plan(Duration.ofSeconds(3))));
        assertEquals(202, first.statusCode(), first.body());
        String id = ResultsJson.mapper().readTree(first.body()).get("id").asText();
        assertEquals("/v1/captures/" + id, first.headers().firstValue("Location").orElse(""));
        HttpResponse<String> second = send("POST", "/v1/captures", SECRET, json(plan(Duration.ofSeconds(3))));
        assertEquals(429, second.statusCode(), second.body());
        assertTrue(Long.parseLong(second.headers().firstValue("Retry-After").orElse("0")) >= 1);
        // Another token's captures do not exist for it.
        assertEquals(404, send("GET", "/v1/captures/" + id, "other-token-0123456789abcdef", null).statusCode());
        assertEquals(404, send("DELETE", "/v1/captures/" + id, "other-token-0123456789abcdef", null).statusCode());
        // DELETE cancels and keeps what was measured.
        assertEquals(202, send("DELETE", "/v1/captures/" + id, SECRET, null).statusCode());
        JsonNode end = awaitEnd(id);
        assertEquals("stopped", end.get("status").asText(), end::toString);
        assertFalse(end.get("evidence").get("tcp").isEmpty());
    }

    @Test
    void aStreamResumesAfterTheLastEventItHas() throws Exception {
        HttpResponse<String> started = send("POST", "/v1/captures", SECRET, json(plan(Duration.ofSeconds(2))));
        String id = ResultsJson.mapper().readTree(started.body()).get("id").asText();
        // Read three events, then drop the connection.
        List<Long> seen = new ArrayList<>();
        HttpResponse<java.io.InputStream> s = http.send(HttpRequest.newBuilder(url("/v1/captures/" + id
                + "/events?after=0")).header("Authorization", "Bearer " + SECRET).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(s.body(), StandardCharsets.UTF_8))) {
            String line;
            while (seen.size() < 3 && (line = in.readLine()) != null) {
                if (!line.contains("heartbeat")) {
                    seen.add(ResultsJson.mapper().readTree(line).get("eventSeq").asLong());
                }
            }
        }
        assertEquals(List.of(1L, 2L, 3L), seen);
        awaitEnd(id);
        // Resume: everything after 3, to the end of the capture, then the stream closes.
        HttpResponse<String> rest = send("GET", "/v1/captures/" + id + "/events?after=3", SECRET, null);
        assertEquals(200, rest.statusCode());
        long expect = 4;
        for (String line : rest.body().split("\n")) {
            if (!line.isBlank() && !line.contains("heartbeat")) {
                assertEquals(expect++, ResultsJson.mapper().readTree(line).get("eventSeq").asLong());
            }
        }
        assertEquals(21, expect, "20 connects in 2 s at 100 ms: events 4..20 after the resume");
        assertEquals(400, send("GET", "/v1/captures/" + id + "/events?after=999", SECRET, null).statusCode());
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAuthentication() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentServerConfig
                .builder(TargetPolicy.of()).listen(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0)).build());
        assertTrue(e.getMessage().contains("without authentication"), e.getMessage());
    }

    @Test
    void anUnreachableAgentIsAClearErrorNotAHang() throws Exception {
        int closed = TcpListener.closedPort(LO);
        HttpAgent gone = HttpAgent.of(URI.create("http://127.0.0.1:" + closed), AgentCredentials.none());
        AgentException e = assertThrows(AgentException.class, gone::info);
        assertEquals(503, e.status());
        assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HttpAgent.of(URI.create("http://u:p@127.0.0.1:1"), null));
        assertThrows(IllegalArgumentException.class, () -> HttpAgent.of(URI.create("ftp://127.0.0.1:1"), null));
    }

    JsonNode awaitEnd(String id) throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode n = ResultsJson.mapper().readTree(send("GET", "/v1/captures/" + id, SECRET, null).body());
            if (!n.get("status").asText().equals("running")) {
                return n;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("capture " + id + " did not end in 10 s");
    }
}
