package io.pathprobe.mtr;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.icmp.EchoReply;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/** Builds traces by hand for network-free tests. */
final class Traces {
    static final long MS = 1_000_000;
    static final Instant START = Instant.parse("2024-05-01T10:00:00Z");

    private Traces() {
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static TraceHeader info(ProbeMode mode, String target, int paths) {
        return new TraceHeader(target, ip(target), "client", mode, mode == ProbeMode.ICMP ? 0 : 80, 0, 64, 1, 30, 10,
                paths, START);
    }

    static TraceStatistics trace(ProbeMode mode, String target, int paths) {
        return new TraceStatistics(info(mode, target, paths), f -> "flow " + f, 0);
    }

    /** An ICMP trace to 10.0.3.2 on one flow. */
    static TraceStatistics icmp() {
        return trace(ProbeMode.ICMP, "10.0.3.2", 1);
    }

    static ProbeOutcome router(String addr, double ms) {
        return new ProbeOutcome.TtlExceeded((long) (ms * MS), ip(addr), 0);
    }

    static ProbeOutcome reply(String addr, double ms) {
        return new EchoReply((long) (ms * MS), ip(addr), 60, 64);
    }

    static ProbeOutcome timeout() {
        return new ProbeOutcome.TimedOut(2000 * MS);
    }

    /** Sends one probe on {@code flow} at {@code ttl} and records {@code outcome} for it. */
    static void probe(TraceStatistics t, int flow, int ttl, ProbeOutcome outcome) {
        t.recordSent(flow, ttl);
        t.recordOutcome(flow, ttl, outcome);
    }

    /**
     * {@code n} probes at {@code ttl} of which {@code lost} time out, the others answered by {@code addr}
     * (a router, or the target when {@code addr} is the target) after {@code ms}; lost ones spread evenly.
     */
    static void hop(TraceStatistics t, int ttl, String addr, int n, int lost, double ms) {
        boolean dest = ip(addr).equals(t.info().targetAddress());
        for (int i = 0; i < n; i++) {
            // Probe i is lost when the running share of losses falls behind lost/n.
            boolean lose = (long) (i + 1) * lost / n > (long) i * lost / n;
            probe(t, 0, ttl, lose ? timeout() : dest ? reply(addr, ms) : router(addr, ms));
        }
    }

    /** {@code n} probes at {@code ttl}, all unanswered. */
    static void silent(TraceStatistics t, int ttl, int n) {
        for (int i = 0; i < n; i++) {
            probe(t, 0, ttl, timeout());
        }
    }
}
