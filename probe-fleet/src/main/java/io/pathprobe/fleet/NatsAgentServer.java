package io.pathprobe.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.pathprobe.agent.internal.AgentService;
import io.pathprobe.agent.internal.HostedCapture;
import io.pathprobe.agent.quota.Lease;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.fleet.internal.Json;
import io.pathprobe.fleet.internal.WorkItem;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.AgentInfo;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.CapturePlan;
import io.pathprobe.ticket.agent.LocalAgent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code pathprobe agent --nats URL}: an agent that dials out to a NATS broker, for networks nobody can connect
 * into. It announces itself and beats every second on {@code pathprobe.hb.NAME}, answers requests on
 * {@code pathprobe.agent.NAME.*}, publishes each capture's events on {@code pathprobe.ev.NAME.CAPTURE} and takes
 * work items from its queue group ({@link Subjects}). Plans and work pass the same target policy and quotas as
 * the HTTP agent's ({@link AgentService}): the broker is trusted to authenticate, never to filter targets.
 *
 * <p>After a broker restart the client reconnects by itself; events published while the broker was away are
 * what the coordinator finds missing (a gap in the event numbers) and asks for again with an {@code events}
 * request, answered from the capture's kept events. Start with {@link #start}; {@link #close()} cancels the running
 * captures and disconnects.
 */
public final class NatsAgentServer implements AutoCloseable {
    /**
     * The quota owner of every request that comes over the broker: the broker has authenticated the sender as a
     * coordinator (its permissions are the only ones that may publish to this agent's subjects), and the agent
     * cannot tell coordinators apart, so they share the agent's quotas.
     */
    static final String OWNER = "nats";
    private static final int BATCH_LINES = 2000;
    private static final int BATCH_BYTES = 512 * 1024;
    /** An ended capture's heartbeat lines go on this long, for a coordinator still catching up. */
    private static final long ENDED_BEATS_MS = 30_000;
    /** How often new events are looked for and published. */
    private static final long PUBLISH_EVERY_MS = 20;

    private final NatsAgentConfig config;
    private final AgentService service;
    private final Connection nc;
    private final Dispatcher dispatcher;
    private final ScheduledExecutorService timer;
    private final ExecutorService requests;
    private final ScheduledExecutorService publisher;
    private final ExecutorService jobs;
    private final Map<String, Publisher> publishers = new ConcurrentHashMap<>();
    private final AtomicLong heartbeats = new AtomicLong();
    private volatile ProbeEngine engine;
    private volatile boolean closed;

