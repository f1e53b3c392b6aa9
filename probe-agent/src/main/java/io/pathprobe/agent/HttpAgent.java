package io.pathprobe.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.agent.internal.Tls;
import io.pathprobe.ticket.CaptureProgress;
import io.pathprobe.ticket.agent.AgentCapture;
import io.pathprobe.ticket.agent.AgentCredentials;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.AgentInfo;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.CaptureListener;
import io.pathprobe.ticket.agent.CapturePlan;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.report.ResultsJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A remote {@code pathprobe agent} reached over HTTP(S): the coordinator's side of the agent API. One reusable
 * HTTP client per agent; each capture streams its events (resuming after the last one it has when the connection
 * drops), polls the evidence so far, and is marked {@code lost} with that evidence when the agent stops answering
 * for {@link #LOST_AFTER}.
 */
public final class HttpAgent implements ProbeAgent {
    /** An agent silent this long (no event, no heartbeat, no answer) is lost. */
    public static final Duration LOST_AFTER = Duration.ofSeconds(8);
    private static final Duration POLL = Duration.ofSeconds(2);
    /**
     * A stream with no line (the agent sends a heartbeat every second) for this long is half-open: closed and
     * resumed on a new connection.
     */
    private static final Duration STREAM_SILENCE = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = ResultsJson.mapper();

    private final URI base;
    private final String id;
    private final String token;
    private final HttpClient client;
    private volatile double offsetMs;
    private volatile double bestRttMs = Double.MAX_VALUE;

    private HttpAgent(URI base, AgentCredentials credentials) {
        this.base = base;
        this.id = "agent:" + base.getAuthority();
        this.token = credentials.token();
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if ("https".equals(base.getScheme())) {
            b.sslContext(Tls.clientContext(credentials.trustCert(), credentials.clientCert(), credentials.clientKey()));
        }
        this.client = b.build();
    }

    /**
     * The agent at {@code url} ({@code http://HOST:PORT} or {@code https://HOST:PORT}); nothing is sent yet.
     *
     * @throws IllegalArgumentException when the URL is not an http(s) URL with a host, or has a path or user info
     */
    public static HttpAgent of(URI url, AgentCredentials credentials) {
        Objects.requireNonNull(url, "url");
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException("agent URL " + url + " must be http://HOST:PORT or https://HOST:PORT");
        }
        if (url.getRawUserInfo() != null || (url.getRawPath() != null && !url.getRawPath().isEmpty()
                && !url.getRawPath().equals("/")) || url.getRawQuery() != null) {
            throw new IllegalArgumentException("agent URL " + url + " must have no user, path or query: the token"
                    + " comes from a file or the environment, never the URL");
        }
        int port = url.getPort() < 0 ? AgentServerConfig.DEFAULT_PORT : url.getPort();
        URI clean = URI.create(url.getScheme() + "://" + (url.getHost().contains(":") && !url.getHost().startsWith("[")
                ? "[" + url.getHost() + "]" : url.getHost()) + ":" + port);
        return new HttpAgent(clean, credentials == null ? AgentCredentials.none() : credentials);
    }

    @Override
    public String id() {
        return id;
    }

    /** The agent's base URL. */
    public URI url() {
        return base;
    }

    @Override
    public AgentInfo info() {
        long t0 = System.currentTimeMillis();
        JsonNode n = call("GET", "/v1/info", null);
        long t1 = System.currentTimeMillis();
        AgentInfo info = MAPPER.convertValue(n, AgentInfo.class);
        clock(info.clock(), t0, t1);
        return info;
    }

    /** The agent's clock minus ours, from the quickest exchange so far (its midpoint is the best estimate). */
    private void clock(String agentClock, long t0, long t1) {
        if (agentClock == null) {
            return;
        }
        double rtt = t1 - t0;
        if (rtt <= bestRttMs) {
            bestRttMs = rtt;
            offsetMs = Instant.parse(agentClock).toEpochMilli() - (t0 + t1) / 2.0;
        }
    }

    /** Its clock offset estimate in milliseconds (agent minus coordinator), and the round trip it came from. */
    public double clockOffsetMs() {
        return offsetMs;
    }

    @Override
    public AgentCapture start(CapturePlan plan, CaptureListener listener) {
        AgentInfo info = info();
        long t0 = System.currentTimeMillis();
        JsonNode n = call("POST", "/v1/captures", plan.withoutPublicIpUrl());
        clock(text(n, "clock"), t0, System.currentTimeMillis());
        return new Remote(text(n, "id"), info, listener == null ? CaptureListener.NONE : listener);
    }

    private JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder r = request(path).timeout(REQUEST_TIMEOUT);
        try {
            if (body != null) {
                r.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)));
            } else {
                r.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> resp = client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode n = resp.body().length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(resp.body());
            if (resp.statusCode() >= 300) {
                String why = n.has("error") ? n.get("error").asText() : "HTTP " + resp.statusCode();
                String retry = resp.headers().firstValue("Retry-After").map(s -> " (retry after " + s + " s)")
                        .orElse("");
                throw new AgentException(resp.statusCode(), id + " answered " + resp.statusCode() + ": " + why + retry);
            }
            return n;
        } catch (IOException e) {
            throw new AgentException(503, id + " cannot be reached (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "): is the agent running and listening"
                    + " there, and does its TLS certificate match?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(503, id + ": interrupted", e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "application/json");
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return r;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** One capture on the remote agent, seen from here. */
    private final class Remote implements AgentCapture {
        private final String captureId;
        private final AgentInfo info;
        private final CaptureListener listener;
        private final CompletableFuture<VantageEvidence> evidence = new CompletableFuture<>();
        private final Map<String, long[]> checks = new LinkedHashMap<>();
        private volatile long lastSeq;
        private volatile long lastHeardMs = System.currentTimeMillis();
        private volatile long lastLineMs = System.currentTimeMillis();
        private volatile VantageEvidence latest;
        private volatile InputStream open;
        private volatile boolean cancelled;
        private long sent;

        Remote(String captureId, AgentInfo info, CaptureListener listener) {
            this.captureId = captureId;
            this.info = info;
            this.listener = listener;
            Thread s = new Thread(this::streamLoop, "agent-stream-" + captureId);
            s.setDaemon(true);
            s.start();
            Thread p = new Thread(this::pollLoop, "agent-poll-" + captureId);
            p.setDaemon(true);
            p.start();
        }

        @Override
        public String id() {
            return captureId;
        }

        /** Reads the event stream, resuming after the last event after a drop, until the capture has ended. */
        private void streamLoop() {
            long backoff = 100;
            while (!evidence.isDone()) {
                try {
                    HttpResponse<InputStream> resp = client.send(request("/v1/captures/" + captureId
                            + "/events?after=" + lastSeq).header("Accept", "application/x-ndjson").GET().build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    if (resp.statusCode() != 200) {
                        resp.body().close();
                        throw new IOException("events answered HTTP " + resp.statusCode());
                    }
                    open = resp.body();
                    lastLineMs = System.currentTimeMillis();
                    backoff = 100;
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(),
                            StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            lastHeardMs = System.currentTimeMillis();
                            lastLineMs = lastHeardMs;
                            if (!line.startsWith("{\"heartbeat\"")) {
                                deliver(MAPPER.readValue(line, CaptureEvent.class));
                            }
                        }
                    }
                    // The stream ended: the capture is over (or the agent closed it); the poller fetches the end.
                    if (finishIfEnded()) {
                        return;
                    }
                } catch (IOException | RuntimeException e) {
                    if (lost()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                sleep(backoff);
                backoff = Math.min(2000, backoff * 2);
            }
        }

        private void deliver(CaptureEvent e) {
            if (e.eventSeq() != lastSeq + 1) {
                return; // a repeat after a resume (or a gap, which the agent never makes): numbers stay exact
            }
            lastSeq = e.eventSeq();
            if (e.check().equals("ping") || e.check().equals("tcp")) {
                synchronized (checks) {
                    long[] c = checks.computeIfAbsent(e.check() + (e.port() == null ? "" : ":" + e.port()),
                            k -> new long[2]);
                    c[0]++;
                    if (!e.outcome().equals("reply") && !e.outcome().equals("connected")) {
                        c[1]++;
                    }
                    sent++;
                }
            }
            long agentMs = e.t() == null ? System.currentTimeMillis() : Instant.parse(e.t()).toEpochMilli();
            listener.onEvent(e.renumbered(e.eventSeq(), Instant.ofEpochMilli(Math.round(agentMs - offsetMs)).toString(),
                    e.ms()).withVantage(id));
        }

        /** Polls the evidence so far (kept for a loss) and watches the stream for silence. */
        private void pollLoop() {
            while (!evidence.isDone()) {
                sleep(POLL.toMillis());
                if (evidence.isDone()) {
                    return;
                }
                try {
                    if (refresh()) {
                        return;
                    }
                } catch (AgentException | IOException e) {
                    if (System.currentTimeMillis() - lastHeardMs > LOST_AFTER.toMillis()) {
                        closeStream(); // unblocks a stream read that would otherwise wait for ever
                        lost();
                        return;
                    }
                }
                if (System.currentTimeMillis() - lastLineMs > STREAM_SILENCE.toMillis()) {
                    closeStream(); // half-open: the stream loop resumes after the last event on a new connection
                }
            }
        }

        private boolean finishIfEnded() {
            try {
                return refresh();
            } catch (AgentException | IOException e) {
                lost();
            }
            return evidence.isDone();
        }

        /**
         * Fetches the capture's status: keeps the evidence so far (for a loss) and completes once the capture has
         * ended and every event is in.
         *
         * @return whether the capture is complete here
         */
        private boolean refresh() throws IOException {
            long t0 = System.currentTimeMillis();
            JsonNode n = call("GET", "/v1/captures/" + captureId, null);
            clock(text(n, "clock"), t0, System.currentTimeMillis());
            lastHeardMs = System.currentTimeMillis();
            JsonNode ev = n.get("evidence");
            if (ev != null && !ev.isNull()) {
                latest = MAPPER.treeToValue(ev, VantageEvidence.class);
            }
            String status = text(n, "status");
            if (status != null && !status.equals(VantageEvidence.RUNNING) && n.path("lastEventSeq").asLong() <= lastSeq) {
                complete(latest, null);
                return true;
            }
            return evidence.isDone();
        }

        /** Marks the agent lost once it has been silent for {@link #LOST_AFTER}; returns whether it is. */
        private boolean lost() {
            if (evidence.isDone()) {
                return true;
            }
            long silent = System.currentTimeMillis() - lastHeardMs;
            if (silent <= LOST_AFTER.toMillis()) {
                return false;
            }
            String at = Instant.ofEpochMilli(lastHeardMs).toString();
            complete(latest, "agent lost at " + at + " (silent for " + silent / 1000 + " s): the evidence is what"
                    + " arrived until then; " + lastSeq + " events received");
            return true;
        }

        private void complete(VantageEvidence e, String lostNote) {
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("agent", base.toString());
            extra.put("agent name", info.id());
            extra.put("agent version", info.version());
            if (info.publicAddress() != null) {
                extra.put("agent public address", info.publicAddress());
            }
            VantageEvidence base = e != null ? e : new VantageEvidence(id, "agent", Map.of(), null, null, null,
                    List.of(), List.of(), List.of());
            base = base.as(id, "agent", extra);
            String status = lostNote != null ? VantageEvidence.LOST
                    : cancelled && VantageEvidence.RUNNING.equals(base.status()) ? VantageEvidence.STOPPED
                    : base.status();
            if (VantageEvidence.RUNNING.equals(status)) {
                status = VantageEvidence.STOPPED;
            }
            evidence.complete(base.withStatus(status, lostNote == null ? null : Instant.ofEpochMilli(lastHeardMs)
                    .toString(), offsetMs, lostNote));
            closeStream();
        }

        private void closeStream() {
            InputStream in = open;
            open = null;
            lastLineMs = System.currentTimeMillis();
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing is all we wanted
                }
            }
        }

        @Override
        public List<CaptureProgress.Check> progress() {
            List<CaptureProgress.Check> out = new ArrayList<>();
            synchronized (checks) {
                for (var c : checks.entrySet()) {
                    out.add(new CaptureProgress.Check(id, c.getKey(), c.getValue()[0],
                            c.getValue()[0] == 0 ? 0 : 100.0 * c.getValue()[1] / c.getValue()[0]));
                }
            }
            return out;
        }

        @Override
        public long probesSent() {
            synchronized (checks) {
                return sent;
            }
        }

        @Override
        public VantageEvidence snapshot() {
            return evidence.isDone() ? evidence.join() : latest;
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (!evidence.isDone()) {
                try {
                    call("DELETE", "/v1/captures/" + captureId, null);
                } catch (AgentException e) {
                    // unreachable: the loss rule ends it
                }
            }
        }

        @Override
        public CompletableFuture<VantageEvidence> evidence() {
            return evidence;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
