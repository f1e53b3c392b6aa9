package io.pathprobe.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;

import org.junit.jupiter.api.Test;

/** The arithmetic from a kernel receive stamp to an RTT, with both clocks given (no network, no real time). */
class ReceiveClockTest {
    /** A clock read at nanoTime 5,000,000,000 and wall time 1,795,000,000 s, paired to within 1.5 µs. */
    private static ReceiveClock clock() throws Exception {
        Constructor<ReceiveClock> c = ReceiveClock.class.getDeclaredConstructor(long.class, long.class, long.class);
        c.setAccessible(true);
        return c.newInstance(5_000_000_000L, 1_795_000_000_000_000_000L, 1_500L);
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

    @Test
    void anArrivalJustBeforeTheSendWithinThePairingsUncertaintyIsAnAnswerAtTheSend() throws Exception {
        ReceiveClock c = clock();
        long stamp = 1_795_000_000_000_000_000L - 1_565_000_000L; // waited 1.565 s: read after a stalled loop
        long arrived = 5_000_000_000L - 1_565_000_000L;
        // StarvedLoopLabTest saw this on JDK 25: the arrival 1.1 µs before the send, the clocks paired after a sleep to within a few µs. The
        // answer came at the send, not at the read 1.565 s later.
        assertEquals(0, c.rtt(arrived + 1_100, stamp));
        assertEquals(0, c.rtt(arrived + 1_500, stamp), "at the uncertainty's edge");
        // Beyond it the stamp is no arrival on this host's path: the RTT runs to the read.
        assertEquals(1_565_000_000L - 1_501, c.rtt(arrived + 1_501, stamp));
        assertEquals(200, c.rtt(arrived - 200, stamp), "after the send: the stamp's RTT");
    }
}
