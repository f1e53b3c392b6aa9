package io.pathprobe.cli;

import io.pathprobe.core.ProbeRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The target:port pairs of a {@code pathprobe tcp} run, kept as each target's first request and its ports: a pair's
 * own request ({@link ProbeRequest#withPort}) is made when it is probed. Building all 65,535 of a sweep up front
 * held the first connect back by 16-19 ms of a cold JVM (and a /16 sweep would hold millions), where the event
 * loops now make each as they start it.
 */
final class SweepPairs {
    private final List<ProbeRequest> firsts = new ArrayList<>();
    private final List<int[]> ports = new ArrayList<>();
    /** Index of each target's first pair; grows with {@link #add}. */
    private int[] starts = new int[8];
    private int size;
    /** Whether the pairs are one target's ports counting up by one from {@link #firstPort} (set by {@link #add}). */
    private boolean oneRun;
    private int firstPort;

    /** Adds a target: {@code first} (a request to one of {@code targetPorts}) and every port to probe there. */
    void add(ProbeRequest first, List<Integer> targetPorts) {
        int[] p = new int[targetPorts.size()];
        for (int k = 0; k < p.length; k++) {
            p[k] = targetPorts.get(k);
        }
        if (firsts.size() == starts.length) {
            starts = Arrays.copyOf(starts, starts.length * 2);
        }
        starts[firsts.size()] = size;
        firsts.add(first);
        ports.add(p);
        size = Math.addExact(size, p.length);
        boolean run = firsts.size() == 1 && p.length > 0;
        for (int k = 1; run && k < p.length; k++) {
            run = p[k] == p[k - 1] + 1;
        }
        oneRun = run;
        firstPort = run ? p[0] : 0;
    }

    /** How many pairs. */
    int size() {
        return size;
    }

    /** How many targets ({@link #add} calls). */
    int targets() {
        return firsts.size();
    }

    /** Pair {@code i}'s request, made now. */
    ProbeRequest get(int i) {
        int t = target(i);
        return firsts.get(t).withPort(ports.get(t)[i - starts[t]]);
    }

    /** Pair {@code i}'s port. */
    int port(int i) {
        int t = target(i);
        return ports.get(t)[i - starts[t]];
    }

    /** The request a target's pairs share all but the port of: its host, address, timeout and vantage point. */
    ProbeRequest first(int target) {
        return firsts.get(target);
    }

    /** The index of target {@code t}'s first pair; its pairs run to the next target's. */
    int start(int t) {
        return starts[t];
    }

    /** How many pairs target {@code t} has. */
    int pairs(int t) {
        return ports.get(t).length;
    }

    /** How many distinct hosts the targets name. */
    long hosts() {
        Set<String> hosts = new LinkedHashSet<>();
        for (ProbeRequest r : firsts) {
            hosts.add(r.host());
        }
        return hosts.size();
    }

    /** Every pair's request, in order (a run that is not a sweep: a session each). */
    List<ProbeRequest> toList() {
        List<ProbeRequest> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(get(i));
        }
        return all;
    }

    /**
     * Pair index of a probe of {@code port} when the pairs are one target's ascending run of ports (a sweep of one
     * host, -p 1-65535): then a port names its pair, and a sweep needs no completion stage per pair to know which
     * ended. -1 otherwise (several targets, or ports not one run: a port may then name several pairs).
     */
    int indexOfPort(int port) {
        int i = port - firstPort;
        return oneRun && i >= 0 && i < size ? i : -1;
    }

    /** The target pair {@code i} belongs to. */
    private int target(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("pair " + i + " of " + size);
        }
        int n = firsts.size();
        if (n == 1) {
            return 0;
        }
        int t = Arrays.binarySearch(starts, 0, n, i);
        if (t >= 0) {
            while (t + 1 < n && starts[t + 1] == i) {
                t++; // a target without ports shares its start with the next: never the one a pair belongs to
            }
            return t;
        }
        return -t - 2;
    }
}
