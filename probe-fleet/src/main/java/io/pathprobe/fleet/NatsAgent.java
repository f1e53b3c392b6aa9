package io.pathprobe.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.pathprobe.core.Availability;
import io.pathprobe.fleet.internal.Json;
import io.pathprobe.ticket.CaptureProgress;
import io.pathprobe.ticket.agent.AgentCapture;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.AgentInfo;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.CaptureListener;
import io.pathprobe.ticket.agent.CapturePlan;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@code pathprobe agent --nats} seen from the coordinator, through the broker: the same semantics as
 * {@code HttpAgent}'s. Each capture takes the events the agent publishes, asks the agent again for any it missed
 * (a gap in the event numbers, or a heartbeat line saying there are more — e.g. after a broker restart), polls the
 * evidence so far every 2 s, and is marked {@code lost} with that evidence when neither events, heartbeats nor
 * answers came for {@link #LOST_AFTER} while our own broker connection was up. The agent's clock offset comes
 * from the quickest request/reply exchange.
 */
public final class NatsAgent implements ProbeAgent {
    /** An agent silent this long (no event, no heartbeat, no answer) while the broker is reachable is lost. */
    public static final Duration LOST_AFTER = Duration.ofSeconds(8);
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final Fleet fleet;
    private final String name;
    private final String id;
    private volatile double offsetMs;
    private volatile double bestRttMs = Double.MAX_VALUE;

    NatsAgent(Fleet fleet, String name) {
        this.fleet = fleet;
        this.name = name;
        this.id = "nats:" + name;
    }

    @Override
    public String id() {
        return id;
    }

    /** The agent's name on the broker. */
    public String name() {
        return name;
    }

    /** Its clock offset estimate in milliseconds (agent minus coordinator). */
    public double clockOffsetMs() {
        return offsetMs;
    }

    @Override
    public AgentInfo info() {
        JsonNode n = call("info", Json.object());
        Map<String, Availability> probers;
        try {
            probers = Json.MAPPER.convertValue(n.path("probers"),
                    new com.fasterxml.jackson.core.type.TypeReference<>() { });
        } catch (IllegalArgumentException e) {
            probers = Map.of();
        }
        return new AgentInfo(n.path("name").asText(name), "nats", text(n, "version"), text(n, "clock"), probers,
                text(n, "publicAddress"));
    }

    @Override
    public AgentCapture start(CapturePlan plan, CaptureListener listener) {
        AgentInfo info = info();
        JsonNode n = call("start", plan.withoutPublicIpUrl());
        return new Remote(text(n, "id"), info, listener == null ? CaptureListener.NONE : listener);
    }

    /** One request/reply; the reply's clock, if any, feeds the offset estimate. */
    private JsonNode call(String op, Object body) {
        long t0 = System.currentTimeMillis();
        Message m;
        try {
            m = fleet.connection().request(Subjects.request(name, op), Json.bytes(body), REQUEST_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(503, id + ": interrupted", e);
        } catch (RuntimeException e) {
            throw new AgentException(503, id + " cannot be asked through " + fleet.broker().url() + ": " + e, e);
        }
        long t1 = System.currentTimeMillis();
        if (m == null || m.isStatusMessage()) {
            throw new AgentException(503, id + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s through "
                    + fleet.broker().url() + (m != null && m.isStatusMessage() ? " (no agent subscribed)" : "")
                    + ": is it running and connected to this broker, and may this credential request it?");
        }
        JsonNode n = Json.read(m.getData());
        if (n.has("error")) {
            int status = n.path("status").asInt(500);
            long retry = n.path("retryAfter").asLong(-1);
            throw new AgentException(status, id + " answered " + status + ": " + n.get("error").asText()
                    + (retry > 0 ? " (retry after " + retry + " s)" : ""), retry);
        }
        String clock = text(n, "clock");
        if (clock != null && t1 - t0 <= bestRttMs) {
            bestRttMs = t1 - t0;
            offsetMs = Instant.parse(clock).toEpochMilli() - (t0 + t1) / 2.0;
        }
        return n;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public void close() {
        fleet.close();
    }

    /** One capture on the agent, seen from here. */
    private final class Remote implements AgentCapture {
        private final String captureId;
        private final AgentInfo info;
        private final CaptureListener listener;
        private final CompletableFuture<VantageEvidence> evidence = new CompletableFuture<>();
        private final Map<String, long[]> checks = new LinkedHashMap<>();
        private final Dispatcher dispatcher;
        private final Object lock = new Object();
        private long lastSeq;
        private volatile long agentLastSeq;
        private volatile String agentStatus = VantageEvidence.RUNNING;
        private volatile long lastHeardMs = System.currentTimeMillis();
        private volatile VantageEvidence latest;
        private volatile boolean cancelled;
        private long sent;

        Remote(String captureId, AgentInfo info, CaptureListener listener) {
            this.captureId = Subjects.name(captureId, "capture id");
            this.info = info;
            this.listener = listener;
            this.dispatcher = fleet.connection().createDispatcher(this::onMessage);
            dispatcher.subscribe(Subjects.events(name, captureId));
            Thread t = new Thread(this::watch, "nats-agent-" + name + "-" + captureId);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public String id() {
            return captureId;
        }

        private void onMessage(Message m) {
            lastHeardMs = System.currentTimeMillis();
            deliverLines(m.getData());
        }

        /** NDJSON lines: events in order are delivered; a heartbeat line says how far the agent is. */
        private void deliverLines(byte[] data) {
            String text = new String(data, StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                try {
                    if (line.startsWith("{\"heartbeat\"")) {
                        JsonNode n = Json.MAPPER.readTree(line);
                        agentLastSeq = Math.max(agentLastSeq, n.path("lastEventSeq").asLong());
                        agentStatus = n.path("status").asText(VantageEvidence.RUNNING);
                    } else {
                        deliver(Json.MAPPER.readValue(line, CaptureEvent.class));
                    }
                } catch (IOException | RuntimeException e) {
                    // a line we cannot read is missing: the next replay fetches it again
                }
            }
        }

        private void deliver(CaptureEvent e) {
            synchronized (lock) {
                agentLastSeq = Math.max(agentLastSeq, e.eventSeq());
                if (e.eventSeq() != lastSeq + 1) {
                    return; // a repeat, or past a gap: the watcher replays from lastSeq, so numbers stay exact
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
                listener.onEvent(e.renumbered(e.eventSeq(), Instant.ofEpochMilli(Math.round(agentMs - offsetMs))
                        .toString(), e.ms()).withVantage(id));
            }
        }

        private long lastSeq() {
            synchronized (lock) {
                return lastSeq;
            }
        }

        /** Replays what is missing, polls the evidence, and ends the capture (or marks the agent lost). */
        private void watch() {
            long nextPoll = 0;
            replay(); // what was published before our subscription was in place
            while (!evidence.isDone()) {
                sleep(100);
                if (!fleet.connected()) {
                    lastHeardMs = System.currentTimeMillis(); // our broker is away: that says nothing of the agent
                    continue;
                }
                FleetAgent beat = fleet.lastHeard(name);
                if (beat != null) {
                    lastHeardMs = Math.max(lastHeardMs, beat.lastHeartbeat().toEpochMilli());
                }
                if (agentLastSeq > lastSeq()) {
                    sleep(200); // events in flight arrive by themselves; what is still missing then is replayed
                    if (agentLastSeq > lastSeq()) {
                        replay();
                    }
                }
                long now = System.currentTimeMillis();
                if (now >= nextPoll) {
                    nextPoll = now + POLL.toMillis();
                    poll();
                }
                if (!evidence.isDone() && System.currentTimeMillis() - lastHeardMs > LOST_AFTER.toMillis()) {
                    lost();
                }
            }
        }

        /** Asks the agent for the kept events after the last one we have, until we have all it announced. */
        private void replay() {
            for (int round = 0; round < 10_000 && !evidence.isDone(); round++) {
                long from = lastSeq();
                try {
                    Message m = fleet.connection().request(Subjects.request(name, "events"),
                            Json.bytes(Map.of("id", captureId, "after", from)), REQUEST_TIMEOUT);
                    if (m == null || m.isStatusMessage() || m.getData().length == 0) {
                        return;
                    }
                    lastHeardMs = System.currentTimeMillis();
                    if (m.getData()[0] == '{' && Json.read(m.getData()).has("error")) {
                        return;
                    }
                    deliverLines(m.getData());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    return;
                }
                if (lastSeq() == from || lastSeq() >= agentLastSeq) {
                    return;
                }
            }
        }

        private void poll() {
            JsonNode n;
            try {
                n = call("status", Map.of("id", captureId));
            } catch (AgentException e) {
                return; // the loss rule decides
            }
            lastHeardMs = System.currentTimeMillis();
            agentLastSeq = Math.max(agentLastSeq, n.path("lastEventSeq").asLong());
            JsonNode ev = n.get("evidence");
            if (ev != null && !ev.isNull()) {
                try {
                    latest = Json.MAPPER.treeToValue(ev, VantageEvidence.class);
                } catch (IOException | IllegalArgumentException e) {
                    // keep the previous one
                }
            }
            String status = text(n, "status");
            if (status != null && !status.equals(VantageEvidence.RUNNING)) {
                if (agentLastSeq > lastSeq()) {
                    replay();
                }
                if (n.path("lastEventSeq").asLong() <= lastSeq()) {
                    complete(latest, null);
                }
            }
        }

        private void lost() {
            long silent = System.currentTimeMillis() - lastHeardMs;
            complete(latest, "agent lost at " + Instant.ofEpochMilli(lastHeardMs) + " (silent for " + silent / 1000
                    + " s through " + fleet.broker().url() + "): the evidence is what arrived until then; "
                    + lastSeq() + " events received");
        }

        private void complete(VantageEvidence e, String lostNote) {
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("agent", id + " via " + fleet.broker().url());
            extra.put("agent name", info.id());
            if (info.version() != null) {
                extra.put("agent version", info.version());
            }
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
            if (evidence.complete(base.withStatus(status, lostNote == null ? null
                    : Instant.ofEpochMilli(lastHeardMs).toString(), offsetMs, lostNote))) {
                try {
                    fleet.connection().closeDispatcher(dispatcher);
                } catch (RuntimeException ignored) {
                    // already closed with the connection
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
                    call("cancel", Map.of("id", captureId));
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
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
