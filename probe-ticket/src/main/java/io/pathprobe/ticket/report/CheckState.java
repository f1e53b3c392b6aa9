package io.pathprobe.ticket.report;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.SeriesStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The state of one check as the report's Overview shows it (and {@code summary.txt} lists it). A probe is
 * <em>affected</em> when it failed (timed out, refused, unreachable, a local error: anything but the hoped-for
 * answer) or when its connect completed only after a SYN retransmission (a retransmit is a lost packet). Over the
 * probes that ended:
 * <ul>
 *   <li>{@link #UNMEASURED}: none ended;</li>
 *   <li>{@link #DEAD}: none succeeded;</li>
 *   <li>{@link #CLEAN}: none affected — a check with any timeout, refusal, error or retransmit is never clean;</li>
 *   <li>{@link #DEGRADED}: affected, at most {@value #FAILING_PERCENT}% of them;</li>
 *   <li>{@link #FAILING}: more than {@value #FAILING_PERCENT}% affected.</li>
 * </ul>
 * These are for people reading the report; the diagnosis reasons with its own classes
 * ({@link io.pathprobe.ticket.diagnosis.Health}), which tolerate a lone lost probe.
 */
public enum CheckState {
    UNMEASURED, DEAD, CLEAN, DEGRADED, FAILING;

    /** Above this share of affected probes a check is FAILING rather than DEGRADED. */
    public static final int FAILING_PERCENT = 5;

    public static CheckState of(ProbeSeries s) {
        return of(s.stats());
    }

    public static CheckState of(SeriesStats st) {
        if (st.answered() <= 0) {
            return UNMEASURED;
        }
        if (st.received() == 0) {
            return DEAD;
        }
        long affected = affected(st);
        if (affected == 0) {
            return CLEAN;
        }
        return 100.0 * affected / st.answered() > FAILING_PERCENT ? FAILING : DEGRADED;
    }

    /** Failed probes plus connects that needed a SYN retransmission. */
    public static long affected(SeriesStats st) {
        return st.failed() + st.retransmittedConnects();
    }

    /** {@code clean}, {@code degraded}, ...: the label shown. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The label in {@code locale}: {@code state.LABEL} of the report's bundle. */
    public String text(Locale locale) {
        return io.pathprobe.ticket.diagnosis.Messages.format(locale, "state." + label());
    }

    /** What made the state, e.g. {@code 1 timed out, 7 SYN retransmits (8 connects)}; empty when clean. */
    public static String why(SeriesStats st) {
        List<String> parts = new ArrayList<>();
        for (OutcomeType t : List.of(OutcomeType.TIMED_OUT, OutcomeType.REFUSED, OutcomeType.UNREACHABLE)) {
            if (st.count(t) > 0) {
                parts.add(st.count(t) + " " + t.label().replace('-', ' '));
            }
        }
        long other = st.failed() - st.count(OutcomeType.TIMED_OUT) - st.count(OutcomeType.REFUSED)
                - st.count(OutcomeType.UNREACHABLE);
        if (other > 0) {
            parts.add(other + " other errors");
        }
        if (st.synRetransmits() > 0) {
            parts.add(st.synRetransmits() + " SYN retransmits (" + st.retransmittedConnects() + " connects)");
        }
        return String.join(", ", parts);
    }
}
