package io.pathprobe.agent.policy;

import java.util.ArrayList;
import java.util.List;

/** The ports of an allow rule: sorted, merged ranges; {@link #ALL} when a rule names none. */
final class PortList {
    static final PortList ALL = new PortList(new int[] {1, 65535});

    private final int[] ranges; // lo0, hi0, lo1, hi1, ... sorted and disjoint

    private PortList(int[] ranges) {
        this.ranges = ranges;
    }

    /** Parses {@code 80,443,8000-8100}; {@code rule} names the rule in messages. */
    static PortList parse(String text, String rule) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": the port list after ':' is"
                    + " empty: give ports and ranges, e.g. 80,443,8000-8100, or leave out ':' for all ports");
        }
        List<int[]> items = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            int dash = item.indexOf('-');
            int lo = port(dash < 0 ? item : item.substring(0, dash), item, rule);
            int hi = dash < 0 ? lo : port(item.substring(dash + 1), item, rule);
            if (hi < lo) {
                throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": port range "
                        + Literals.quote(item) + " runs backwards: write it low-high, e.g. " + hi + "-" + lo);
            }
            items.add(new int[] {lo, hi});
        }
        items.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : items) {
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r.clone());
            }
        }
        int[] flat = new int[merged.size() * 2];
        for (int i = 0; i < merged.size(); i++) {
            flat[2 * i] = merged.get(i)[0];
            flat[2 * i + 1] = merged.get(i)[1];
        }
        return new PortList(flat);
    }

    private static int port(String s, String item, String rule) {
        if (!s.matches("[1-9][0-9]{0,4}") || Integer.parseInt(s) > 65535) {
            throw new IllegalArgumentException("allow rule " + Literals.quote(rule) + ": " + Literals.quote(item)
                    + " is not a port or a port range: use numbers from 1 to 65535, e.g. 443 or 8000-8100");
        }
        return Integer.parseInt(s);
    }

    boolean contains(int port) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (port >= ranges[i] && port <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    boolean isAll() {
        return ranges.length == 2 && ranges[0] == 1 && ranges[1] == 65535;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ranges.length; i += 2) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(ranges[i]);
            if (ranges[i + 1] != ranges[i]) {
                sb.append('-').append(ranges[i + 1]);
            }
        }
        return sb.toString();
    }
}
