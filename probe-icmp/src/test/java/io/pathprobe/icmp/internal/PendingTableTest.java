package io.pathprobe.icmp.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingTableTest {
    @Test
    void emptyTableHasNoKeysUntilAPageIsAdded() {
        PendingTable t = new PendingTable(2);
        assertEquals(-1, t.allocate("a", 1));
        assertEquals(0, t.addPage());
        assertEquals(0, t.allocate("a", 1));
        assertEquals(1, t.addPage());
        assertEquals(PendingTable.PAGE_SIZE, t.allocate("b", 1), "a new page's keys are used first");
        assertEquals(-1, t.addPage(), "at maxPages");
        assertThrows(IllegalArgumentException.class, () -> new PendingTable(0));
    }

    @Test
    void keysAreHandedOutRoundRobinSkippingPendingOnes() {
        PendingTable t = new PendingTable(1);
        t.addPage();
        int a = t.allocate("a", 10);
        int b = t.allocate("b", 11);
        assertEquals(a + 1, b);
        assertEquals(2, t.pending());
        assertSame("b", t.owner(b));
        assertEquals(11, t.sentNanos(b));
        t.end(a, PendingTable.ANSWERED);
        assertEquals(1, t.pending());
        assertEquals(PendingTable.ANSWERED, t.state(a));
        assertSame("a", t.owner(a), "an answered probe lingers so a duplicate can be reported to it");
        t.free(a);
        assertNull(t.owner(a));
        assertEquals(PendingTable.FREE, t.state(a));
    }

    @Test
    void aFullPageRefusesAndAReusedKeyGetsANewGeneration() {
        PendingTable t = new PendingTable(1);
        t.addPage();
        Set<Integer> keys = new HashSet<>();
        for (int i = 0; i < PendingTable.PAGE_SIZE; i++) {
            assertTrue(keys.add(t.allocate(i, i)));
        }
        assertEquals(PendingTable.PAGE_SIZE, t.pending());
        assertEquals(-1, t.allocate("x", 0), "every key is in flight");
        int g = t.generation(20);
        t.end(20, PendingTable.TIMED_OUT);
        // The failed scan moved the cursor to key 16; keys 16-19 are pending, so the next scan finds 20.
        assertEquals(20, t.allocate("y", 0));
        assertNotEquals(g, t.generation(20));
        assertEquals(PendingTable.PENDING, t.state(20));
    }

    @Test
    void answeredAndEndedProbesAreFreedAtTheirTimeoutAndOnlyTimedOutOnesLinger() {
        PendingTable t = new PendingTable(1);
        t.addPage();
        TimeoutQueues q = new TimeoutQueues(t);
        int answered = t.allocate("answered", 100);
        q.add(answered, 50);
        int ended = t.allocate("ended", 100);
        q.add(ended, 50);
        int silent = t.allocate("silent", 100);
        q.add(silent, 50);
        t.end(answered, PendingTable.ANSWERED);
        t.end(ended, PendingTable.ENDED);
        TimeoutQueues.Expiry e = (k, timeout) -> t.end(k, PendingTable.TIMED_OUT);
        assertEquals(150, q.sweep(149, e), "nothing due before 100 + 50");
        assertEquals(PendingTable.ANSWERED, t.state(answered), "a duplicate within the wait is still told");
        assertEquals(200, q.sweep(150, e), "only the timed-out probe is left, lingering until 100 + 2*50");
        assertEquals(PendingTable.FREE, t.state(answered));
        assertNull(t.owner(answered), "the answered probe's owner is let go at its timeout");
        assertEquals(PendingTable.FREE, t.state(ended));
        assertEquals(PendingTable.TIMED_OUT, t.state(silent), "a late answer to it is still recognised");
        assertEquals(1, q.size());
        assertEquals(Long.MAX_VALUE, q.sweep(200, e));
        assertEquals(PendingTable.FREE, t.state(silent));
        assertEquals(0, q.size());
    }

    @Test
    void timeoutQueuesTimeOutPendingProbesInOrderAndFreeAfterLingering() {
        PendingTable t = new PendingTable(1);
        t.addPage();
        TimeoutQueues q = new TimeoutQueues(t);
        int a = t.allocate("a", 100);
        q.add(a, 50);
        int b = t.allocate("b", 120);
        q.add(b, 50);
        int c = t.allocate("c", 110);
        q.add(c, 10); // another timeout: its own ring
        List<Integer> expired = new ArrayList<>();
        TimeoutQueues.Expiry e = (k, timeout) -> {
            expired.add(k);
            t.end(k, PendingTable.TIMED_OUT);
        };
        assertEquals(120, q.sweep(100, e), "next due: c at 110 + 10");
        assertTrue(expired.isEmpty());
        t.end(b, PendingTable.ANSWERED);
        assertEquals(130, q.sweep(120, e), "c timed out; its linger ends at 110 + 2*10");
        assertEquals(List.of(c), expired);
        assertEquals(150, q.sweep(149, e));
        q.sweep(150, e);
        assertEquals(List.of(c, a), expired, "b was answered, so it does not time out");
        assertEquals(PendingTable.FREE, t.state(c), "c lingered until 130");
        assertEquals(PendingTable.TIMED_OUT, t.state(a));
        assertEquals(PendingTable.ANSWERED, t.state(b));
        assertEquals(Long.MAX_VALUE, q.sweep(220, e));
        assertEquals(PendingTable.FREE, t.state(a));
        assertEquals(PendingTable.FREE, t.state(b));
        assertEquals(0, q.size());
    }

    @Test
    void timeoutQueuesSkipKeysReusedMeanwhile() {
        PendingTable t = new PendingTable(1);
        t.addPage();
        TimeoutQueues q = new TimeoutQueues(t);
        int a = t.allocate("a", 0);
        q.add(a, 10);
        t.end(a, PendingTable.ANSWERED);
        t.free(a);
        // Fill the page so the cursor comes back to a.
        for (int i = 1; i < PendingTable.PAGE_SIZE; i++) {
            t.allocate(i, 0);
        }
        assertEquals(a, t.allocate("again", 5));
        q.add(a, 100);
        List<Integer> expired = new ArrayList<>();
        q.sweep(50, (k, timeout) -> expired.add(k));
        assertTrue(expired.isEmpty(), "the old entry of key a belongs to an earlier generation");
        q.sweep(105, (k, timeout) -> expired.add(k));
        assertEquals(List.of(a), expired);
    }

    @Test
    void longRingGrowsAndWrapsInOrder() {
        TimeoutQueues.LongRing r = new TimeoutQueues.LongRing();
        long next = 0;
        long expect = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 100; i++) {
                r.add(next++);
            }
            for (int i = 0; i < 70; i++) {
                assertEquals(expect++, r.poll());
            }
        }
        while (!r.isEmpty()) {
            assertEquals(expect++, r.poll());
        }
        assertEquals(next, expect);
    }
}
