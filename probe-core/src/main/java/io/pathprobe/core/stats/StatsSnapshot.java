package io.pathprobe.core.stats;

import io.pathprobe.core.OutcomeType;

/**
 * The statistics of a series of probes at one moment; see {@link ProbeStatistics} for how each is computed.
 * RTT figures are nanoseconds, -1 when nothing was received (except the means, which are then 0).
 *
 * @param sent                  probes sent (mtr's Snt)
 * @param received              probes answered as hoped (mtr's Rcv)
 * @param inFlight              probes sent and not yet ended
 * @param duplicates            extra answers to probes already answered
 * @param late                  answers that came after their probe had timed out
 * @param lossPercent           mtr's Loss%: 100 − 100 × received / (sent − in flight)
 * @param synRetransmits        SYN retransmissions seen in completed TCP handshakes
 * @param retransmittedConnects completed TCP handshakes that needed at least one SYN retransmission
 * @param corrupted             replies with the probe's token but other data than was sent (ping's "wrong data
 *                              byte"), never counted as received
 */
public record StatsSnapshot(long sent, long received, long inFlight, long duplicates, long late, long[] outcomeCounts,
                            long retransmittedConnects, long synRetransmits, double lossPercent,
                            long lastNanos, long bestNanos, long worstNanos, double avgNanos, double stdevNanos,
                            double mdevNanos, double gmeanNanos, long jitterNanos, double javgNanos, long jmaxNanos,
                            long jintNanos, long p50Nanos, long p90Nanos, long p99Nanos,
                            long corrupted) {

    public StatsSnapshot {
        outcomeCounts = outcomeCounts.clone();
    }

    /** How many probes ended with {@code type}. */
    public long count(OutcomeType type) {
        return type.ordinal() < outcomeCounts.length ? outcomeCounts[type.ordinal()] : 0;
    }

    @Override
    public long[] outcomeCounts() {
        return outcomeCounts.clone();
    }

    /** mtr's Drop: probes answered-or-timed-out that were not received. */
    public long dropped() {
        return (sent - inFlight) - received;
    }

    /** ping's loss: (sent − received) / sent, in percent; in-flight probes count as lost (ping's summary). */
    public double pingLossPercent() {
        return sent == 0 ? 0 : 100.0 * (sent - received) / sent;
    }

    /** Converts nanoseconds to milliseconds for display. */
    public static double ms(double nanos) {
        return nanos / 1_000_000.0;
    }
}
