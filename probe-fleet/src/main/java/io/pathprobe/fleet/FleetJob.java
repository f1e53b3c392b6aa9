package io.pathprobe.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.pathprobe.core.AddressText;
import io.pathprobe.fleet.internal.Json;
import io.pathprobe.fleet.internal.WorkItem;
import io.pathprobe.ticket.agent.CaptureEvent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A probe job larger than one agent carries — every target probed once with a TCP connect — split into work items
 * and shared by NATS over the agents of a queue group ({@code pathprobe agent --nats URL --queue GROUP}): each item
 * goes to one member. Results merge into one outcome per target.
 *
 * <p>Exactly once per target: a member says "taken" when an item reaches it and sends the item's results in one
 * message. An item whose member stopped beating for {@link #LOST_AFTER} (or that nobody took within
 * {@link #TAKE_WITHIN}, or that is far past its expected time) is dispatched again with the next attempt number.
 * The first complete result of an item is kept; any later one (a member that was only slow) is discarded and
 * counted in {@link Result#duplicatesDiscarded()}, so no target is counted twice. A killed member's partial work
 * never left it, so nothing of it is counted.
 */
public final class FleetJob {
    public static final Duration LOST_AFTER = NatsAgent.LOST_AFTER;
    public static final Duration TAKE_WITHIN = Duration.ofSeconds(5);

    private final Fleet fleet;
    private final String group;
    private final List<String> targets;
    private final int itemSize;
    private final double probesPerSecond;
    private final Duration timeout;
    private final int window;

    private FleetJob(Builder b) {
        this.fleet = b.fleet;
        this.group = b.group;
        this.targets = b.targets;
        this.itemSize = b.itemSize;
        this.probesPerSecond = b.probesPerSecond;
        this.timeout = b.timeout;
        this.window = b.window;
    }

    /** A job probing each of {@code targets} once, shared by queue group {@code group}. */
    public static Builder builder(Fleet fleet, String group, List<InetSocketAddress> targets) {
        return new Builder(fleet, group, targets);
    }

    /**
     * The merged result.
     *
     * @param outcomes            one event per target ({@code ADDR:PORT}), in target order; the event's
     *                            {@code vantage} is the agent that measured it
     * @param share               targets measured per agent
     * @param refused             targets an agent refused (its policy or quotas), with the reason; not measured
     * @param redispatched        items dispatched again after their member was lost, silent or late
     * @param duplicatesDiscarded results of items already done, discarded
     * @param complete            whether every item ended before the deadline
     */
    public record Result(Map<String, CaptureEvent> outcomes, Map<String, Integer> share, Map<String, String> refused,
                         int redispatched, int duplicatesDiscarded, boolean complete) {
    }

    private static final class Item {
        final int number;
        final List<String> targets;
        int attempt;
        long dispatchedMs;
        String takenBy;
        long takenMs;
        boolean done;

        Item(int number, List<String> targets) {
            this.number = number;
            this.targets = targets;
        }
    }

    /** Runs the job until every item ended or {@code deadline} passed; blocks. */
    public Result run(Duration deadline) throws InterruptedException {
        String job = "j" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < targets.size(); i += itemSize) {
            items.add(new Item(items.size() + 1, targets.subList(i, Math.min(targets.size(), i + itemSize))));
        }
        BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        Dispatcher d = fleet.connection().createDispatcher(inbox::add);
        d.subscribe(Subjects.allResults(job));
        Map<String, CaptureEvent> outcomes = new LinkedHashMap<>();
        Map<String, Integer> share = new TreeMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        int redispatched = 0;
        int duplicates = 0;
        int doneCount = 0;
        long expectedMs = (long) (1000.0 * itemSize / probesPerSecond) + timeout.toMillis();
        long end = System.currentTimeMillis() + deadline.toMillis();
        try {
            fleet.connection().flush(Duration.ofSeconds(5));
            int next = 0;
            while (doneCount < items.size() && System.currentTimeMillis() < end) {
                long now = System.currentTimeMillis();
                int outstanding = 0;
                for (Item it : items) {
                    if (it.attempt > 0 && !it.done) {
                        outstanding++;
                        boolean lost = it.takenBy != null && silent(it.takenBy, now);
                        boolean untaken = it.takenBy == null && now - it.dispatchedMs > TAKE_WITHIN.toMillis();
                        boolean late = it.takenBy != null && now - it.takenMs > 3 * expectedMs * window
                                + LOST_AFTER.toMillis();
                        if ((lost || untaken || late) && fleet.connected()) {
                            dispatch(job, it);
                            redispatched++;
                        }
                    }
                }
                while (outstanding < window && next < items.size()) {
                    dispatch(job, items.get(next++));
                    outstanding++;
                }
                Message m = inbox.poll(100, TimeUnit.MILLISECONDS);
                while (m != null) {
                    String agent = Subjects.agentOf(m.getSubject());
                    JsonNode n = Json.read(m.getData());
                    int number = n.path("item").asInt(0);
                    if (agent != null && number >= 1 && number <= items.size()) {
                        Item it = items.get(number - 1);
                        if (n.path("taken").asBoolean(false)) {
                            if (n.path("attempt").asInt() == it.attempt && !it.done) {
                                it.takenBy = agent;
                                it.takenMs = System.currentTimeMillis();
                            }
                        } else if (it.done) {
                            duplicates++;
                        } else if (accept(it, agent, n, outcomes, share, refused)) {
                            it.done = true;
                            doneCount++;
                        }
                    }
                    m = inbox.poll();
                }
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not confirm the job's subscription: " + e.getMessage(), e);
        } finally {
            fleet.connection().closeDispatcher(d);
        }
        Map<String, CaptureEvent> ordered = new LinkedHashMap<>();
        for (String t : targets) {
            CaptureEvent e = outcomes.get(t);
            if (e != null) {
                ordered.put(t, e);
            }
        }
        return new Result(ordered, share, refused, redispatched, duplicates, doneCount == items.size());
    }

    private boolean silent(String agent, long now) {
        FleetAgent a = fleet.lastHeard(agent);
        long last = Math.max(a == null ? 0 : a.lastHeartbeat().toEpochMilli(), fleet.connectedSinceMs());
        return now - last > LOST_AFTER.toMillis();
    }

    private void dispatch(String job, Item it) {
        it.attempt++;
        it.takenBy = null;
        it.dispatchedMs = System.currentTimeMillis();
        WorkItem w = new WorkItem(job, it.number, it.attempt, it.targets, probesPerSecond, timeout.toMillis());
        try {
            fleet.connection().publish(Subjects.work(group), Json.bytes(w));
        } catch (RuntimeException e) {
            // disconnected: the item is dispatched again when nobody takes it
        }
    }

    /** Takes an item's results (or its refusal); false when the message does not cover the item. */
    private static boolean accept(Item it, String agent, JsonNode n, Map<String, CaptureEvent> outcomes,
                                  Map<String, Integer> share, Map<String, String> refused) {
        if (n.has("error")) {
            for (String t : it.targets) {
                refused.put(t, agent + ": " + n.get("error").asText());
            }
            return true;
        }
        JsonNode events = n.path("events");
        if (!events.isArray() || events.size() != it.targets.size()) {
            return false;
        }
        Map<String, CaptureEvent> mine = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            try {
                CaptureEvent e = Json.MAPPER.treeToValue(events.get(i), CaptureEvent.class);
                mine.put(it.targets.get(i), e.withVantage("nats:" + agent));
            } catch (IOException | IllegalArgumentException e) {
                return false;
            }
        }
        outcomes.putAll(mine);
        share.merge(agent, mine.size(), Integer::sum);
        return true;
    }

    /** Builds a {@link FleetJob}; defaults: items of 50 targets, 200 connects/s per item, 1 s timeout, 16 items out. */
    public static final class Builder {
        private final Fleet fleet;
        private final String group;
        private final List<String> targets;
        private int itemSize = 50;
        private double probesPerSecond = 200;
        private Duration timeout = Duration.ofSeconds(1);
        private int window = 16;

        private Builder(Fleet fleet, String group, List<InetSocketAddress> targets) {
            this.fleet = Objects.requireNonNull(fleet, "fleet");
            this.group = Subjects.name(group, "queue group");
            List<String> t = new ArrayList<>();
            for (InetSocketAddress a : targets) {
                if (a.getAddress() == null) {
                    throw new IllegalArgumentException("job target " + a + " is not resolved: give addresses");
                }
                String host = AddressText.of(a.getAddress());
                t.add((host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
            }
            if (t.isEmpty() || t.stream().distinct().count() != t.size()) {
                throw new IllegalArgumentException("a job needs targets, each once");
            }
            this.targets = List.copyOf(t);
        }

        /** Targets per work item (an agent's quota of targets × ports per plan bounds it; default 50). */
        public Builder itemSize(int n) {
            if (n < 1 || n > 1000) {
                throw new IllegalArgumentException("item size must be 1 to 1000 targets, was " + n);
            }
            this.itemSize = n;
            return this;
        }

        /** Connects per second within one item (the agent's quotas bound it). */
        public Builder probesPerSecond(double r) {
            if (!(r > 0)) {
                throw new IllegalArgumentException("probes per second must be positive, was " + r);
            }
            this.probesPerSecond = r;
            return this;
        }

        public Builder timeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + d);
            }
            this.timeout = d;
            return this;
        }

        /** Items dispatched and not yet done at once (default 16): a lost member holds at most these. */
        public Builder window(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("window must be at least 1, was " + n);
            }
            this.window = n;
            return this;
        }

        public FleetJob build() {
            return new FleetJob(this);
        }
    }
}
