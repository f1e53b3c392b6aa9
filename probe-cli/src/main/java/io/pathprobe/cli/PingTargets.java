package io.pathprobe.cli;

import org.apache.commons.net.util.SubnetUtils;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The targets of {@code pathprobe ping} as typed: host names, IPv4 and IPv6 addresses, and IPv4 CIDR ranges
 * (expanded with commons-net {@link SubnetUtils} like fping's {@code -g}: network and broadcast addresses left
 * out, except in a /31 or /32). Pure: nothing is resolved here.
 */
final class PingTargets {
    /** Default cap on the number of targets, so that a typo such as /8 for /24 does not start 16 million sessions. */
    static final long DEFAULT_MAX_TARGETS = 65_536;
    /**
     * The highest {@code --max-targets}: 2^20 (a /12), the scale the engine is measured at (a million probes in
     * flight). Each target keeps its own session, statistics and text, so a million targets already needs about
     * 4 GB of heap; {@link #checkHeap} says so before anything starts.
     */
    static final long MAX_MAX_TARGETS = 1L << 20;
    /**
     * Heap per target at the start of a run, about twice what one holds after its first probes: a /16 of loopback
     * (65,534 targets, {@code -c 4 -i 1}) held 126.7 MB after a full collection in mid-run against 7.5 MB for one
     * target, 1.9 KB a target (2026-12-01, RTT counts by bucket since then; an empty HdrHistogram had taken 16.9 KB).
     * The rest is room for each target's buckets as its RTTs spread.
     */
    static final long HEAP_PER_TARGET = 4_000;

    private PingTargets() {
    }

    /**
     * Expands {@code args} into hosts, in order, duplicates removed.
     *
     * @param max the most targets allowed (from {@code --max-targets})
     * @throws UsageException naming the bad argument and what to write instead
     */
    static List<String> expand(List<String> args, long max) {
        Set<String> hosts = new LinkedHashSet<>();
        for (String arg : args) {
            String a = arg == null ? "" : arg.trim();
            if (a.indexOf('/') >= 0) {
                addRange(a, hosts, max);
            } else {
                hosts.add(host(a));
            }
            checkCount(hosts.size(), max, arg);
        }
        return new ArrayList<>(hosts);
    }

    private static String host(String arg) {
        TargetSpec spec;
        try {
            spec = TargetSpec.parse(arg);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        if (!spec.ports().isEmpty()) {
            throw new UsageException("target '" + arg + "': ping takes no port: give the host alone (" + spec.host()
                    + "), or use 'pathprobe tcp " + arg + "' to probe a port");
        }
        return spec.host();
    }

    private static void addRange(String cidr, Set<String> hosts, long max) {
        if (cidr.indexOf(':') >= 0) {
            throw new UsageException("'" + cidr + "': IPv6 ranges are not supported (too many addresses to sweep):"
                    + " give IPv6 addresses one by one");
        }
        SubnetUtils subnet;
        try {
            subnet = new SubnetUtils(cidr);
        } catch (IllegalArgumentException e) {
            throw new UsageException("'" + cidr + "' is not an IPv4 range in CIDR notation: write e.g. 10.0.0.0/24", e);
        }
        int prefix = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1).trim());
        subnet.setInclusiveHostCount(prefix >= 31); // RFC 3021 /31 links and single /32 hosts have no broadcast
        // Counted here in a long, before expanding (a /8 would be 16 million strings; a /0 overflows an int).
        long count = prefix >= 31 ? 1L << (32 - prefix) : (1L << (32 - prefix)) - 2;
        checkCount(hosts.size() + count, max, cidr);
        for (String a : subnet.getInfo().iterableAddressStrings()) {
            hosts.add(a);
        }
    }

    /**
     * Whether {@code targets} targets are probed in rounds by one scheduler ({@link io.pathprobe.core.MultiTargetSession})
     * rather than a session each: with more than one, so that a sweep costs one pacing clock, not one timer per target.
     */
    static boolean inRounds(int targets) {
        return targets > 1;
    }

    /**
     * {@code --max-targets} as given: a whole number from 1 to {@link #MAX_MAX_TARGETS}.
     *
     * @throws UsageException naming the value and the range
     */
    static long maxTargets(String text) {
        if (text == null) {
            return DEFAULT_MAX_TARGETS;
        }
        long max = SessionOptions.wholeNumber("--max-targets", text);
        if (max < 1) {
            throw new UsageException("--max-targets " + max + " must be at least 1");
        }
        if (max > MAX_MAX_TARGETS) {
            throw new UsageException("--max-targets " + max + " is more than " + MAX_MAX_TARGETS + " (a /12), the "
                    + "most one run can hold: split the sweep into several runs");
        }
        return max;
    }

    /**
     * Refuses {@code targets} sessions that would not fit in {@code maxHeapBytes} (the JVM's -Xmx), so that a big
     * sweep ends in one line now rather than in an OutOfMemoryError later.
     */
    static void checkHeap(long targets, long maxHeapBytes) {
        long need = targets * HEAP_PER_TARGET;
        if (need > maxHeapBytes * 3 / 4) { // the rest: the engine, its buffers, the output
            throw new UsageException(targets + " targets need about " + (need >> 20) + " MB of heap and this JVM "
                    + "has " + (maxHeapBytes >> 20) + " MB: narrow the ranges, or give java a larger -Xmx");
        }
    }

    private static void checkCount(long count, long max, String arg) {
        if (count > max) {
            throw new UsageException("'" + arg + "' brings the targets to " + count + ", more than --max-targets "
                    + max + ": narrow the range, or raise --max-targets if you mean it");
        }
    }
}
