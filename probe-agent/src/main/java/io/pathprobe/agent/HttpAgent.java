package io.pathprobe.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.agent.internal.Tls;
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
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

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
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Connects tried per request. A connect that timed out sent no request, so trying again is safe even for the
     * capture's POST. A 5 s connect sends three to five SYNs (by the kernel's schedule); on a path that loses a
     * third of round trips (a client's carrier, where agents matter most) all of them are lost for one connect in
     * 20 to 170.
     */
    static final int CONNECT_ATTEMPTS = 3;
    private static final ObjectMapper MAPPER = ResultsJson.mapper();

    private final URI base;
    private final String id;
    private final String token;
    private final HttpClient client;
    private final ClockOffset clock = new ClockOffset();

    private HttpAgent(URI base, AgentCredentials credentials) {
        this.base = base;
        this.id = "agent:" + base.getAuthority();
        this.token = credentials.token();
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
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
        clock.sample(info.clock(), t0, t1);
        return info;
    }

    /** Its clock offset estimate in milliseconds (agent minus coordinator), and the round trip it came from. */
    public double clockOffsetMs() {
        return clock.ms();
    }

    @Override
    public AgentCapture start(CapturePlan plan, CaptureListener listener) {
        AgentInfo info = info();
        long t0 = System.currentTimeMillis();
        JsonNode n = call("POST", "/v1/captures", plan.withoutPublicIpUrl());
        clock.sample(text(n, "clock"), t0, System.currentTimeMillis());
        return new Remote(text(n, "id"), info, listener);
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
            HttpResponse<byte[]> resp = send(r.build());
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

    /** Sends {@code req}, connecting again when a connect timed out (the request was not sent). */
    private HttpResponse<byte[]> send(HttpRequest req) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpConnectTimeoutException e) {
                if (attempt == CONNECT_ATTEMPTS) {
                    throw new HttpConnectTimeoutException("no connect in " + CONNECT_ATTEMPTS + " attempts of "
                            + CONNECT_TIMEOUT.toSeconds() + " s each");
                }
            }
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

    /** One capture on the remote agent, seen from here: its event stream and its status poll. */
    private final class Remote extends RemoteCapture {
        private volatile long lastLineMs = System.currentTimeMillis();
        private volatile InputStream open;

        Remote(String captureId, AgentInfo info, CaptureListener listener) {
            super(id, captureId, info, listener, clock, base.toString(), "");
            Thread s = new Thread(this::streamLoop, "agent-stream-" + captureId);
            s.setDaemon(true);
            s.start();
            Thread p = new Thread(this::pollLoop, "agent-poll-" + captureId);
            p.setDaemon(true);
            p.start();
        }

        /** Reads the event stream, resuming after the last event after a drop, until the capture has ended. */
        private void streamLoop() {
            long backoff = 100;
            while (!done()) {
                try {
                    HttpResponse<InputStream> resp = client.send(request("/v1/captures/" + id()
                            + "/events?after=" + lastSeq()).header("Accept", "application/x-ndjson").GET().build(),
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
                            heard();
                            lastLineMs = System.currentTimeMillis();
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
                    if (lostIfSilent(LOST_AFTER)) {
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

        /** Polls the evidence so far (kept for a loss) and watches the stream for silence. */
        private void pollLoop() {
            while (!done()) {
                sleep(POLL.toMillis());
                if (done()) {
                    return;
                }
                try {
                    if (refresh()) {
                        return;
                    }
                } catch (AgentException | IOException e) {
                    if (silentMs() > LOST_AFTER.toMillis()) {
                        closeStream(); // unblocks a stream read that would otherwise wait for ever
                        lostIfSilent(LOST_AFTER);
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
                lostIfSilent(LOST_AFTER);
            }
            return done();
        }

        /**
         * Fetches the capture's status: keeps the evidence so far (for a loss) and completes once the capture has
         * ended and every event is in.
         *
         * @return whether the capture is complete here
         */
        private boolean refresh() throws IOException {
            long t0 = System.currentTimeMillis();
            JsonNode n = call("GET", "/v1/captures/" + id(), null);
            clock.sample(text(n, "clock"), t0, System.currentTimeMillis());
            heard();
            JsonNode ev = n.get("evidence");
            if (ev != null && !ev.isNull()) {
                keep(MAPPER.treeToValue(ev, VantageEvidence.class));
            }
            String status = text(n, "status");
            if (status != null && !status.equals(VantageEvidence.RUNNING)
                    && n.path("lastEventSeq").asLong() <= lastSeq()) {
                complete(null);
                return true;
            }
            return done();
        }

        @Override
        protected void released() {
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
        protected void requestCancel() {
            try {
                call("DELETE", "/v1/captures/" + id(), null);
            } catch (AgentException e) {
                // unreachable: the loss rule ends it
            }
        }
    }
}
