package io.pathprobe.core;

import java.time.Duration;

/**
 * The argument checks every builder of the project makes (requests, trace and capture configurations, agent
 * quotas), with one wording: what was wrong and what to use instead, e.g. {@code "port 70000 is out of range: use
 * 1 to 65535"}. Each throws {@link IllegalArgumentException} and otherwise returns the value it checked. Public so
 * that builders in other modules (a new prober's request options included) word their errors the same way.
 */
public final class Checks {
    private Checks() {
    }

    /** A target host name or address text, trimmed. */
    public static String host(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("target host must not be empty");
        }
        return host.trim();
    }

    /** A TCP/UDP port, 1 to 65535. */
    public static int port(int port) {
        return range(port, 1, 65535, "port");
    }

    /** A TTL / hop limit, 1 to 255; {@code what} names it, e.g. "max TTL". */
    public static int ttl(int ttl, String what) {
        return range(ttl, 1, 255, what);
    }

    /** {@code value} within {@code min..max}; {@code what} names it. */
    public static int range(int value, int min, int max, String what) {
        return range(value, min, max, what, "");
    }

    /** {@code value} within {@code min..max}, with a unit for the message (e.g. " bytes"). */
    public static int range(int value, int min, int max, String what, String unit) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " " + value + " is out of range: use " + min + " to " + max + unit);
        }
        return value;
    }

    /** A duration above zero; {@code what} names it, e.g. "timeout". */
    public static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }
}
