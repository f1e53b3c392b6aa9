package io.pathprobe.core.text;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.stats.StatsSnapshot;

/** {@link SummaryFigures} read from a {@link StatsSnapshot}; RTTs exist only when something was received. */
record SnapshotFigures(StatsSnapshot s, long elapsedMs) implements SummaryFigures {
    @Override
    public long sent() {
        return s.sent();
    }

    @Override
    public long received() {
        return s.received();
    }

    @Override
    public long inFlight() {
        return s.inFlight();
    }

    @Override
    public long duplicates() {
        return s.duplicates();
    }

    @Override
    public long corrupted() {
        return s.corrupted();
    }

    @Override
    public long late() {
        return s.late();
    }

    @Override
    public double lossPercent() {
        return s.lossPercent();
    }

    @Override
    public long count(OutcomeType type) {
        return s.count(type);
    }

    @Override
    public Double minMs() {
        return ms(s.bestNanos());
    }

    @Override
    public Double avgMs() {
        return ms(s.avgNanos());
    }

    @Override
    public Double maxMs() {
        return ms(s.worstNanos());
    }

    @Override
    public Double mdevMs() {
        return ms(s.mdevNanos());
    }

    @Override
    public long synRetransmits() {
        return s.synRetransmits();
    }

    @Override
    public long retransmittedConnects() {
        return s.retransmittedConnects();
    }

    private Double ms(double nanos) {
        return s.received() > 0 ? StatsSnapshot.ms(nanos) : null;
    }
}
