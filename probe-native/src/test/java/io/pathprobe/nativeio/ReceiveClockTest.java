package io.pathprobe.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;

import org.junit.jupiter.api.Test;

/** The arithmetic from a kernel receive stamp to an RTT, with both clocks given (no network, no real time). */
class ReceiveClockTest {
    /** A clock read at nanoTime 5,000,000,000 and wall time 1,795,000,000 s. */
    private static ReceiveClock clock() throws Exception {
        Constructor<ReceiveClock> c = ReceiveClock.class.getDeclaredConstructor(long.class, long.class);
        c.setAccessible(true);
        return c.newInstance(5_000_000_000L, 1_795_000_000_000_000_000L);
    }

    @Test
    void arrivalIsTheReadLessTheTimeTheAnswerWaited() throws Exception {
        ReceiveClock c = clock();
        // Stamped 3 ms before the clock was read: it arrived at nanoTime 4,997,000,000.
        assertEquals(4_997_000_000L, c.arrival(1_795_000_000_000_000_000L - 3_000_000));
        // Sent at 4,996,000,000: an RTT of 1 ms, not the 4 ms until the read.
        assertEquals(1_000_000, c.rtt(4_996_000_000L, 1_795_000_000_000_000_000L - 3_000_000));
    }

    @Test
    void noStampOrAnImplausibleOneEndsTheRttAtTheRead() throws Exception {
        ReceiveClock c = clock();
        assertEquals(5_000_000_000L, c.arrival(-1), "no stamp");
        assertEquals(5_000_000_000L, c.arrival(1_795_000_000_000_000_000L + 10), "a stamp after the read");
        assertEquals(5_000_000_000L, c.arrival(1_795_000_000_000_000_000L - 61_000_000_000L),
                "a minute's wait is a wall-clock step, not queueing");
        // A stamp that would put the arrival before the send: the RTT runs to the read instead, never negative.
        assertEquals(2_000_000, c.rtt(4_998_000_000L, 1_795_000_000_000_000_000L - 3_000_000));
        assertTrue(c.rtt(5_000_000_001L, -1) == 0);
    }
}
