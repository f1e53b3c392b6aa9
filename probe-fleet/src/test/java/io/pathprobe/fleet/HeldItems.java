package io.pathprobe.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.pathprobe.fleet.internal.Json;
import io.pathprobe.testkit.NatsServer;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The work items one agent holds, read from its result subject as a coordinator reads it: an item is held from
 * its "taken" message until its results. The subscription is {@code pathprobe.res.AGENT.*}, which the shipped
 * coordinator permission ({@code pathprobe.res.*.*}) covers; {@code pathprobe.res.AGENT.>} is wider than that
 * permission, so the broker refuses it (a permissions violation, which reaches only the client's error listener)
 * and nothing arrives.
 */
final class HeldItems implements AutoCloseable {
    private final Connection nc;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicLong lastHeardNanos = new AtomicLong(System.nanoTime());

    HeldItems(NatsServer broker, String agent) throws IOException, InterruptedException, TimeoutException {
        nc = Agents.as(broker, "coordinator").connect("held-items-" + agent, Duration.ofSeconds(5), null, null);
        Dispatcher d = nc.createDispatcher(m -> {
            JsonNode n = Json.read(m.getData());
            String key = n.path("item").asInt() + "/" + n.path("attempt").asInt();
            if (n.path("taken").asBoolean(false)) {
                held.add(key);
            } else if (held.remove(key)) {
                finished.incrementAndGet();
            }
            lastHeardNanos.set(System.nanoTime());
        });
        d.subscribe(Subjects.results(Subjects.name(agent, "agent"), "*"));
        nc.flush(Duration.ofSeconds(5)); // the broker has the subscription before the job starts
    }

    /** Items taken and not yet answered. */
    int held() {
        return held.size();
    }

    /** Items answered. */
    int finished() {
        return finished.get();
    }

    /** Waits (at most {@code max}) until nothing has arrived for {@code quiet}; whether it did. */
    boolean quietFor(Duration quiet, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (System.nanoTime() - lastHeardNanos.get() >= quiet.toNanos()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        nc.close();
    }
}
