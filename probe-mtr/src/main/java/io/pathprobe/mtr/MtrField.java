package io.pathprobe.mtr;

import io.pathprobe.core.stats.StatsSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The columns of mtr's tables, selected by letter as mtr's {@code -o FIELDS} does ({@link #parse}); titles and
 * widths as mtr prints them so reports line up with mtr's.
 */
public enum MtrField {
    /** A one-character gap between columns (mtr's {@code ' '}). */
    SPACE(' ', " ", 1, Kind.SPACE, s -> 0),
    /** Loss%: 100 − 100 × received / (sent − in flight). */
    LOSS('L', "Loss%", 6, Kind.PERCENT, StatsSnapshot::lossPercent),
    /** Drop: probes that ended unanswered. */
    DROP('D', "Drop", 5, Kind.COUNT_NARROW, s -> s.dropped()),
    /** Rcv: answered probes. */
    RECEIVED('R', "Rcv", 6, Kind.COUNT, s -> s.received()),
    /** Snt: sent probes. */
    SENT('S', "Snt", 6, Kind.COUNT, s -> s.sent()),
    /** Last: newest RTT. */
    LAST('N', "Last", 6, Kind.MS, s -> s.lastNanos()),
    /** Best: lowest RTT. */
    BEST('B', "Best", 6, Kind.MS, s -> s.bestNanos()),
    /** Avg: mean RTT. */
    AVG('A', "Avg", 6, Kind.MS, StatsSnapshot::avgNanos),
    /** Wrst: highest RTT. */
    WORST('W', "Wrst", 6, Kind.MS, s -> s.worstNanos()),
    /** StDev: sample standard deviation of the RTTs. */
    STDEV('V', "StDev", 6, Kind.MS, StatsSnapshot::stdevNanos),
    /** Gmean: geometric mean of the RTTs. */
    GMEAN('G', "Gmean", 6, Kind.MS, StatsSnapshot::gmeanNanos),
    /** Jttr: |RTTₙ − RTTₙ₋₁|. */
    JITTER('J', "Jttr", 5, Kind.MS_NARROW, s -> s.jitterNanos()),
    /** Javg: mean jitter. */
    JAVG('M', "Javg", 5, Kind.MS_NARROW, StatsSnapshot::javgNanos),
    /** Jmax: largest jitter. */
    JMAX('X', "Jmax", 5, Kind.MS_NARROW, s -> s.jmaxNanos()),
    /** Jint: RFC 1889 interarrival jitter estimate (×16, as mtr). */
    JINT('I', "Jint", 5, Kind.MS_NARROW, s -> s.jintNanos());

    /** mtr's default columns. */
    public static final String DEFAULT = "LS NABWV";

    enum Kind { SPACE, PERCENT, COUNT, COUNT_NARROW, MS, MS_NARROW }

    private final char letter;
    private final String title;
    private final int width;
    private final Kind kind;
    private final ToDoubleFunction<StatsSnapshot> value;

    MtrField(char letter, String title, int width, Kind kind, ToDoubleFunction<StatsSnapshot> value) {
        this.letter = letter;
        this.title = title;
        this.width = width;
        this.kind = kind;
        this.value = value;
    }

    /** The selection letter, e.g. {@code 'L'}. */
    public char letter() {
        return letter;
    }

    /** The column title, e.g. {@code "Loss%"}; also the JSON key and CSV header. */
    public String title() {
        return title;
    }

    /** Characters the column takes in a report, its leading blank included. */
    public int width() {
        return width;
    }

    /** Whether the field is a blank separator rather than a figure. */
    public boolean isSpace() {
        return kind == Kind.SPACE;
    }

    /** Whether the value is a whole number (counts), as opposed to milliseconds or a percentage. */
    public boolean isCount() {
        return kind == Kind.COUNT || kind == Kind.COUNT_NARROW;
    }

    /**
     * The value for machine output: counts as they are, RTTs in milliseconds, loss in percent. RTTs of a hop that
     * never answered are 0, as mtr prints them.
     */
    public double value(StatsSnapshot s) {
        double v = value.applyAsDouble(s);
        if (kind == Kind.MS || kind == Kind.MS_NARROW) {
            return s.received() == 0 ? 0 : v / 1_000_000.0;
        }
        return v;
    }

    /** The report cell: {@link #width()} characters, right-aligned, as mtr prints it. */
    public String cell(StatsSnapshot s) {
        double v = value(s);
        switch (kind) {
            case SPACE:
                return " ";
            case PERCENT:
                return String.format(Locale.ROOT, " %4.1f%%", v);
            case COUNT:
                return String.format(Locale.ROOT, " %5d", (long) v);
            case COUNT_NARROW:
                return String.format(Locale.ROOT, " %4d", (long) v);
            case MS:
                return String.format(Locale.ROOT, " %5.1f", v);
            default:
                return String.format(Locale.ROOT, " %4.1f", v);
        }
    }

    /** The field with this letter. */
    public static MtrField of(char letter) {
        for (MtrField f : values()) {
            if (f.letter == letter) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown field '" + letter + "': use the letters " + letters());
    }

    /**
     * Parses a field selection like mtr's {@code -o}, e.g. {@code "LS NABWV"} (the default) or {@code "LDRSNBAWVGJMXI"}.
     *
     * @throws IllegalArgumentException for an empty selection or an unknown letter, listing the known ones
     */
    public static List<MtrField> parse(String spec) {
        if (spec == null || spec.isEmpty()) {
            throw new IllegalArgumentException("field selection is empty: give letters from " + letters()
                    + ", e.g. \"" + DEFAULT + "\"");
        }
        List<MtrField> list = new ArrayList<>(spec.length());
        for (char c : spec.toCharArray()) {
            list.add(of(c));
        }
        return List.copyOf(list);
    }

    /** mtr's default selection, {@value #DEFAULT}. */
    public static List<MtrField> defaults() {
        return parse(DEFAULT);
    }

    private static String letters() {
        StringBuilder sb = new StringBuilder();
        for (MtrField f : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(f.letter).append("' ").append(f.title.trim().isEmpty() ? "space" : f.title);
        }
        return sb.toString();
    }
}
