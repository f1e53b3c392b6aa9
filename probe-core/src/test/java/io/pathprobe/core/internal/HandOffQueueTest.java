package io.pathprobe.core.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lanes' queue: many producers and consumers, every element exactly once, each producer's in order for one consumer. */
@Timeout(60)
class HandOffQueueTest {
    @Test
    void oneThreadGetsBackWhatItOfferedInOrderAcrossChunks() {
        HandOffQueue<Integer> q = new HandOffQueue<>();
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        int n = HandOffQueue.CHUNK * 3 + 7; // crosses chunk ends, and ends inside one
        for (int i = 0; i < n; i++) {
            q.offer(i);
        }
        assertEquals(n, q.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        q.offer(-1); // and goes on after being emptied at a chunk's end
        assertEquals(-1, q.poll());
    }

    @Test
    void concurrentProducersLoseNothingAndKeepTheirOrder() throws Exception {
        int producers = 4;
        int each = 200_000;
        HandOffQueue<Long> q = new HandOffQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long id = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    q.offer(id << 32 | i);
                }
            });
            threads.add(t);
        }
        AtomicBoolean done = new AtomicBoolean();
        int[] next = new int[producers];
        long[] seen = {0};
        String[] failure = {null};
        Thread consumer = new Thread(() -> {
            // Polls while the producers run (a slot claimed and not yet stored reads as empty: poll again later).
            long deadline = System.nanoTime() + 50_000_000_000L;
            while (seen[0] < (long) producers * each && System.nanoTime() < deadline) {
                Long v = q.poll();
                if (v == null) {
                    Thread.onSpinWait();
                    continue;
                }
                int p = (int) (v >>> 32);
                int i = (int) (long) v;
                if (i != next[p] && failure[0] == null) {
                    failure[0] = "producer " + p + ": got " + i + ", expected " + next[p];
                }
                next[p] = i + 1;
                seen[0]++;
            }
            done.set(true);
        });
        consumer.start();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        consumer.join();
        assertTrue(done.get());
        assertNull(failure[0]);
        assertEquals((long) producers * each, seen[0]);
        assertNull(q.poll());
    }

    @Test
    void twoConsumersTakeEveryElementExactlyOnce() throws Exception {
        // A loop draining its own queue while another, idle, takes from it too.
        int producers = 3;
        int each = 100_000;
        int total = producers * each;
        HandOffQueue<Integer> q = new HandOffQueue<>();
        java.util.concurrent.atomic.AtomicIntegerArray taken = new java.util.concurrent.atomic.AtomicIntegerArray(total);
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * each;
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    q.offer(base + i);
                }
            }));
        }
        for (int c = 0; c < 2; c++) {
            threads.add(new Thread(() -> {
                long deadline = System.nanoTime() + 50_000_000_000L;
                while (count.get() < total && System.nanoTime() < deadline) {
                    Integer v = q.poll();
                    if (v == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    taken.incrementAndGet(v);
                    count.incrementAndGet();
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(total, count.get());
        for (int i = 0; i < total; i++) {
            assertEquals(1, taken.get(i), "element " + i);
        }
        assertNull(q.poll());
        assertEquals(0, q.size());
        assertEquals(total, q.taken());
    }
}
