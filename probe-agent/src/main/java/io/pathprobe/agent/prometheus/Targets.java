package io.pathprobe.agent.prometheus;

/** {@code target=} as blackbox_exporter writes it: {@code HOST}, {@code HOST:PORT}, {@code [V6]:PORT} or a bare v6. */
final class Targets {
    private Targets() {
    }

    /** A host and a port (0 when none was given). */
    record HostPort(String host, int port) {
    }

    static boolean hasPort(String target) {
        try {
            return parse(target).port() != 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @throws IllegalArgumentException with what is wrong */
    static HostPort parse(String target) {
        String t = target.trim();
        if (t.isEmpty() || t.length() > 255) {
            throw new IllegalArgumentException("target must be HOST, HOST:PORT or [IPv6]:PORT");
        }
        if (t.startsWith("[")) {
            int end = t.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("target '" + t + "' has '[' without ']'");
            }
            String host = t.substring(1, end);
            String rest = t.substring(end + 1);
            if (rest.isEmpty()) {
                return new HostPort(host, 0);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("target '" + t + "': expected ':PORT' after ']'");
            }
            return new HostPort(host, port(rest.substring(1), t));
        }
        int first = t.indexOf(':');
        if (first < 0) {
            return new HostPort(t, 0);
        }
        if (first != t.lastIndexOf(':')) {
            return new HostPort(t, 0); // a bare IPv6 literal: no port
        }
        return new HostPort(t.substring(0, first), port(t.substring(first + 1), t));
    }

    private static int port(String s, String target) {
        if (!s.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("target '" + target + "': port '" + s + "' is not a number");
        }
        int p = Integer.parseInt(s);
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("target '" + target + "': port " + p + " is outside 1..65535");
        }
        return p;
    }
}
