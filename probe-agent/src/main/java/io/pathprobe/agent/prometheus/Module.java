package io.pathprobe.agent.prometheus;

import io.pathprobe.core.ProbeEngine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@code /probe} scrape (or one continuous series) sends: a prober, how many packets and how they are
 * paced. Modules come only from the configuration file and the built-ins ({@link #builtIns()}), never from a
 * request, so a scraper cannot make the agent send more than its operator allowed.
 *
 * @param name          the name a scrape asks for ({@code module=})
 * @param prober        what is sent
 * @param packets       ICMP echoes or TCP connects per probe (for {@code mtr}: rounds of the trace)
 * @param interval      time between packets; shortened when the scrape's time budget is smaller
 * @param packetTimeout how long one packet waits for its answer (capped at half the budget)
 * @param timeout       the longest a probe of this module may take (the scrape's budget is capped by it)
 * @param family        4 or 6 to prefer that IP family (blackbox's {@code preferred_ip_protocol}), 0 for the
 *                      resolver's first address
 * @param maxTtl        the highest TTL an {@code mtr} trace probes (the bound of its {@code ttl} label)
 */
public record Module(String name, Prober prober, int packets, Duration interval, Duration packetTimeout,
                     Duration timeout, int family, int maxTtl) {
    /** Most packets (or rounds) one probe may send: a scrape is a sample, not a load test. */
    public static final int MAX_PACKETS = 1000;
    /** Highest {@code max_ttl}: bounds the traceroute metrics' {@code ttl} label. */
    public static final int MAX_TTL = 64;

    /** The probers a module can use. */
    public enum Prober {
        ICMP, TCP, MTR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code icmp}, {@code tcp} or {@code mtr}. */
        public static Prober parse(String s) {
            for (Prober p : values()) {
                if (p.label().equals(s)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown prober '" + s + "' (known: icmp, tcp, mtr)");
        }
    }

    public Module {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prober, "prober");
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("module name '" + name + "' must be 1 to 64 letters, digits, '_', '.'"
                    + " or '-'");
        }
        if (packets < 1 || packets > MAX_PACKETS) {
            throw new IllegalArgumentException("packets " + packets + " must be 1 to " + MAX_PACKETS);
        }
        positive(interval, "interval");
        if (interval.compareTo(ProbeEngine.MIN_UNPRIVILEGED_INTERVAL) < 0) {
            throw new IllegalArgumentException("interval " + interval.toNanos() / 1e6 + " ms is below the "
                    + ProbeEngine.MIN_UNPRIVILEGED_INTERVAL.toMillis() + " ms an agent without root may use");
        }
        positive(packetTimeout, "packet_timeout");
        positive(timeout, "timeout");
        if (packetTimeout.compareTo(timeout) > 0) {
            throw new IllegalArgumentException("packet_timeout " + packetTimeout.toMillis() + " ms is longer than the"
                    + " module's timeout " + timeout.toMillis() + " ms");
        }
        if (family != 0 && family != 4 && family != 6) {
            throw new IllegalArgumentException("family must be 4, 6 or 0 (any)");
        }
        if (maxTtl < 1 || maxTtl > MAX_TTL) {
            throw new IllegalArgumentException("max_ttl " + maxTtl + " must be 1 to " + MAX_TTL);
        }
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, e.g. 500ms or 2s");
        }
    }

    /**
     * The modules every agent has: {@code icmp} (5 echoes), {@code tcp_connect} (5 connects to the target's port)
     * and {@code mtr} (one ICMP trace of 10 rounds) — blackbox_exporter's example names where it has them.
     */
    public static Map<String, Module> builtIns() {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put("icmp", new Module("icmp", Prober.ICMP, 5, Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ofSeconds(5), 0, 30));
        m.put("tcp_connect", new Module("tcp_connect", Prober.TCP, 5, Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ofSeconds(5), 0, 30));
        m.put("mtr", new Module("mtr", Prober.MTR, 10, Duration.ofMillis(250), Duration.ofSeconds(1),
                Duration.ofSeconds(10), 0, 30));
        return m;
    }

    /**
     * How a probe of this module is paced within {@code budget}: the packet timeout at most half of it, and the
     * interval shortened so the last packet still has its timeout before the budget ends.
     */
    Pacing pace(Duration budget) {
        long b = budget.toNanos();
        long pt = Math.min(packetTimeout.toNanos(), b / 2);
        long iv = interval.toNanos();
        if (packets > 1) {
            iv = Math.min(iv, (b - pt) / (packets - 1));
        }
        // The engine's floor without root; a budget too small for it ends the probe at its deadline instead.
        iv = Math.max(iv, ProbeEngine.MIN_UNPRIVILEGED_INTERVAL.toNanos());
        return new Pacing(Duration.ofNanos(Math.max(1, pt)), Duration.ofNanos(iv));
    }

    record Pacing(Duration packetTimeout, Duration interval) {
    }
}
