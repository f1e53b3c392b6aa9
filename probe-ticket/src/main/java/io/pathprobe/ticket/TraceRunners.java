package io.pathprobe.ticket;

import java.util.ServiceLoader;

/** Finds the MTR module's {@link TraceRunner} on the class path. */
public final class TraceRunners {
    private TraceRunners() {
    }

    /** The first {@link TraceRunner} registered with {@link ServiceLoader}, or {@code null} when there is none. */
    public static TraceRunner fromClassPath() {
        for (TraceRunner r : ServiceLoader.load(TraceRunner.class, TraceRunners.class.getClassLoader())) {
            return r;
        }
        return null;
    }
}
