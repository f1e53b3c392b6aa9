package io.pathprobe.ticket;

import java.time.Duration;

/**
 * The bounds of one {@link TicketCapture}, checked by its builder, so that a typo (ports 1-65535 for 1-65) cannot
 * turn a ticket capture into a port scan of a production VIP or a report nobody can open.
 *
 * <ul>
 * <li>{@value #MAX_PORTS} ports: a load balancer's VIP has a handful of listeners. Each port costs a TCP check and a
 *     TCP-mode trace (up to a probe per TTL each round), so 64 ports at the defaults are about 2,000 probes a second
 *     from each vantage point, and the report about 130 charts and tables.</li>
 * <li>{@link #MAX_DURATION} (24 hours): a ticket is evidence for a case; longer is monitoring
 *     ({@code pathprobe mtr --out} keeps constant memory for that).</li>
 * <li>{@link #MIN_INTERVAL} (100 ms) between pings, TCP connects and trace rounds: ten per second is plenty of
 *     evidence and stays clear of DDoS protection. (The command line asks for 200 ms, ping's old floor.)</li>
 * <li>{@value #MAX_OUTCOMES} probe outcomes in all, each a line of {@code events.jsonl} (about 150 bytes), so the
 *     bundle stays under about 2 GB. Counted from the plan: per vantage point and round of each check, one ping,
 *     one connect per port, and {@code maxTtl} probes per trace (the ICMP one and one per port).</li>
 * <li>{@value #MAX_INSTANCE_ID} characters of instance ID (free text is written out on one line in the text
 *     reports whatever it holds).</li>
 * </ul>
 * The samples kept for the charts are bounded as well ({@code SeriesRecorder.MAX_SAMPLES} per series, thinned
 * evenly beyond that), and the HTML
 * report draws each chart in a fixed number of columns, whatever the duration.
 */
public final class CaptureLimits {
    /** The most listener ports one capture checks. */
    public static final int MAX_PORTS = 64;
    /** The longest capture. */
    public static final Duration MAX_DURATION = Duration.ofHours(24);
    /** The shortest interval between the probes of one check, and between trace rounds. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** The most probe outcomes a capture may plan for (each a line of {@code events.jsonl}). */
    public static final long MAX_OUTCOMES = 12_000_000;

    /** The longest instance ID: cloud load balancer IDs and ARNs are well under this. */
    public static final int MAX_INSTANCE_ID = 256;

    private CaptureLimits() {
    }

    static String instanceId(String id) {
        if (id.length() > MAX_INSTANCE_ID) {
            throw new IllegalArgumentException("instance ID of " + id.length() + " characters is longer than "
                    + MAX_INSTANCE_ID + ": give the load balancer's ID or name");
        }
        return id;
    }

    static void ports(int count) {
        if (count > MAX_PORTS) {
            throw new IllegalArgumentException(count + " listener ports are more than the " + MAX_PORTS + " a capture "
                    + "checks (each gets a TCP check and a TCP trace; this is not a port scanner): give the "
                    + "listeners of the load balancer only");
        }
    }

    static Duration duration(Duration d) {
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration " + d.toHours() + " h is longer than the "
                    + MAX_DURATION.toHours() + " h a capture runs: capture the hours that matter, or use "
                    + "'pathprobe mtr --out' to monitor");
        }
        return d;
    }

    static Duration interval(Duration d, String what) {
        if (d.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException(what + " " + d.toMillis() + " ms is shorter than the "
                    + MIN_INTERVAL.toMillis() + " ms a capture allows: more probes add no evidence and can look like "
                    + "a flood to the provider's DDoS protection");
        }
        return d;
    }

    /** The outcomes a capture plans for; throws when above {@link #MAX_OUTCOMES}. */
    static long outcomes(int vantagePoints, int ports, Duration duration, Duration pingInterval,
                         Duration tcpInterval, Duration traceInterval, int maxTtl, boolean traces) {
        double perVantage = rounds(duration, pingInterval) + (double) ports * rounds(duration, tcpInterval)
                + (traces ? (ports + 1.0) * maxTtl * rounds(duration, traceInterval) : 0);
        double total = perVantage * vantagePoints;
        if (total > MAX_OUTCOMES) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "this capture would record about "
                    + "%,.0f probe outcomes (%d vantage point%s, %d port%s, %d s), more than the %,d a capture keeps "
                    + "(about 2 GB of events.jsonl): shorten the duration, check fewer ports or probe less often",
                    total, vantagePoints, vantagePoints == 1 ? "" : "s", ports, ports == 1 ? "" : "s",
                    duration.toSeconds(), MAX_OUTCOMES));
        }
        return (long) total;
    }

    private static double rounds(Duration duration, Duration interval) {
        return Math.max(1, Math.ceil((double) duration.toNanos() / interval.toNanos()));
    }
}
