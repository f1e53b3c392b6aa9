package io.pathprobe.core.spi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lanes' deadline order: a data structure with no clock of its own, so every time here is a given number. */
class DeadlineQueueTest {
    /** A probe in flight as a lane keeps it: its deadline, and whether it ended otherwise. */
    private static final class Probe {
        final String name;
        final long deadline;
        boolean ended;

        Probe(String name, long deadline) {
            this.name = name;
            this.deadline = deadline;
        }
    }

    private final DeadlineQueue<Probe> queue = new DeadlineQueue<>(p -> p.deadline);
    private final List<String> timedOut = new ArrayList<>();

    private long expire(long now) {
        return queue.expire(now, p -> !p.ended, p -> timedOut.add(p.name));
    }

    private Probe add(String name, long deadline, long timeout) {
        Probe p = new Probe(name, deadline);
        queue.add(p, timeout);
        return p;
    }

    @Test
    void dueProbesTimeOutInDeadlineOrderAndTheNextDeadlineIsTheFirstLeft() {
        for (int i = 0; i < 1000; i++) { // past the first capacity, and round the ring after the polls
            add("p" + i, 100 + i, 50);
        }
        assertEquals(600, expire(599));
        assertEquals(500, timedOut.size());
        assertEquals("p0", timedOut.get(0));
        assertEquals("p499", timedOut.get(499));
        for (int i = 1000; i < 1300; i++) {
            add("p" + i, 100 + i, 50);
        }
        assertEquals(Long.MAX_VALUE, expire(10_000));
        assertEquals(1300, timedOut.size());
        for (int i = 0; i < 1300; i++) {
            assertEquals("p" + i, timedOut.get(i));
        }
        assertEquals(0, queue.size());
    }

    @Test
    void eachTimeoutKeepsItsOwnOrderAndTheNextDeadlineIsTheEarliestHead() {
        add("short", 110, 10);
        add("long", 1100, 1000);
        add("short2", 120, 10);
        assertEquals(110, expire(100));
        assertEquals(120, expire(115));
        assertEquals(List.of("short"), timedOut);
        assertEquals(Long.MAX_VALUE, expire(1100));
        assertEquals(List.of("short", "short2", "long"), timedOut);
    }

    @Test
    void aProbeThatEndedOtherwiseIsDroppedAtTheHeadAndSetsNoDeadline() {
        Probe answered = add("answered", 100, 50);
        add("waiting", 200, 50);
        answered.ended = true;
        assertEquals(200, expire(150), "the ended head neither times out nor decides the next wake-up");
        assertEquals(List.of(), timedOut);
        assertEquals(1, queue.size(), "dropped once met");
    }

    @Test
    void aDeadlineEarlierThanTheLastGoesInOrder() {
        add("a", 100, 50);
        add("c", 300, 50);
        add("b", 200, 50); // a probe started again keeps its first start's deadline
        assertEquals(Long.MAX_VALUE, expire(1000));
        assertEquals(List.of("a", "b", "c"), timedOut);
    }

    @Test
    void whatTheCallbackAddsIsKeptAndCountsForTheNextDeadline() {
        add("first", 100, 50);
        long next = queue.expire(100, p -> !p.ended, p -> {
            timedOut.add(p.name);
            if (p.name.equals("first")) { // a completion that starts the next probe on the same loop
                add("same timeout", 500, 50);
                add("other timeout", 400, 7);
            }
        });
        assertEquals(List.of("first"), timedOut);
        assertEquals(400, next);
        assertEquals(2, queue.size());
    }

    @Test
    void clearDropsEverything() {
        add("a", 100, 50);
        add("b", 100, 60);
        queue.clear();
        assertEquals(0, queue.size());
        assertEquals(Long.MAX_VALUE, expire(1000));
        assertEquals(List.of(), timedOut);
    }
}
