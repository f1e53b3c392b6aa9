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
 * The work items one agent holds, read from its result subject as a coordinator reads it (its own connection with
 * the coordinator's credential): an item is held from its "taken" message until its results. The subscription,
 * {@code pathprobe.res.AGENT.*}, is within the shipped coordinator permission ({@code pathprobe.res.*.*}); were the
 * broker to refuse it, the refusal (which reaches only the client's error listener) fails the constructor rather
 * than leaving a watcher that hears nothing.
 */
final class HeldItems implements AutoCloseable {
    private final FleetBrokerTest.Probe connection;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicLong lastHeardNanos = new AtomicLong(System.nanoTime());

    HeldItems(NatsServer broker, String agent) throws IOException, InterruptedException, TimeoutException {
        this.connection = FleetBrokerTest.Probe.as(broker, "coordinator");
        Connection nc = connection.nc();
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
        String subject = Subjects.results(Subjects.name(agent, "agent"), "*");
        d.subscribe(subject);
        nc.flush(Duration.ofSeconds(5)); // the broker has the subscription before the job starts
        if (!connection.errors().isEmpty()) {
            throw new IllegalStateException("the broker refused " + subject + ": " + connection.errors());
        }
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
        connection.close();
    }
}
