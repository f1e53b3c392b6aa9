package io.pathprobe.core.text;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.stats.StatsSnapshot;

/**
 * The figures a summary prints, in milliseconds: what {@link SummaryLines} needs of a series of probes. A live
 * {@link StatsSnapshot} gives them through {@link #of(StatsSnapshot, long)}; a stored result (e.g. one read back from
 * JSON) can implement this interface itself.
 */
public interface SummaryFigures {
    /** Probes sent. */
    long sent();

    /** Probes answered as hoped (echo reply, connected). */
    long received();

    /** Probes unanswered when the series ended. */
    long inFlight();

    /** Extra answers to probes already answered. */
    long duplicates();

    /** Answers that came after their probe had timed out (never counted as received). */
    long late();

    /** Replies with the probe's token but wrong data (ping's "wrong data byte"); never counted as received. */
    default long corrupted() {
        return 0;
    }

    /** mtr's Loss%: 100 − 100 × received / (sent − in flight). */
    double lossPercent();

    /** How many probes ended with {@code type}. */
    long count(OutcomeType type);

    /** What ping counts as errors: ICMP errors about the probes, and probes that could not be sent. */
    default long pingErrors() {
        return count(OutcomeType.TTL_EXCEEDED) + count(OutcomeType.UNREACHABLE) + count(OutcomeType.LOCAL_ERROR);
    }

    /** Least RTT in ms, or {@code null} when nothing was received. */
    Double minMs();

    /** Mean RTT in ms, or {@code null}. */
    Double avgMs();

    /** Greatest RTT in ms, or {@code null}. */
    Double maxMs();

    /** ping's mdev in ms, or {@code null}. */
    Double mdevMs();

    /** SYN retransmissions in completed TCP handshakes. */
    long synRetransmits();

    /** Completed TCP handshakes that needed at least one SYN retransmission. */
    long retransmittedConnects();

    /** How long the series ran, in ms. */
    long elapsedMs();

    /** The figures of a core statistics snapshot taken after {@code elapsedMs}. */
    static SummaryFigures of(StatsSnapshot s, long elapsedMs) {
        return new SnapshotFigures(s, elapsedMs);
    }
}
