package io.pathprobe.agent;

import java.time.Instant;

/**
 * A remote agent's clock minus ours, estimated from request/reply exchanges: the agent's clock is taken to be read
 * at the midpoint of an exchange, and the quickest exchange so far (the tightest bound) gives the estimate.
 * Thread-safe.
 */
public final class ClockOffset {
    private double offsetMs;
    private double bestRttMs = Double.MAX_VALUE;

    /**
     * Takes one exchange: sent at {@code t0}, answered at {@code t1} (our epoch milliseconds), the agent's clock
     * {@code agentClock} (ISO-8601) read in between; {@code null} (an answer without a clock) is ignored.
     */
    public synchronized void sample(String agentClock, long t0, long t1) {
        if (agentClock == null) {
            return;
        }
        double rtt = t1 - t0;
        if (rtt <= bestRttMs) {
            bestRttMs = rtt;
            offsetMs = Instant.parse(agentClock).toEpochMilli() - (t0 + t1) / 2.0;
        }
    }

    /** The estimate in milliseconds (agent minus coordinator); 0 before any exchange with a clock. */
    public synchronized double ms() {
        return offsetMs;
    }
}
