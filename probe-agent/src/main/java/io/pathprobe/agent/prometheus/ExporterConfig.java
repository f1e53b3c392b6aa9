package io.pathprobe.agent.prometheus;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the Prometheus endpoints do: the modules a scrape may name, the continuous probes, and whether
 * {@code /metrics} is served without authentication. Immutable; a reload replaces it as a whole.
 *
 * @param modules       by name: the built-ins, then the configuration file's (which may replace a built-in)
 * @param continuous    targets probed on their own schedule for {@code /metrics}
 * @param metricsOpen   whether {@code /metrics} needs no authentication ({@code /probe} always does)
 * @param timeoutOffset subtracted from Prometheus's scrape timeout header (blackbox's {@code --timeout-offset})
 * @param maxConcurrent most {@code /probe} requests running at once; more are answered 429
 */
public record ExporterConfig(Map<String, Module> modules, List<Continuous> continuous, boolean metricsOpen,
                             Duration timeoutOffset, int maxConcurrent) {
    /** Blackbox_exporter's default offset. */
    public static final Duration DEFAULT_OFFSET = Duration.ofMillis(500);
    /** The budget of a scrape that sent no timeout header (blackbox's 120 s). */
    public static final Duration NO_HEADER_TIMEOUT = Duration.ofSeconds(120);
    /** Most continuous series (targets × modules): bounds /metrics' cardinality. */
    public static final int MAX_SERIES = 10_000;

    /**
     * One continuously probed target.
     *
     * @param target   a host (address or name, resolved once at start or reload) with {@code :PORT} for TCP modules
     * @param modules  the modules (icmp or tcp) it is probed with, each its own series
     * @param interval time between probes of each series (smokeping_prober's default: 1 s)
     */
    public record Continuous(String target, List<String> modules, Duration interval) {
        public Continuous {
            Objects.requireNonNull(target, "target");
            modules = List.copyOf(modules);
            Objects.requireNonNull(interval, "interval");
        }
    }

    public ExporterConfig {
        modules = Map.copyOf(new LinkedHashMap<>(modules));
        continuous = List.copyOf(continuous);
        Objects.requireNonNull(timeoutOffset, "timeoutOffset");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("max_concurrent must be at least 1");
        }
    }

    /** The built-in modules only, no continuous probes, {@code /metrics} authenticated. */
    public static ExporterConfig defaults() {
        return new ExporterConfig(Module.builtIns(), List.of(), false, DEFAULT_OFFSET, 100);
    }
}
