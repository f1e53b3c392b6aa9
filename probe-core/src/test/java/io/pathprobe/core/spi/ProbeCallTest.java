package io.pathprobe.core.spi;

import io.netty.channel.EventLoop;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The late-answer rule every lane applies: only the kernel's arrival time decides late, never the read. A call that
 * records what it is told, with no engine and no network: the rule is the unit.
 */
class ProbeCallTest {
    private static final long TIMEOUT = 1_000_000_000L;
    private static final InetAddress ROUTER = InetAddress.getLoopbackAddress();

    @Test
    void anAnswerWithinTheDeadlineCompletesTheProbe() {
        Recording call = new Recording();
        ProbeOutcome answer = new ProbeOutcome.TtlExceeded(TIMEOUT, ROUTER, 0); // at the deadline: still in time

        assertTrue(call.completeUnlessLate(answer, TIMEOUT, true));
        assertEquals(List.of(answer), call.outcomes);
        assertEquals(List.of(), call.late);
    }

    @Test
    void anAnswerTheKernelReceivedPastTheDeadlineTimesOutAndCountsLate() {
        Recording call = new Recording();
        ProbeOutcome answer = new ProbeOutcome.TtlExceeded(TIMEOUT + 1, ROUTER, 0);

        assertFalse(call.completeUnlessLate(answer, TIMEOUT, true));
        assertEquals(List.of(new ProbeOutcome.TimedOut(TIMEOUT)), call.outcomes);
        assertEquals(List.of(TIMEOUT + 1), call.late);
    }

    @Test
    void withoutAnArrivalTimeTheAnswerCountsAsItIs() {
        Recording call = new Recording();
        ProbeOutcome answer = new ProbeOutcome.TtlExceeded(3 * TIMEOUT, ROUTER, 0); // RTT ends at the read

        assertTrue(call.completeUnlessLate(answer, TIMEOUT, false));
        assertEquals(List.of(answer), call.outcomes);
        assertEquals(List.of(), call.late);
    }

    @Test
    void anOutcomeWithoutAnRttIsNeverLate() {
        Recording call = new Recording();
        ProbeOutcome error = new ProbeOutcome.LocalError("the kernel refused the echo request", null);

        assertTrue(call.completeUnlessLate(error, TIMEOUT, true));
        assertEquals(List.of(error), call.outcomes);
    }

    private static final class Recording implements ProbeCall {
        final List<ProbeOutcome> outcomes = new ArrayList<>();
        final List<Long> late = new ArrayList<>();

        @Override
        public boolean complete(ProbeOutcome outcome) {
            outcomes.add(outcome);
            return outcomes.size() == 1;
        }

        @Override
        public void reportLate(long rttNanos) {
            late.add(rttNanos);
        }

        @Override
        public boolean isDone() {
            return !outcomes.isEmpty();
        }

        @Override
        public ProbeRequest request() {
            throw new UnsupportedOperationException("not used by the rule");
        }

        @Override
        public InetAddress address() {
            return ROUTER;
        }

        @Override
        public EventLoop eventLoop() {
            return null;
        }

        @Override
        public void onAbort(Runnable action) {
        }

        @Override
        public long startNanos() {
            return 0;
        }
    }
}
