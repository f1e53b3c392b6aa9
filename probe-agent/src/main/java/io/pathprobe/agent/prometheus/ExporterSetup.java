package io.pathprobe.agent.prometheus;

import java.util.Objects;

/**
 * The Prometheus endpoints' configuration and how to read it again ({@code POST /-/reload}, SIGHUP).
 *
 * @param config   the configuration to start with
 * @param reloader reads the configuration file again; {@code null} when there is no file to reload
 */
public record ExporterSetup(ExporterConfig config, Reloader reloader) {
    /** Reads the configuration again, or says in one line why it cannot be used. */
    @FunctionalInterface
    public interface Reloader {
        ExporterConfig reload() throws ConfigException;
    }

    public ExporterSetup {
        Objects.requireNonNull(config, "config");
    }

    /** The built-in modules, no continuous probes, nothing to reload. */
    public static ExporterSetup defaults() {
        return new ExporterSetup(ExporterConfig.defaults(), null);
    }
}
