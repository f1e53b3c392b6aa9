package io.pathprobe.fleet;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.pathprobe.core.Availability;
import io.pathprobe.fleet.internal.Json;
import io.pathprobe.ticket.agent.AgentException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A coordinator's connection to the fleet: the agents it has heard ({@link #agents}), {@link NatsAgent}s by name
 * or label selector ({@link #select}) and shared jobs ({@link FleetJob}). One broker connection serves them all.
 * Thread-safe; {@link #close()} disconnects (after the last {@link NatsAgent} made from it is closed, if it was
 * opened for them by the {@code nats:} vantage form).
 */
public final class Fleet implements AutoCloseable {
    /** Agents beat every second: a listing that waits this long has heard every live one. */
    public static final Duration DISCOVERY = Duration.ofMillis(2500);

    private final NatsConnection broker;
    private final Connection nc;
    private final Dispatcher dispatcher;
    private final Map<String, FleetAgent> seen = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger users = new AtomicInteger(1);
    private volatile long connectedSinceMs = System.currentTimeMillis();

    private Fleet(NatsConnection broker, Connection nc) {
        this.broker = broker;
        this.nc = nc;
        this.dispatcher = nc.createDispatcher();
        dispatcher.subscribe(Subjects.ALL_HEARTBEATS, this::onHeartbeat);
    }

    /**
     * Connects to the broker (retrying for up to 5 s).
     *
     * @throws AgentException 503 when the broker cannot be reached or refuses the credentials
     */
    public static Fleet connect(NatsConnection broker) {
        Fleet[] self = new Fleet[1];
        ConnectionListener events = (conn, type) -> {
            if (type == ConnectionListener.Events.RECONNECTED && self[0] != null) {
                self[0].connectedSinceMs = System.currentTimeMillis();
            }
        };
        ErrorListener errors = new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                if (self[0] != null) {
                    self[0].errors.add(error);
                }
            }
        };
        try {
            Connection nc = broker.connect("pathprobe-coordinator", Duration.ofSeconds(5), events, errors);
            self[0] = new Fleet(broker, nc);
            nc.flush(Duration.ofSeconds(5));
            return self[0];
        } catch (IOException e) {
            throw new AgentException(503, e.getMessage(), e);
        } catch (Exception e) {
            throw new AgentException(503, "the broker at " + broker.url() + " did not answer: " + e, e);
        }
    }

    public NatsConnection broker() {
        return broker;
    }

    Connection connection() {
        return nc;
    }

    /** Errors the broker sent (e.g. permission violations), oldest first. */
    public List<String> brokerErrors() {
        return List.copyOf(errors);
    }

    /** Whether our own connection to the broker is up (silence while it is down says nothing about agents). */
    boolean connected() {
        return nc.getStatus() == Connection.Status.CONNECTED;
    }

    /** When our connection last came (back) up, epoch ms. */
    long connectedSinceMs() {
        return connectedSinceMs;
    }

    private void onHeartbeat(Message m) {
        String name = Subjects.agentOf(m.getSubject());
        JsonNode n = Json.read(m.getData());
        if (name == null || !name.equals(n.path("name").asText())) {
            return; // the broker lets an agent publish only its own subject; the body must agree
        }
        Map<String, String> labels = Json.MAPPER.convertValue(n.path("labels"), new TypeReference<>() { });
        Map<String, Availability> probers;
        try {
            probers = Json.MAPPER.convertValue(n.path("probers"), new TypeReference<>() { });
        } catch (IllegalArgumentException e) {
            probers = Map.of();
        }
        seen.put(name, new FleetAgent(name, labels, text(n, "version"), text(n, "publicAddress"),
                text(n, "queueGroup"), probers, n.path("running").asLong(), Instant.now()));
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The agent {@code name} as last heard, or {@code null}. */
    public FleetAgent lastHeard(String name) {
        return seen.get(name);
    }

    /**
     * The agents heard within {@code wait} (or before) that match {@code selector} (a name, {@code key=value,...}
     * or {@code *}), by name. Waits the whole time unless a plain name was asked and heard.
     */
    public List<FleetAgent> agents(String selector, Duration wait) {
        boolean byName = !selector.contains("=") && !selector.equals("*");
        if (selector.contains("=")) {
            for (String part : selector.split(",")) {
                NatsAgentConfig.label(part.trim()); // checks the form before waiting
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (byName && seen.containsKey(selector.trim())) {
                break;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<FleetAgent> out = new ArrayList<>();
        for (FleetAgent a : seen.values()) {
            if (a.matches(selector)) {
                out.add(a);
            }
        }
        out.sort(Comparator.comparing(FleetAgent::name));
        return out;
    }

    /**
     * The agents {@code selector} names, as vantage points.
     *
     * @throws AgentException 404 when none was heard within {@link #DISCOVERY}
     */
    public List<NatsAgent> select(String selector) {
        List<FleetAgent> found = agents(selector, DISCOVERY);
        if (found.isEmpty()) {
            throw new AgentException(404, "no agent matching '" + selector + "' sent a heartbeat to " + broker.url()
                    + " within " + DISCOVERY.toMillis() + " ms: is it running, connected to this broker, and named"
                    + " or labelled so?");
        }
        List<NatsAgent> out = new ArrayList<>();
        for (FleetAgent a : found) {
            out.add(agent(a.name()));
        }
        return out;
    }

    /** The agent {@code name} as a vantage point (nothing is asked yet). */
    public NatsAgent agent(String name) {
        Subjects.name(name, "agent name");
        return new NatsAgent(retain(), name);
    }

    /** One more user of this connection ({@link NatsAgent}s made by the vantage form); each {@link #close}s once. */
    Fleet retain() {
        users.incrementAndGet();
        return this;
    }

    @Override
    public void close() {
        if (users.decrementAndGet() > 0) {
            return;
        }
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
