package io.pathprobe.ticket.evidence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.core.text.SummaryFigures;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The statistics of one series of probes (the ping, or one TCP check), taken from the core's {@link StatsSnapshot}
 * and kept in milliseconds for people and JSON. RTT figures are {@code null} when nothing was received. As
 * {@link SummaryFigures} it prints the same ping and TCP summaries as the command-line tool.
 *
 * @param sent                  probes sent
 * @param received              probes answered as hoped (echo reply, connected)
 * @param inFlight              probes still unanswered when the series ended (left out of the loss, as mtr does)
 * @param lossPercent           mtr's Loss%: 100 − 100 × received / (sent − in flight)
 * @param outcomes              how many probes ended with each outcome, by label ({@code connected},
 *                              {@code refused}, {@code timed-out}, {@code unreachable}, ...); zero counts left out
 * @param synRetransmits        SYN retransmissions seen in completed handshakes (TCP)
 * @param retransmittedConnects completed handshakes that needed at least one SYN retransmission (TCP)
 * @param elapsedMs             how long the series ran
 */
public record SeriesStats(long sent, long received, long inFlight, long duplicates, long late, double lossPercent,
                          Map<String, Long> outcomes, long synRetransmits, long retransmittedConnects,
                          Double minMs, Double avgMs, Double maxMs, Double mdevMs, Double stdevMs, Double lastMs,
                          Double p50Ms, Double p90Ms, Double p99Ms, Double jitterAvgMs, Double jitterMaxMs,
                          long elapsedMs) implements SummaryFigures {

    public SeriesStats {
        outcomes = outcomes == null ? Map.of() : Map.copyOf(outcomes);
    }

    /** Converts a core snapshot. */
    public static SeriesStats from(StatsSnapshot s, long elapsedMs) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (OutcomeType t : OutcomeType.inCategoryOrder()) {
            if (s.count(t) > 0) {
                counts.put(t.label(), s.count(t));
            }
        }
        boolean any = s.received() > 0;
        return new SeriesStats(s.sent(), s.received(), s.inFlight(), s.duplicates(), s.late(), s.lossPercent(),
                counts, s.synRetransmits(), s.retransmittedConnects(),
                any ? StatsSnapshot.ms(s.bestNanos()) : null, any ? StatsSnapshot.ms(s.avgNanos()) : null,
                any ? StatsSnapshot.ms(s.worstNanos()) : null, any ? StatsSnapshot.ms(s.mdevNanos()) : null,
                any ? StatsSnapshot.ms(s.stdevNanos()) : null, any ? StatsSnapshot.ms(s.lastNanos()) : null,
                any ? StatsSnapshot.ms(s.p50Nanos()) : null, any ? StatsSnapshot.ms(s.p90Nanos()) : null,
                any ? StatsSnapshot.ms(s.p99Nanos()) : null, any ? StatsSnapshot.ms(s.javgNanos()) : null,
                any ? StatsSnapshot.ms(s.jmaxNanos()) : null, elapsedMs);
    }

    /** How many probes ended with {@code type}. */
    public long count(OutcomeType type) {
        return outcomes.getOrDefault(type.label(), 0L);
    }

    /** Probes that ended (sent less in flight): the base of the loss figure. */
    @JsonIgnore
    public long answered() {
        return sent - inFlight;
    }

    /** Probes that ended without the hoped-for answer. */
    @JsonIgnore
    public long failed() {
        return answered() - received;
    }
}
