package io.pathprobe.agent.prometheus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What one {@code /probe} found: the gauges to expose and the probe's log (for {@code debug=true}). */
final class ProbeReport {
    /** One gauge value; {@code labels} alternate name, value. */
    record Sample(String name, String help, double value, String... labels) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final boolean keepLog;

    /** @param keepLog whether log lines are kept ({@code debug=true}); otherwise they are not even formatted */
    ProbeReport(boolean keepLog) {
        this.keepLog = keepLog;
    }

    boolean keepsLog() {
        return keepLog;
    }

    synchronized void gauge(String name, String help, double value, String... labels) {
        samples.add(new Sample(name, help, value, labels));
    }

    /** Adds a log line; build costly messages only when {@link #keepsLog()}. */
    synchronized void log(String level, String message) {
        if (!keepLog) {
            return;
        }
        log.add("ts=" + Instant.now() + " level=" + level + " msg=\"" + message.replace("\"", "'") + "\"");
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    synchronized List<String> logLines() {
        return List.copyOf(log);
    }
}
