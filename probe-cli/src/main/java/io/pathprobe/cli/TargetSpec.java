package io.pathprobe.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A target as typed on the command line: {@code HOST}, {@code HOST:PORTS}, {@code [IPV6]:PORTS} or a bare IPv6
 * literal, where PORTS is a comma-separated list of ports and {@code FROM-TO} ranges ({@code 80,443,8000-8010}).
 * Parsing is pure (no name resolution).
 *
 * @param host  the host name or address literal, without brackets
 * @param ports the ports given with the target, in the order given, duplicates removed; empty when none was given
 */
record TargetSpec(String host, List<Integer> ports) {
    static final int MAX_PORT = 65535;

    TargetSpec {
        ports = List.copyOf(ports);
    }

    /**
     * Parses one target argument.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text} and how to write it
     */
    static TargetSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty target: give HOST or HOST:PORTS, e.g. 10.0.0.1:80");
        }
        if (t.startsWith("[")) {
            return parseBracketed(t);
        }
        int first = t.indexOf(':');
        if (first < 0) {
            return new TargetSpec(checkHost(t, t), List.of());
        }
        if (first != t.lastIndexOf(':')) {
            // Several colons without brackets: an IPv6 literal, which cannot carry a port this way.
            return new TargetSpec(checkHost(t, t), List.of());
        }
        String host = t.substring(0, first);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("target '" + t + "' has no host before ':': write HOST:PORTS, e.g. 10.0.0.1:80");
        }
        return new TargetSpec(checkHost(host, t), portsOf(t.substring(first + 1), t));
    }

    private static TargetSpec parseBracketed(String t) {
        int close = t.indexOf(']');
        if (close < 0) {
            throw new IllegalArgumentException("target '" + t + "' has '[' without ']': write an IPv6 address with a port as [::1]:22");
        }
        String host = t.substring(1, close);
        if (host.indexOf(':') < 0) {
            throw new IllegalArgumentException("target '" + t + "': brackets are only for IPv6 addresses, e.g. [::1]:22; write other hosts without them");
        }
        String rest = t.substring(close + 1);
        if (rest.isEmpty()) {
            return new TargetSpec(checkHost(host, t), List.of());
        }
        if (rest.charAt(0) != ':') {
            throw new IllegalArgumentException("target '" + t + "' has '" + rest + "' after ']': write [IPV6]:PORTS, e.g. [::1]:22");
        }
        return new TargetSpec(checkHost(host, t), portsOf(rest.substring(1), t));
    }

    private static List<Integer> portsOf(String ports, String target) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("target '" + target + "' has no port after ':': write HOST:PORTS, e.g. " + target + "80");
        }
        try {
            return parsePorts(ports);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("target '" + target + "': " + e.getMessage(), e);
        }
    }

    private static String checkHost(String host, String target) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (Character.isWhitespace(c) || c == '[' || c == ']' || c == '/' || c == ',') {
                throw new IllegalArgumentException("target '" + target + "': host '" + host
                        + "' contains '" + c + "': give a host name or an IP address");
            }
        }
        return host;
    }

    /**
     * Parses a port list such as {@code 80}, {@code 80,443} or {@code 8000-8010,9000}. Duplicates are removed,
     * keeping the first occurrence.
     *
     * @throws IllegalArgumentException naming the bad entry and how to write it
     */
    static List<Integer> parsePorts(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty port list: give ports such as 80 or 80,443 or 8000-8010");
        }
        // In order, each port once; a table of seen ports rather than a set of boxed ones (1-65535: 65,535 boxes
        // and hash entries took 5-9 ms of a cold sweep's start).
        List<Integer> ports = new ArrayList<>();
        boolean[] seen = new boolean[MAX_PORT + 1];
        for (String raw : t.split(",", -1)) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty entry in port list '" + t + "': separate ports with single commas, e.g. 80,443");
            }
            int dash = item.indexOf('-');
            if (dash < 0) {
                add(ports, seen, port(item, item));
                continue;
            }
            String from = item.substring(0, dash);
            String to = item.substring(dash + 1);
            if (from.isEmpty() || to.isEmpty()) {
                throw new IllegalArgumentException("port range '" + item + "' needs both ends: write FROM-TO, e.g. 8000-8010");
            }
            int lo = port(from, item);
            int hi = port(to, item);
            if (lo > hi) {
                throw new IllegalArgumentException("port range '" + item + "' runs backwards: write the lower port first, e.g. "
                        + hi + "-" + lo);
            }
            for (int p = lo; p <= hi; p++) {
                add(ports, seen, p);
            }
        }
        return ports;
    }

    private static void add(List<Integer> ports, boolean[] seen, int port) {
        if (!seen[port]) {
            seen[port] = true;
            ports.add(port);
        }
    }

    private static int port(String digits, String item) {
        String d = digits.trim();
        if (d.isEmpty() || !d.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + item + "' is not a port: use numbers 1 to " + MAX_PORT
                    + ", lists (80,443) and ranges (8000-8010)");
        }
        // Compare as text length first so that huge numbers do not overflow.
        String stripped = d.replaceFirst("^0+(?=.)", "");
        if (stripped.length() > 5 || Integer.parseInt(stripped) > MAX_PORT || Integer.parseInt(stripped) < 1) {
            throw new IllegalArgumentException("port " + stripped + " is out of range: use 1 to " + MAX_PORT);
        }
        return Integer.parseInt(stripped);
    }
}
