package io.pathprobe.mtr;

import io.pathprobe.core.AddressText;

import java.net.InetAddress;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * How {@link MtrReport}, {@link MtrJson} and {@link MtrCsv} print a trace.
 *
 * @param fields   the columns (mtr's {@code -o}); default {@link MtrField#DEFAULT}
 * @param wide     mtr's {@code -w}: the report sizes the host column to the longest name instead of mtr's 33
 *                 characters, so long names (IPv6) are not cut; the CSV adds a line for each further address
 *                 of a hop
 * @param annotate report only: after the table, lines with the stop reason, the loss analysis and the paths
 * @param zone     time zone of the report's {@code Start:} line
 * @param names    how a hop address is shown (e.g. a reverse-DNS name); default the address literal
 */
public record FormatOptions(List<MtrField> fields, boolean wide, boolean annotate, ZoneId zone,
                            Function<InetAddress, String> names) {
    public FormatOptions {
        fields = List.copyOf(fields);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("at least one field is needed");
        }
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(names, "names");
    }

    /** mtr's default columns, narrow, annotated, in the system time zone, addresses as literals. */
    public static FormatOptions defaults() {
        return new FormatOptions(MtrField.defaults(), false, true, ZoneId.systemDefault(), AddressText::of);
    }

    public FormatOptions withFields(List<MtrField> fields) {
        return new FormatOptions(fields, wide, annotate, zone, names);
    }

    /** Columns from an mtr {@code -o} selection, e.g. {@code "LSD NBAW"}. */
    public FormatOptions withFields(String spec) {
        return withFields(MtrField.parse(spec));
    }

    public FormatOptions withWide(boolean wide) {
        return new FormatOptions(fields, wide, annotate, zone, names);
    }

    public FormatOptions withAnnotate(boolean annotate) {
        return new FormatOptions(fields, wide, annotate, zone, names);
    }

    public FormatOptions withZone(ZoneId zone) {
        return new FormatOptions(fields, wide, annotate, zone, names);
    }

    public FormatOptions withNames(Function<InetAddress, String> names) {
        return new FormatOptions(fields, wide, annotate, zone, names);
    }

    /** The name shown for a hop address, {@code ???} for none (a silent hop). */
    String name(InetAddress a) {
        return a == null ? "???" : names.apply(a);
    }
}
