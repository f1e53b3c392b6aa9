package io.pathprobe.agent.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.pathprobe.agent.prometheus.PrometheusEndpoints;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.CapturePlan;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent's HTTP/1.1 API, one handler per connection: {@code /-/healthy}, {@code /-/ready} (open), and under
 * {@code /v1} (authenticated): {@code GET info}, {@code POST captures}, {@code GET captures/ID},
 * {@code GET captures/ID/events?after=N} (NDJSON, streamed while the capture runs), {@code DELETE captures/ID}.
 */
public final class AgentHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** A stream line when nothing else was sent for this long, so a coordinator can tell a quiet agent from a dead one. */
    public static final long HEARTBEAT_MS = 1000;
    private static final int BATCH = 4096;
    private static final byte[] NL = {'\n'};

    private final AgentService service;
    private final ExecutorService blocking;
    private final PrometheusEndpoints prometheus;
    private Stream stream;

    public AgentHandler(AgentService service, ExecutorService blocking, PrometheusEndpoints prometheus) {
        this.service = service;
        this.blocking = blocking;
        this.prometheus = prometheus;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String peer = peer(ctx);
        String method = req.method().name();
        String uri = req.uri();
        if (!req.decoderResult().isSuccess()) {
            reply(ctx, req, 400, error("the request could not be read: " + req.decoderResult().cause()), null,
                    peer, null, null);
            return;
        }
        QueryStringDecoder q = new QueryStringDecoder(uri);
        String path = q.path();
        if (path.equals("/-/healthy")) {
            text(ctx, req, 200, "pathprobe agent is healthy\n");
            return;
        }
        if (path.equals("/-/ready")) {
            text(ctx, req, service.ready() ? 200 : 503, service.ready() ? "ready\n" : "shutting down\n");
            return;
        }
        boolean prom = prometheus.handles(path);
        if (!prom && !path.equals("/v1") && !path.startsWith("/v1/")) {
            reply(ctx, req, 404, error("no such endpoint: " + abbreviate(path)), null, peer, null, null);
            return;
        }
        Optional<String> who = prom && prometheus.open(path) ? Optional.of("open") : authenticate(ctx, req);
        if (who.isEmpty()) {
            FullHttpResponse r = json(401, error("authentication required: send 'Authorization: Bearer TOKEN'"
                    + " (the coordinator reads it from --agent-token-file or PATHPROBE_AGENT_TOKEN)"));
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"pathprobe-agent\"");
            service.audit().record(peer, null, method, uri, null, 401, "no valid token"); // before the answer
            send(ctx, req, r);
            return;
        }
        String owner = who.get();
        if (prom) {
            prometheus(ctx, req, q, owner, peer);
            return;
        }
        String[] parts = path.substring(1).split("/");
        try {
            if (parts.length == 2 && parts[1].equals("info") && req.method().equals(HttpMethod.GET)) {
                ObjectNode n = node(service.info());
                reply(ctx, req, 200, n, null, peer, owner, null);
            } else if (parts.length == 2 && parts[1].equals("captures")) {
                if (!req.method().equals(HttpMethod.POST)) {
                    reply(ctx, req, 405, error("use POST to start a capture"), null, peer, owner, null);
                    return;
                }
                startCapture(ctx, req, owner, peer);
            } else if (parts.length == 3 && parts[1].equals("captures")) {
                HostedCapture h = service.find(owner, parts[2]);
                if (h == null) {
                    reply(ctx, req, 404, error("no capture " + abbreviate(parts[2]) + " for this token"), null, peer,
                            owner, null);
                } else if (req.method().equals(HttpMethod.GET)) {
                    reply(ctx, req, 200, status(h), null, peer, owner, null);
                } else if (req.method().equals(HttpMethod.DELETE)) {
                    h.capture().cancel();
                    reply(ctx, req, 202, status(h), null, peer, owner, "cancelled");
                } else {
                    reply(ctx, req, 405, error("use GET or DELETE on a capture"), null, peer, owner, null);
                }
            } else if (parts.length == 4 && parts[1].equals("captures") && parts[3].equals("events")
                    && req.method().equals(HttpMethod.GET)) {
                HostedCapture h = service.find(owner, parts[2]);
                if (h == null) {
                    reply(ctx, req, 404, error("no capture " + abbreviate(parts[2]) + " for this token"), null, peer,
                            owner, null);
                    return;
                }
                long after = longParam(q, "after", 0);
                if (after < 0 || after > h.lastSeq()) {
                    reply(ctx, req, 400, error("after=" + after + " is not an event of this capture (0 to "
                            + h.lastSeq() + ")"), null, peer, owner, null);
                    return;
                }
                if (after + 1 < h.firstSeq()) {
                    reply(ctx, req, 410, error("events up to " + (h.firstSeq() - 1) + " are no longer kept; resume"
                            + " from " + (h.firstSeq() - 1)), null, peer, owner, null);
                    return;
                }
                service.audit().record(peer, owner, req.method().name(), uri, null, 200, "event stream");
                stream = new Stream(ctx, h, after);
                stream.begin(HttpUtil.isKeepAlive(req));
            } else {
                reply(ctx, req, 404, error("no such endpoint: " + req.method() + " " + abbreviate(path)), null,
                        peer, owner, null);
            }
        } catch (NumberFormatException e) {
            reply(ctx, req, 400, error("a query parameter is not a number: " + e.getMessage()), null, peer, owner, null);
        }
    }

    private void startCapture(ChannelHandlerContext ctx, FullHttpRequest req, String owner, String peer) {
        CapturePlan plan;
        try {
            plan = AgentService.STRICT.readValue(req.content().toString(StandardCharsets.UTF_8), CapturePlan.class);
        } catch (JsonProcessingException e) {
            Throwable root = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            String why = root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
            reply(ctx, req, 400, error("bad plan: " + abbreviate(why)), null, peer, owner, "bad plan");
            return;
        }
        String summary = plan.target() + (plan.address() == null ? "" : " (" + plan.address() + ")") + " ports "
                + plan.ports() + " for " + plan.durationMs() + " ms" + (plan.ping() ? ", ping" : "")
                + (plan.traceModes().isEmpty() ? "" : ", traces " + plan.traceModes());
        req.retain();
        // Resolving a name and setting up engines block: not on the event loop.
        blocking.execute(() -> {
            try {
                HostedCapture h = service.start(owner, plan);
                ObjectNode n = status(h);
                FullHttpResponse r = json(202, n);
                r.headers().set(HttpHeaderNames.LOCATION, "/v1/captures/" + h.id());
                service.audit().record(peer, owner, "POST", req.uri(), summary, 202, "started " + h.id()
                        + " at " + h.plan().address());
                send(ctx, req, r);
            } catch (AgentException e) {
                FullHttpResponse r = json(e.status(), error(e.getMessage()));
                if (e.retryAfterSeconds() > 0) {
                    r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
                }
                service.audit().record(peer, owner, "POST", req.uri(), summary, e.status(), e.getMessage());
                send(ctx, req, r);
            } catch (RuntimeException e) {
                send(ctx, req, json(500, error("the agent could not start the capture: " + e)));
                service.audit().record(peer, owner, "POST", req.uri(), summary, 500, e.toString());
            } finally {
                req.release();
            }
        });
    }

    /** /probe, /metrics, /-/reload: answered by the Prometheus endpoints, maybe later on another thread. */
    private void prometheus(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, String owner,
                            String peer) {
        String method = req.method().name();
        String uri = req.uri();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        prometheus.handle(new PrometheusEndpoints.Request(method, q.path(), q.parameters(),
                req.headers().get("X-Prometheus-Scrape-Timeout-Seconds"), owner), (status, type, body, reason) -> {
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
                    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
                    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                    HttpUtil.setKeepAlive(r, keepAlive);
                    var f = ctx.writeAndFlush(r);
                    if (!keepAlive) {
                        f.addListener(ChannelFutureListener.CLOSE);
                    }
                    if (reason != null) { // scrapes of /metrics are not audited: they are many and send nothing
                        service.audit().record(peer, owner, method, uri, null, status, reason);
                    }
                });
    }

    private Optional<String> authenticate(ChannelHandlerContext ctx, FullHttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        var tokens = service.config().tokens();
        if (tokens != null && header != null) {
            Optional<String> id = tokens.authenticate(header);
            if (id.isPresent()) {
                return id;
            }
            return Optional.empty();
        }
        if (service.config().clientCa() != null) {
            // The TLS handshake already required a certificate signed by the client CA.
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            try {
                X509Certificate c = (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
                return tokens == null ? Optional.of("cert:" + c.getSubjectX500Principal().getName())
                        : Optional.empty();
            } catch (Exception e) {
                return Optional.empty();
            }
        }
        if (tokens == null) {
            return Optional.of("loopback"); // loopback only (the configuration refuses anything else without auth)
        }
        return Optional.empty();
    }

    private ObjectNode status(HostedCapture h) {
        ObjectNode n = AgentService.MAPPER.createObjectNode();
        n.put("schema", AgentService.SCHEMA);
        n.put("id", h.id());
        n.put("status", h.status());
        n.put("created", h.created().toString());
        n.put("lastEventSeq", h.lastSeq());
        n.put("firstKeptSeq", h.firstSeq());
        n.set("plan", AgentService.MAPPER.valueToTree(h.plan()));
        n.set("evidence", AgentService.MAPPER.valueToTree(h.evidence()));
        n.put("clock", Instant.now().toString());
        return n;
    }

    private static ObjectNode node(Object value) {
        ObjectNode n = AgentService.MAPPER.createObjectNode();
        n.put("schema", AgentService.SCHEMA);
        n.setAll((ObjectNode) AgentService.MAPPER.valueToTree(value));
        return n;
    }

    static ObjectNode error(String message) {
        ObjectNode n = AgentService.MAPPER.createObjectNode();
        n.put("schema", AgentService.SCHEMA);
        n.put("error", message);
        return n;
    }

    private void reply(ChannelHandlerContext ctx, FullHttpRequest req, int status, ObjectNode body, String plan,
                       String peer, String owner, String reason) {
        // Recorded before the answer goes out, so a client that got it finds its line in the audit log.
        service.audit().record(peer, owner, req.method().name(), req.uri(), plan, status,
                reason != null ? reason : body.has("error") ? body.get("error").asText() : null);
        send(ctx, req, json(status, body));
    }

    /** The 413 answer for a request body over {@code max} (sent before the body is read). */
    public static FullHttpResponse tooLarge(int max) {
        FullHttpResponse r = json(413, error("the request body is larger than " + max
                + " bytes: a capture plan is a few hundred bytes"));
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    static FullHttpResponse json(int status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = AgentService.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes, NL));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private static void text(ChannelHandlerContext ctx, FullHttpRequest req, int status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        send(ctx, req, r);
    }

    static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
        boolean keepAlive = req != null && HttpUtil.isKeepAlive(req) && r.status().code() < 500;
        HttpUtil.setKeepAlive(r, keepAlive);
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static long longParam(QueryStringDecoder q, String name, long dflt) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? dflt : Long.parseLong(v.get(0));
    }

    private static String peer(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(ctx.channel().remoteAddress());
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 200 ? clean : clean.substring(0, 200) + "...";
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (stream != null && ctx.channel().isWritable()) {
            stream.pump();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stream != null) {
            stream.end();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a broken connection; the capture goes on for its coordinator to reconnect
    }

    /** One NDJSON event stream: everything after the resume point, then each event as it comes, then the end. */
    private final class Stream implements HostedCapture.Subscriber {
        private final ChannelHandlerContext ctx;
        private final HostedCapture h;
        private long sent;
        private long lastWriteMs = System.currentTimeMillis();
        private final java.util.concurrent.atomic.AtomicBoolean scheduled =
                new java.util.concurrent.atomic.AtomicBoolean();
        private boolean done;
        private boolean keepAlive;
        private ScheduledFuture<?> heartbeat;

        Stream(ChannelHandlerContext ctx, HostedCapture h, long after) {
            this.ctx = ctx;
            this.h = h;
            this.sent = after;
        }

        void begin(boolean keepAlive) {
            this.keepAlive = keepAlive;
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson");
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            HttpUtil.setTransferEncodingChunked(r, true);
            HttpUtil.setKeepAlive(r, keepAlive);
            ctx.write(r);
            h.subscribe(this);
            heartbeat = ctx.executor().scheduleAtFixedRate(this::beat, HEARTBEAT_MS, HEARTBEAT_MS,
                    TimeUnit.MILLISECONDS);
            pump();
        }

        @Override
        public void wake() {
            // One task per burst, not per event: what arrives meanwhile goes out in the same chunk.
            if (scheduled.compareAndSet(false, true)) {
                ctx.executor().execute(this::pump);
            }
        }

        /** Writes what is there (on the channel's loop), as long as the connection takes it. */
        void pump() {
            scheduled.set(false);
            while (!done && ctx.channel().isWritable()) {
                List<byte[]> lines = h.linesAfter(sent, BATCH);
                if (lines == null) {
                    end(); // overtaken by the ring: the coordinator resumes from what it has and learns of the gap
                    ctx.close();
                    return;
                }
                if (lines.isEmpty()) {
                    break;
                }
                int size = 0;
                for (byte[] l : lines) {
                    size += l.length + 1;
                }
                ByteBuf buf = ctx.alloc().buffer(size);
                for (byte[] l : lines) {
                    buf.writeBytes(l).writeByte('\n');
                }
                sent += lines.size();
                lastWriteMs = System.currentTimeMillis();
                ctx.write(new DefaultHttpContent(buf));
            }
            ctx.flush();
            if (!done && h.ended() && sent >= h.lastSeq()) {
                finish();
            }
        }

        private void beat() {
            if (done || System.currentTimeMillis() - lastWriteMs < HEARTBEAT_MS) {
                return;
            }
            String line = "{\"heartbeat\":\"" + Instant.now() + "\",\"lastEventSeq\":" + h.lastSeq() + "}\n";
            lastWriteMs = System.currentTimeMillis();
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII)));
        }

        private void finish() {
            end();
            var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
            stream = null;
        }

        void end() {
            if (!done) {
                done = true;
                if (heartbeat != null) {
                    heartbeat.cancel(false);
                }
                h.unsubscribe(this);
            }
        }
    }
}
