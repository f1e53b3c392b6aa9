package io.pathprobe.mtr;

import java.util.ArrayList;
import java.util.List;

/** Receives a trace's events as they happen. Methods have no-op defaults; called on engine threads, keep them quick. */
public interface TraceListener {
    TraceListener NONE = new TraceListener() {
    };

    /** A probe ended. */
    default void onProbe(ProbeRecord record) {
    }

    /** A round has been sent (all its TTLs and flows started); {@code snapshot} is the state at that moment. */
    default void onRound(long round, TraceSnapshot snapshot) {
    }

    /** The trace ended; {@code snapshot} is final. */
    default void onFinished(TraceSnapshot snapshot) {
    }

    /** One listener telling each of {@code listeners} in turn ({@link #NONE}s left out). */
    static TraceListener all(TraceListener... listeners) {
        List<TraceListener> list = new ArrayList<>();
        for (TraceListener l : listeners) {
            if (l != null && l != NONE) {
                list.add(l);
            }
        }
        if (list.isEmpty()) {
            return NONE;
        }
        if (list.size() == 1) {
            return list.get(0);
        }
        List<TraceListener> each = List.copyOf(list);
        return new TraceListener() {
            @Override
            public void onProbe(ProbeRecord record) {
                each.forEach(l -> l.onProbe(record));
            }

            @Override
            public void onRound(long round, TraceSnapshot snapshot) {
                each.forEach(l -> l.onRound(round, snapshot));
            }

            @Override
            public void onFinished(TraceSnapshot snapshot) {
                each.forEach(l -> l.onFinished(snapshot));
            }
        };
    }
}
