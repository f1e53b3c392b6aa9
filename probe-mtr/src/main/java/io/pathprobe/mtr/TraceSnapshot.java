package io.pathprobe.mtr;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A trace's figures at one moment: all probes per hop ({@link #table()}, what mtr shows), and per flow
 * ({@link #paths()}). Immutable; formatters ({@link MtrReport}, {@link MtrJson}, {@link MtrCsv}) print it.
 *
 * @param info    what the trace was asked to do
 * @param running whether probing goes on (the figures may still change)
 * @param rounds  rounds started so far
 * @param elapsed time since the start
 * @param table   all probes, per hop
 * @param paths   per flow identifier; one entry in Paris mode
 */
public record TraceSnapshot(TraceHeader info, boolean running, long rounds, Duration elapsed, HopTable table,
                            List<PathSnapshot> paths) {
    public TraceSnapshot {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(table, "table");
        paths = List.copyOf(paths);
    }

    /** The hops, as {@code table().hops()}. */
    public List<HopSnapshot> hops() {
        return table.hops();
    }

    /** Why the hop list ends. */
    public StopReason stop() {
        return table.stop();
    }

    /** The distinct routes the flows took (each a list of main hop addresses), in flow order. */
    public List<List<InetAddress>> distinctRoutes() {
        Set<List<InetAddress>> seen = new LinkedHashSet<>();
        for (PathSnapshot p : paths) {
            seen.add(p.route());
        }
        return new ArrayList<>(seen);
    }
}
