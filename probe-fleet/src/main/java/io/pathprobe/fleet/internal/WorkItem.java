package io.pathprobe.fleet.internal;

import io.pathprobe.ticket.internal.Addresses;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One work item of a shared job, as it travels to a queue group: targets ({@code ADDR:PORT}, IPv6 as
 * {@code [ADDR]:PORT}) each probed once with a TCP connect, at {@code probesPerSecond}.
 *
 * @param job             the job's id (a subject token)
 * @param item            the item's number in its job
 * @param attempt         1 for the first dispatch, 2 after the first agent was lost, ...
 * @param targets         the targets
 * @param probesPerSecond the pace
 * @param timeoutMs       how long each connect waits
 */
public record WorkItem(String job, int item, int attempt, List<String> targets, double probesPerSecond,
                       long timeoutMs) {
    public WorkItem {
        targets = List.copyOf(targets);
        if (targets.isEmpty() || probesPerSecond <= 0 || timeoutMs <= 0) {
            throw new IllegalArgumentException("a work item needs targets, a positive rate and a positive timeout");
        }
    }

    /**
     * The targets as addresses (literals only: names are resolved by the coordinator before a job is split).
     *
     * @throws IllegalArgumentException naming a target that is not ADDR:PORT
     */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>(targets.size());
        for (String t : targets) {
            out.add(parse(t));
        }
        return out;
    }

    /** {@code ADDR:PORT} or {@code [V6]:PORT} with a literal address. */
    public static InetSocketAddress parse(String t) {
        int colon = t.lastIndexOf(':');
        String host = colon < 0 ? t : t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress a = colon < 0 ? null : Addresses.literal(host);
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (a == null || port < 1 || port > 65535) {
            throw new IllegalArgumentException("target '" + t + "' is not ADDR:PORT with an address literal and a"
                    + " port 1-65535");
        }
        return new InetSocketAddress(a, port);
    }
}