    private NatsAgentServer(NatsAgentConfig config, AgentService service, Connection nc) {
        this.config = config;
        this.service = service;
        this.nc = nc;
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("fleet-heartbeat"));
        this.requests = new ThreadPoolExecutor(1, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                daemon("fleet-request"), new ThreadPoolExecutor.AbortPolicy());
        this.publisher = Executors.newSingleThreadScheduledExecutor(daemon("fleet-publish"));
        this.jobs = Executors.newSingleThreadExecutor(daemon("fleet-job"));
        this.dispatcher = nc.createDispatcher();
    }

    /**
     * Connects to the broker (retrying for up to 10 s) and starts answering.
     *
     * @throws IOException when the broker cannot be reached or refuses the credentials
     */
    public static NatsAgentServer start(NatsAgentConfig config) throws IOException {
        AgentService service = new AgentService(config.agent());
        NatsAgentServer[] self = new NatsAgentServer[1];
        ConnectionListener events = (conn, type) -> {
            if (type == ConnectionListener.Events.RECONNECTED && self[0] != null) {
                self[0].reconnected();
            }
        };
        List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.nats.client.ErrorListener errors = new io.nats.client.ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                if (error.contains("Permissions Violation")) {
                    violations.add(error);
                }
            }
        };
        Connection nc;
        try {
            nc = config.broker().connect("pathprobe-agent " + config.agent().name(), Duration.ofSeconds(10), events,
                    errors);
        } catch (IOException e) {
            service.close();
            throw e;
        }
        NatsAgentServer s = new NatsAgentServer(config, service, nc);
        self[0] = s;
        s.begin();
        if (!violations.isEmpty()) {
            // The broker answers a refused subscription before the flush's PONG: an agent that cannot hear its
            // requests must not sit there looking healthy.
            s.close();
            throw new IOException("the broker at " + config.broker().url() + " refuses this credential what agent '"
                    + s.name() + "' needs (" + violations.get(0).replace("'", "") + "): is the name the broker user's"
                    + " agent name, and is the queue group its own?");
        }
        return s;
    }

    private void begin() {
        String name = config.agent().name();
        dispatcher.subscribe(Subjects.requests(name), this::onRequest);
        if (config.queueGroup() != null) {
            dispatcher.subscribe(Subjects.work(config.queueGroup()), config.queueGroup(), this::onWork);
        }
        try {
            nc.flush(Duration.ofSeconds(5)); // the subscriptions are in place before we say we are here
        } catch (Exception e) {
            // announced anyway: the heartbeat goes on
        }
        beat();
        timer.scheduleAtFixedRate(this::beat, 1, 1, TimeUnit.SECONDS);
        // Captures are polled for new events, not subscribed to: a subscriber would count as a coordinator in
        // contact, and a capture whose coordinator stopped asking (status every 2 s) must still become an orphan.
        publisher.scheduleWithFixedDelay(() -> publishers.values().forEach(Publisher::pump), PUBLISH_EVERY_MS,
                PUBLISH_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /** The agent's name on the broker. */
    public String name() {
        return config.agent().name();
    }

    /** Heartbeats published so far. */
    public long heartbeats() {
        return heartbeats.get();
    }

    /** Captures running now. */
    public long runningCaptures() {
        return service.running();
    }

    private void reconnected() {
        beat();
        for (Publisher p : publishers.values()) {
            p.wake();
        }
    }

    private ObjectNode announcement() {
        AgentInfo info = service.info();
        ObjectNode n = Json.object();
        n.put("name", info.id());
        n.set("labels", Json.MAPPER.valueToTree(config.labels()));
        n.put("version", info.version());
        n.put("clock", Instant.now().toString());
        if (info.publicAddress() != null) {
            n.put("publicAddress", info.publicAddress());
        }
        if (config.queueGroup() != null) {
            n.put("queueGroup", config.queueGroup());
        }
        n.set("probers", Json.MAPPER.valueToTree(info.probers()));
        n.put("running", service.running());
        return n;
    }

    private void beat() {
        if (closed || nc.getStatus() != Connection.Status.CONNECTED) {
            return;
        }
        try {
            nc.publish(Subjects.heartbeat(name()), Json.bytes(announcement()));
            heartbeats.incrementAndGet();
            long now = System.currentTimeMillis();
            for (Publisher p : publishers.values()) {
                p.beat(now);
            }
        } catch (RuntimeException e) {
            // the connection went away between the check and the publish: the next beat tries again
        }
    }

    private void onRequest(Message m) {
        if (m.getReplyTo() == null) {
            return; // a request nobody waits for is not served
        }
        String op = m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1);
        try {
            requests.execute(() -> answer(m, op));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            reply(m, Json.error(429, name() + " is busy: too many requests at once", 1));
        }
    }

    private void answer(Message m, String op) {
        String audited = null;
        int status = 200;
        String reason = null;
        byte[] body;
        try {
            body = switch (op) {
                case "info" -> Json.bytes(announcement());
                case "start" -> {
                    CapturePlan plan = plan(m.getData());
                    audited = plan.target() + " ports " + plan.ports() + " for " + plan.durationMs() + " ms";
                    HostedCapture h = service.start(OWNER, plan);
                    publishers.put(h.id(), new Publisher(h));
                    status = 202;
                    reason = "started " + h.id() + " at " + h.plan().address();
                    yield Json.bytes(status(h));
                }
                case "status" -> Json.bytes(status(capture(m.getData())));
                case "cancel" -> {
                    HostedCapture h = capture(m.getData());
                    h.capture().cancel();
                    reason = "cancelled";
                    yield Json.bytes(status(h));
                }
                case "events" -> events(m.getData());
                default -> throw new AgentException(404, "no such request: " + op
                        + " (info, start, status, events, cancel)");
            };
        } catch (AgentException e) {
            status = e.status();
            reason = e.getMessage();
            body = Json.error(e.status(), e.getMessage(), e.retryAfterSeconds());
        } catch (RuntimeException e) {
            status = 500;
            reason = e.toString();
            body = Json.error(500, name() + " could not do " + op + ": " + e, -1);
        }
        if (!op.equals("events") && !op.equals("status")) {
            // Before the answer, so that whoever reads the answer finds the line.
            service.audit().record("nats", OWNER, op.toUpperCase(java.util.Locale.ROOT), m.getSubject(), audited,
                    status, reason);
        }
        reply(m, body);
    }

    private static CapturePlan plan(byte[] data) {
        try {
            return Json.STRICT.readValue(data, CapturePlan.class);
        } catch (IOException e) {
            Throwable root = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new AgentException(400, "bad plan: " + root.getMessage());
        }
    }

    private HostedCapture capture(byte[] data) {
        String id = Json.read(data).path("id").asText("");
        HostedCapture h = service.find(OWNER, id);
        if (h == null) {
            throw new AgentException(404, "no capture " + id.replaceAll("\\p{Cntrl}", "?") + " on " + name());
        }
        return h;
    }

    private byte[] events(byte[] data) {
        JsonNode q = Json.read(data);
        HostedCapture h = capture(data);
        long after = q.path("after").asLong(0);
        int max = (int) Math.max(1, Math.min(BATCH_LINES, q.path("max").asLong(BATCH_LINES)));
        List<byte[]> lines = h.linesAfter(after, max);
        if (lines == null) {
            throw new AgentException(410, "events up to " + (h.firstSeq() - 1) + " of " + h.id()
                    + " are no longer kept");
        }
        return join(lines);
    }

    private static byte[] join(List<byte[]> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int size = 0;
        for (byte[] l : lines) {
            if (size + l.length + 1 > BATCH_BYTES && size > 0) {
                break;
            }
            out.write(l, 0, l.length);
            out.write('\n');
            size += l.length + 1;
        }
        return out.toByteArray();
    }

    private ObjectNode status(HostedCapture h) {
        ObjectNode n = Json.object();
        n.put("id", h.id());
        n.put("status", h.status());
        n.put("lastEventSeq", h.lastSeq());
        n.put("firstKeptSeq", h.firstSeq());
        n.set("plan", Json.MAPPER.valueToTree(h.plan()));
        n.set("evidence", Json.MAPPER.valueToTree(h.evidence()));
        n.put("clock", Instant.now().toString());
        return n;
    }

    private void reply(Message m, byte[] body) {
        try {
            nc.publish(m.getReplyTo(), body);
        } catch (RuntimeException e) {
            // disconnected: the requester times out and asks again
        }
    }

    /** Publishes one capture's events in batches, in order, from where the last publish stopped. */
    private final class Publisher {
        private final HostedCapture h;
        private final String subject;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private long published;
        private volatile long endedAtMs;

        Publisher(HostedCapture h) {
            this.h = h;
            this.subject = Subjects.events(name(), h.id());
        }

        void wake() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    publisher.execute(this::pump);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    scheduled.set(false); // closing
                }
            }
        }

        private synchronized void pump() {
            scheduled.set(false);
            while (!closed && nc.getStatus() == Connection.Status.CONNECTED) {
                List<byte[]> lines = h.linesAfter(published, BATCH_LINES);
                if (lines == null) {
                    published = h.firstSeq() - 1; // overtaken by the ring: the coordinator sees the gap
                    continue;
                }
                if (lines.isEmpty()) {
                    break;
                }
                byte[] batch = join(lines);
                int n = 0;
                for (byte b : batch) {
                    if (b == '\n') {
                        n++;
                    }
                }
                try {
                    nc.publish(subject, batch);
                } catch (RuntimeException e) {
                    break; // disconnected meanwhile: resumed at reconnect
                }
                published += n;
            }
        }

        /** The capture's heartbeat line: its last event number and status, so a coordinator can see a gap. */
        void beat(long now) {
            boolean ended = h.ended();
            if (ended && endedAtMs == 0) {
                endedAtMs = now;
            }
            if (ended && now - endedAtMs > ENDED_BEATS_MS) {
                publishers.remove(h.id());
                return;
            }
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("heartbeat", Instant.now().toString());
            n.put("lastEventSeq", h.lastSeq());
            n.put("status", h.status());
            try {
                nc.publish(subject, (Json.MAPPER.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                // next second
            }
            wake();
        }
    }

    // ---- shared work ------------------------------------------------------------------------------------------

    private void onWork(Message m) {
        WorkItem item;
        try {
            item = Json.STRICT.readValue(m.getData(), WorkItem.class);
        } catch (IOException | RuntimeException e) {
            return; // not a work item: nothing to answer to (results go to the job's subject)
        }
        ObjectNode taken = Json.object();
        taken.put("item", item.item());
        taken.put("attempt", item.attempt());
        taken.put("taken", true);
        publishResult(item.job(), taken);
        try {
            jobs.execute(() -> run(item));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the coordinator re-dispatches the item when our heartbeat stops
        }
    }

    private void run(WorkItem item) {
        ObjectNode done = Json.object();
        done.put("item", item.item());
        done.put("attempt", item.attempt());
        done.put("agent", name());
        List<InetSocketAddress> targets;
        try {
            targets = item.addresses();
        } catch (IllegalArgumentException e) {
            done.put("error", e.getMessage());
            done.put("status", 400);
            publishResult(item.job(), done);
            return;
        }
        Lease lease;
        try {
            lease = service.admitProbes(OWNER, targets, item.probesPerSecond());
        } catch (AgentException e) {
            done.put("error", e.getMessage());
            done.put("status", e.status());
            publishResult(item.job(), done);
            service.audit().record("nats", OWNER, "WORK", Subjects.work(config.queueGroup()), item.job() + " item "
                    + item.item() + ", " + targets.size() + " targets", e.status(), e.getMessage());
            return;
        }
        try (lease) {
            ArrayNode events = done.putArray("events");
            ProbeEngine e = engine();
            long start = System.nanoTime();
            long gapNanos = (long) (1e9 / item.probesPerSecond());
            List<CompletableFuture<CaptureEvent>> pending = new ArrayList<>();
            long seq = 0;
            for (InetSocketAddress t : targets) {
                long due = start + seq * gapNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (closed) {
                    return;
                }
                final long s = ++seq;
                ProbeRequest r = ProbeRequest.builder("tcp").target(t.getAddress()).port(t.getPort())
                        .timeout(Duration.ofMillis(item.timeoutMs())).vantagePoint(vantage().binding()).build();
                long ms = (System.nanoTime() - start) / 1_000_000;
                pending.add(e.probe(r).exceptionally(x -> new ProbeOutcome.LocalError(String.valueOf(x.getMessage()), null)).thenApply(o ->
                        CaptureEvent.of(s, Instant.now().toString(), ms, name(), "tcp", t.getPort(), s, 0, o)));
            }
            for (CompletableFuture<CaptureEvent> f : pending) {
                events.addPOJO(f.join());
            }
            publishResult(item.job(), (ObjectNode) Json.MAPPER.valueToTree(done));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private LocalAgent vantage() {
        return config.agent().vantage() instanceof LocalAgent l ? l : LocalAgent.host();
    }

    private ProbeEngine engine() {
        ProbeEngine e = engine;
        if (e == null) {
            synchronized (this) {
                if (engine == null) {
                    ProbeEngine.Builder b = ProbeEngine.builder().threads(1);
                    if (vantage().namespace() != null) {
                        b.networkNamespace(vantage().namespace());
                    }
                    engine = b.build();
                }
                e = engine;
            }
        }
        return e;
    }

    private void publishResult(String job, ObjectNode n) {
        try {
            nc.publish(Subjects.results(name(), job), Json.bytes(n));
        } catch (RuntimeException e) {
            // disconnected: the coordinator re-dispatches the item when it hears nothing
        }
    }

    /** Cancels running captures (they keep what they measured), publishes what is left, and disconnects. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        service.close();
        try {
            if (nc.getStatus() == Connection.Status.CONNECTED) {
                Thread.sleep(200); // the cancelled captures' last events reach the publisher
                pumpAll();
                nc.flush(Duration.ofSeconds(2));
            }
        } catch (Exception e) {
            // closing anyway
        }
        closed = true;
        timer.shutdownNow();
        requests.shutdownNow();
        jobs.shutdownNow();
        publisher.shutdownNow();
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ProbeEngine e = engine;
        if (e != null) {
            e.close();
        }
    }

    private void pumpAll() throws InterruptedException {
        for (Publisher p : publishers.values()) {
            p.wake();
        }
        publisher.submit(() -> { }).isDone();
        Thread.sleep(100);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
