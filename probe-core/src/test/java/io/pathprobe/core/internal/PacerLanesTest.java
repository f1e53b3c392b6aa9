package io.pathprobe.core.internal;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pacer with a queue per event loop: items submitted from outside the loops and from the loops themselves, ended
 * on the loop that started them (as probes end) or at once inside their start, each start exactly once, never more
 * than the limit at once, nothing left waiting with a slot free.
 */
@Timeout(120)
class PacerLanesTest {
    @Test
    void everyItemStartsOnceWithinTheLimitFromLoopsAndOtherThreads() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            int outside = 3;
            int each = 30_000;
            int fromLoops = 20_000;
            int total = outside * each + fromLoops;
            int limit = 16;
            AtomicIntegerArray starts = new AtomicIntegerArray(total);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            AtomicInteger ended = new AtomicInteger();
            AtomicInteger offLoop = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(total);
            AtomicReference<Pacer<Integer>> ref = new AtomicReference<>();
            Pacer<Integer> pacer = Pacer.create(limit, 0, group.next(), item -> {
                starts.incrementAndGet(item);
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                EventExecutor here = null;
                for (EventExecutor l : loops) {
                    if (l.inEventLoop()) {
                        here = l;
                    }
                }
                if (here == null) {
                    offLoop.incrementAndGet();
                }
                Runnable end = () -> {
                    running.decrementAndGet();
                    ended.incrementAndGet();
                    ref.get().release();
                    all.countDown();
                };
                if (item % 3 == 0 || here == null) {
                    end.run(); // ends inside its start (a probe failing at once)
                } else {
                    here.execute(end); // ends later on its loop, as an answer would
                }
            }, loops.toArray(new EventExecutor[0]));
            ref.set(pacer);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < outside; t++) {
                int base = t * each;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        pacer.submit(base + i);
                    }
                }));
            }
            int loopBase = outside * each;
            for (int k = 0; k < 2; k++) {
                int from = loopBase + k * (fromLoops / 2);
                loops.get(k).execute(() -> {
                    for (int i = 0; i < fromLoops / 2; i++) {
                        pacer.submit(from + i); // a session ticking on its loop
                    }
                });
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(all.await(60, TimeUnit.SECONDS), "ended " + ended.get() + " of " + total + ", in flight "
                    + pacer.inFlight() + ", queued " + pacer.queued());
            for (int i = 0; i < total; i++) {
                assertEquals(1, starts.get(i), "item " + i);
            }
            assertTrue(most.get() <= limit, "at most " + limit + " at once, saw " + most.get());
            assertEquals(0, offLoop.get(), "with lanes every item starts on a loop");
            // The last release may still be returning on its loop: wait for the count, bounded.
            for (int i = 0; i < 1000 && pacer.inFlight() != 0; i++) {
                Thread.sleep(1);
            }
            assertEquals(0, pacer.inFlight());
            assertEquals(0, pacer.queued());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aLoopsItemsGetSlotsWhileAnotherKeepsItsOwnQueueFull() throws Exception {
        // Loop 0 keeps refilling its own queue from its own ends (a flood); items queued on loop 1 while every slot
        // is taken must still start, although loop 0's ends could always hand their slots to loop 0's next item.
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            EventExecutor flood = loops.get(0);
            int limit = 4;
            AtomicInteger otherStarted = new AtomicInteger();
            AtomicInteger floodLeft = new AtomicInteger(2_000_000); // bounded: ends the flood if the test fails
            AtomicReference<Pacer<Integer>> ref = new AtomicReference<>();
            CountDownLatch others = new CountDownLatch(100);
            CountDownLatch floodGoing = new CountDownLatch(1000);
            Pacer<Integer> pacer = Pacer.create(limit, 0, group.next(), item -> {
                if (item < 0) {
                    floodGoing.countDown();
                    flood.execute(() -> {
                        if (floodLeft.decrementAndGet() > 0) {
                            ref.get().submit(-1); // the next before this one's slot is freed: queued behind
                        }
                        ref.get().release();
                    });
                } else {
                    otherStarted.incrementAndGet();
                    others.countDown();
                    ref.get().release();
                }
            }, loops.toArray(new EventExecutor[0]));
            ref.set(pacer);
            flood.execute(() -> {
                for (int i = 0; i < 2 * limit; i++) {
                    pacer.submit(-1);
                }
            });
            assertTrue(floodGoing.await(30, TimeUnit.SECONDS), "the flood runs");
            loops.get(1).execute(() -> {
                for (int i = 0; i < 100; i++) {
                    pacer.submit(i);
                }
            });
            assertTrue(others.await(30, TimeUnit.SECONDS), "loop 1's items started: " + otherStarted.get());
            int left = floodLeft.getAndSet(0);
            assertTrue(left > 0, "loop 1's items waited for the flood to end");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void slotsThatAllEndedUpOnOneLoopFindTheirWayBackToTheOther() throws Exception {
        // Every slot starts on loop 0 (its items submitted there, nothing queued); then another thread queues items
        // on both loops in turn. A slot that ends hands itself to the next queued item: kept on loop 0 for ever,
        // loop 1 would start nothing while its queue is emptied from loop 0 (an engine at a small window ran at
        // two thirds of its rate so, one core idle). Loop 1 must get slots of its own and start its items.
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            int limit = 8;
            int outside = 100_000;
            AtomicIntegerArray startedOn = new AtomicIntegerArray(2);
            CountDownLatch all = new CountDownLatch(limit + outside);
            CountDownLatch firstStarted = new CountDownLatch(limit);
            AtomicReference<Pacer<Integer>> ref = new AtomicReference<>();
            Pacer<Integer> pacer = Pacer.create(limit, 0, group.next(), item -> {
                EventExecutor here = loops.get(0).inEventLoop() ? loops.get(0) : loops.get(1);
                startedOn.incrementAndGet(here == loops.get(0) ? 0 : 1);
                if (item < 0) {
                    firstStarted.countDown();
                }
                here.execute(() -> { // ends later on the loop that started it, as an answer would
                    ref.get().release();
                    all.countDown();
                });
            }, loops.toArray(new EventExecutor[0]));
            ref.set(pacer);
            loops.get(0).execute(() -> {
                for (int i = 0; i < limit; i++) {
                    pacer.submit(-1 - i);
                }
            });
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            assertEquals(0, startedOn.get(1), "the set-up: every slot on loop 0");
            for (int i = 0; i < outside; i++) {
                pacer.submit(i);
            }
            assertTrue(all.await(60, TimeUnit.SECONDS), "ended " + (limit + outside - all.getCount()));
            // Balanced, loop 1 starts about half; a tenth is far below that and far above what a loop without
            // slots starts (none: it would only have its queue emptied by the other).
            assertTrue(startedOn.get(1) >= outside / 10, "loop 0 started " + startedOn.get(0) + ", loop 1 "
                    + startedOn.get(1));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
