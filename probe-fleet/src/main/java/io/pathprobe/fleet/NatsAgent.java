package io.pathprobe.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.pathprobe.agent.ClockOffset;
import io.pathprobe.agent.RemoteCapture;
import io.pathprobe.core.Availability;
import io.pathprobe.fleet.internal.Json;
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
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

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
    private final ClockOffset clock = new ClockOffset();

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
        return clock.ms();
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
        return new Remote(text(n, "id"), info, listener);
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
        clock.sample(text(n, "clock"), t0, t1);
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

    /** One capture on the agent, seen from here: its published events, replays of what is missing, a status poll. */
    private final class Remote extends RemoteCapture {
        private final Dispatcher dispatcher;
        private final AtomicLong agentLastSeq = new AtomicLong();

        Remote(String captureId, AgentInfo info, CaptureListener listener) {
            super(id, Subjects.name(captureId, "capture id"), info, listener, clock, id + " via " + fleet.broker().url(),
                    " through " + fleet.broker().url());
            this.dispatcher = fleet.connection().createDispatcher(this::onMessage);
            dispatcher.subscribe(Subjects.events(name, captureId));
            Thread t = new Thread(this::watch, "nats-agent-" + name + "-" + captureId);
            t.setDaemon(true);
            t.start();
        }

        private void onMessage(Message m) {
            heard();
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
                        agentAt(n.path("lastEventSeq").asLong());
                    } else {
                        CaptureEvent e = Json.MAPPER.readValue(line, CaptureEvent.class);
                        agentAt(e.eventSeq());
                        deliver(e);
                    }
                } catch (IOException | RuntimeException e) {
                    // a line we cannot read is missing: the next replay fetches it again
                }
            }
        }

        /** The agent has got as far as event {@code seq}. */
        private void agentAt(long seq) {
            agentLastSeq.accumulateAndGet(seq, Math::max);
        }

        /** Replays what is missing, polls the evidence, and ends the capture (or marks the agent lost). */
        private void watch() {
            long nextPoll = 0;
            replay(); // what was published before our subscription was in place
            while (!done()) {
                sleep(100);
                if (!fleet.connected()) {
                    heard(); // our broker is away: that says nothing of the agent
                    continue;
                }
                FleetAgent beat = fleet.lastHeard(name);
                if (beat != null) {
                    heardAt(beat.lastHeartbeat().toEpochMilli());
                }
                if (agentLastSeq.get() > lastSeq()) {
                    sleep(200); // events in flight arrive by themselves; what is still missing then is replayed
                    if (agentLastSeq.get() > lastSeq()) {
                        replay();
                    }
                }
                long now = System.currentTimeMillis();
                if (now >= nextPoll) {
                    nextPoll = now + POLL.toMillis();
                    poll();
                }
                lostIfSilent(LOST_AFTER);
            }
        }

        /** Asks the agent for the kept events after the last one we have, until we have all it announced. */
        private void replay() {
            for (int round = 0; round < 10_000 && !done(); round++) {
                long from = lastSeq();
                try {
                    Message m = fleet.connection().request(Subjects.request(name, "events"),
                            Json.bytes(Map.of("id", id(), "after", from)), REQUEST_TIMEOUT);
                    if (m == null || m.isStatusMessage() || m.getData().length == 0) {
                        return;
                    }
                    heard();
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
                if (lastSeq() == from || lastSeq() >= agentLastSeq.get()) {
                    return;
                }
            }
        }

        private void poll() {
            JsonNode n;
            try {
                n = call("status", Map.of("id", id()));
            } catch (AgentException e) {
                return; // the loss rule decides
            }
            heard();
            agentAt(n.path("lastEventSeq").asLong());
            JsonNode ev = n.get("evidence");
            if (ev != null && !ev.isNull()) {
                try {
                    keep(Json.MAPPER.treeToValue(ev, VantageEvidence.class));
                } catch (IOException | IllegalArgumentException e) {
                    // keep the previous one
                }
            }
            String status = text(n, "status");
            if (status != null && !status.equals(VantageEvidence.RUNNING)) {
                if (agentLastSeq.get() > lastSeq()) {
                    replay();
                }
                if (n.path("lastEventSeq").asLong() <= lastSeq()) {
                    complete(null);
                }
            }
        }

        @Override
        protected void released() {
            try {
                fleet.connection().closeDispatcher(dispatcher);
            } catch (RuntimeException ignored) {
                // already closed with the connection
            }
        }

        @Override
        protected void requestCancel() {
            try {
                call("cancel", Map.of("id", id()));
            } catch (AgentException e) {
                // unreachable: the loss rule ends it
            }
        }
    }
}
