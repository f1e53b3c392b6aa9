package io.pathprobe.core.spi;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lanes' one wake-up: an earlier deadline moves it, a later one keeps it, cancel drops it. Counts, not times. */
@Timeout(60)
class SweepTimerTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @Test
    void aLaterDeadlineKeepsTheEarlierWakeUp() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            CountDownLatch ran = new CountDownLatch(1);
            SweepTimer t = new SweepTimer(loop, ran::countDown, 0);
            loop.submit(() -> {
                t.atOrBefore(System.nanoTime());
                t.atOrBefore(System.nanoTime() + HOUR); // must not push the wake-up an hour away
            }).get();
            assertTrue(ran.await(30, TimeUnit.SECONDS), "the earlier deadline's sweep ran");
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void anEarlierDeadlineMovesItAndCancelDropsIt() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch ran = new CountDownLatch(1);
            SweepTimer t = new SweepTimer(loop, () -> {
                runs.incrementAndGet();
                ran.countDown();
            }, 0);
            loop.submit(() -> {
                t.atOrBefore(System.nanoTime() + HOUR);
                t.atOrBefore(System.nanoTime()); // moves it to now
            }).get();
            assertTrue(ran.await(30, TimeUnit.SECONDS), "the moved wake-up ran");
            // After a sweep nothing is pending; one asked for and cancelled never runs. A task scheduled later
            // on the same loop runs after the cancelled one's due time, so by then it would have run.
            loop.submit(() -> {
                t.atOrBefore(System.nanoTime());
                t.cancel();
            }).get();
            loop.schedule(() -> { }, 50, TimeUnit.MILLISECONDS).get();
            assertEquals(1, runs.get(), "the hour-away wake-up was replaced and the cancelled one dropped");
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void negativeSlackIsRefused() {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            assertThrows(IllegalArgumentException.class, () -> new SweepTimer(loop, () -> { }, -1));
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
