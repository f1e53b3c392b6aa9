package io.pathprobe.mtr;

import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.stats.ProbeStatistics;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The running figures of one trace: per TTL, statistics of all probes and of each responding address, and the same
 * per flow identifier. Memory is fixed by the TTL range, the number of flows and {@link #MAX_ADDRESSES_PER_HOP},
 * not by the number of probes, so a capture may run for days. {@link Tracer} feeds it; it can also be fed by hand
 * (tests, replays). Thread-safe.
 */
public final class Trace {
    /** Addresses kept per hop and flow; replies from further ones are only counted. */
    public static final int MAX_ADDRESSES_PER_HOP = 16;

    private final TraceInfo info;
    private final IntFunction<String> flowLabels;
    private final Hop[] all;
    private final Hop[][] perFlow;
    private final long startNanos;
    private long rounds;
    private boolean finished;
    private long endNanos;

    /**
     * @param info       what the trace does (TTL range, number of flows, target)
     * @param flowLabels how each flow number is identified on the wire, for output
     * @param startNanos {@link System#nanoTime()} at the start, for {@link TraceSnapshot#elapsed()}
     */
    public Trace(TraceInfo info, IntFunction<String> flowLabels, long startNanos) {
        this.info = Objects.requireNonNull(info, "info");
        this.flowLabels = Objects.requireNonNull(flowLabels, "flowLabels");
        this.startNanos = startNanos;
        this.all = new Hop[info.maxTtl() + 1];
        this.perFlow = new Hop[info.paths()][info.maxTtl() + 1];
        for (int t = info.firstTtl(); t <= info.maxTtl(); t++) {
            all[t] = new Hop();
            for (int f = 0; f < info.paths(); f++) {
                perFlow[f][t] = new Hop();
            }
        }
    }

    public TraceInfo info() {
        return info;
    }

    /** A new round starts (for the round count in snapshots). */
    public synchronized void recordRound() {
        rounds++;
    }

    /** A probe with {@code ttl} on flow {@code flow} was sent. */
    public synchronized void recordSent(int flow, int ttl) {
        check(flow, ttl);
        all[ttl].stats.recordSent();
        perFlow[flow][ttl].stats.recordSent();
    }

    /** The outcome of a probe sent with {@link #recordSent}. */
    public synchronized void recordOutcome(int flow, int ttl, ProbeOutcome outcome) {
        check(flow, ttl);
        Objects.requireNonNull(outcome, "outcome");
        Role role = role(info.mode(), info.targetAddress(), outcome);
        InetAddress responder = answeredBy(role, info.targetAddress(), outcome);
        all[ttl].record(role, responder, outcome);
        perFlow[flow][ttl].record(role, responder, outcome);
    }

    /** Marks the trace ended: later snapshots say not running, and the elapsed time stops. */
    public synchronized void finish(long nowNanos) {
        if (!finished) {
            finished = true;
            endNanos = nowNanos;
        }
    }

    /**
     * The highest TTL worth probing now: the lowest TTL at which the destination answered or a router reported it
     * unreachable, else the max TTL. TTLs beyond the destination only repeat its answer.
     */
    public synchronized int probeLimit() {
        int end = end(all);
        return end > 0 ? end : info.maxTtl();
    }

    /** The figures now. */
    public synchronized TraceSnapshot snapshot() {
        long now = finished ? endNanos : System.nanoTime();
        List<PathSnapshot> paths = new ArrayList<>(info.paths());
        for (int f = 0; f < info.paths(); f++) {
            paths.add(new PathSnapshot(f, flowLabels.apply(f), table(perFlow[f])));
        }
        return new TraceSnapshot(info, !finished, rounds, Duration.ofNanos(Math.max(0, now - startNanos)),
                table(all), paths);
    }

    private void check(int flow, int ttl) {
        if (flow < 0 || flow >= info.paths()) {
            throw new IllegalArgumentException("flow " + flow + " is out of range 0.." + (info.paths() - 1));
        }
        if (ttl < info.firstTtl() || ttl > info.maxTtl()) {
            throw new IllegalArgumentException("ttl " + ttl + " is out of range " + info.firstTtl() + ".." + info.maxTtl());
        }
    }

    /** The first TTL whose answers end the path (destination or unreachable), 0 when none did. */
    private int end(Hop[] hops) {
        for (int t = info.firstTtl(); t <= info.maxTtl(); t++) {
            if (hops[t].destinationAnswers > 0 || hops[t].unreachableAnswers > 0) {
                return t;
            }
        }
        return 0;
    }

    /** The hops as mtr shows them (ui/net.c {@code net_max}), with why they end and the loss analysis. */
    private HopTable table(Hop[] hops) {
        int lastResponding = 0;
        for (int t = info.firstTtl(); t <= info.maxTtl(); t++) {
            if (hops[t].replies > 0) {
                lastResponding = t;
            }
        }
        int end = end(hops);
        int last;
        StopReason stop;
        if (end > 0) {
            last = end;
            Hop h = hops[end];
            lastResponding = Math.min(lastResponding, end);
            if (h.destinationAnswers > 0) {
                stop = new StopReason(StopReason.Kind.DESTINATION_REACHED, end, lastResponding, info.targetAddress(), "");
            } else {
                stop = new StopReason(StopReason.Kind.UNREACHABLE, end, lastResponding, h.unreachableFrom, h.unreachable);
            }
        } else {
            last = Math.max(info.firstTtl(), Math.min(info.maxTtl(), lastResponding + 1));
            stop = finished
                    ? new StopReason(StopReason.Kind.MAX_TTL_REACHED, info.maxTtl(), lastResponding, null, "")
                    : new StopReason(StopReason.Kind.RUNNING, 0, lastResponding, null, "");
        }
        List<HopSnapshot> list = new ArrayList<>();
        for (int t = info.firstTtl(); t <= last; t++) {
            list.add(hops[t].snapshot(t));
        }
        return LossAnalysis.table(list, stop);
    }

    /** What an outcome says about the hop it was sent to. */
    enum Role {
        /** Nothing answered. */
        SILENT,
        /** A router on the way answered (Time Exceeded). */
        ROUTER,
        /** The destination answered. */
        DESTINATION,
        /** A router (or the local host) said the destination cannot be reached. */
        UNREACHABLE
    }

    static Role role(ProbeMode mode, InetAddress target, ProbeOutcome o) {
        if (o instanceof ProbeOutcome.TtlExceeded) {
            return Role.ROUTER;
        }
        if (o instanceof ProbeOutcome.Reply || o instanceof ProbeOutcome.Connected || o instanceof ProbeOutcome.Refused) {
            return Role.DESTINATION;
        }
        if (o instanceof ProbeOutcome.Unreachable) {
            ProbeOutcome.Unreachable u = (ProbeOutcome.Unreachable) o;
            // A UDP probe is answered by the destination with "port unreachable": that is traceroute's arrival.
            boolean portUnreachable = u.responder() instanceof Inet6Address
                    ? u.icmpType() == IcmpCodes.ICMP6_DST_UNREACH && u.icmpCode() == 4
                    : u.icmpType() == IcmpCodes.ICMP_DEST_UNREACH && u.icmpCode() == 3;
            if ((mode == ProbeMode.UDP && portUnreachable) || target.equals(u.responder())) {
                return Role.DESTINATION;
            }
            return Role.UNREACHABLE;
        }
        return Role.SILENT;
    }

    /**
     * Who answered a probe, when its outcome counts as a reply at its hop (a router's Time Exceeded, the
     * destination's answer, an Unreachable, each with an RTT), else {@code null}. A TCP refusal may not name the
     * target, but it came from it.
     */
    static InetAddress answeredBy(Role role, InetAddress target, ProbeOutcome o) {
        if (role == Role.SILENT || o.rttNanos() < 0) {
            return null;
        }
        InetAddress r = o.responder();
        if (r == null && (o instanceof ProbeOutcome.Refused || o instanceof ProbeOutcome.Connected)) {
            return target;
        }
        return r;
    }

    /** The figures of one TTL (for all flows or one). */
    private static final class Hop {
        final ProbeStatistics stats = new ProbeStatistics();
        final Map<InetAddress, Address> addresses = new LinkedHashMap<>();
        long replies;
        long otherReplies;
        long destinationAnswers;
        long unreachableAnswers;
        String unreachable = "";
        InetAddress unreachableFrom;

        void record(Role role, InetAddress responder, ProbeOutcome o) {
            boolean answered = responder != null;
            stats.recordOutcome(o, answered);
            if (role == Role.DESTINATION) {
                destinationAnswers++;
            } else if (role == Role.UNREACHABLE) {
                unreachableAnswers++;
                unreachable = ((ProbeOutcome.Unreachable) o).describe();
                unreachableFrom = responder != null ? responder : o.responder();
            }
            if (!answered) {
                return;
            }
            replies++;
            Address a = addresses.get(responder);
            if (a == null && addresses.size() >= MAX_ADDRESSES_PER_HOP) {
                otherReplies++;
                return;
            }
            if (a == null) {
                a = new Address(responder);
                addresses.put(responder, a);
            }
            a.add(o.rttNanos());
        }

        HopSnapshot snapshot(int ttl) {
            List<AddressCount> list = new ArrayList<>(addresses.size());
            Address main = null;
            for (Address a : addresses.values()) {
                if (main == null || a.replies > main.replies) {
                    main = a;
                }
            }
            if (main != null) {
                list.add(main.snapshot());
            }
            for (Address a : addresses.values()) {
                if (a != main) {
                    list.add(a.snapshot());
                }
            }
            return new HopSnapshot(ttl, stats.snapshot(), list, otherReplies, destinationAnswers > 0, unreachable,
                    LossVerdict.TOO_FEW_PROBES);
        }
    }

    private static final class Address {
        final InetAddress address;
        long replies;
        double avg;
        long best = Long.MAX_VALUE;
        long worst;

        Address(InetAddress address) {
            this.address = address;
        }

        void add(long rtt) {
            replies++;
            avg += (rtt - avg) / replies;
            best = Math.min(best, rtt);
            worst = Math.max(worst, rtt);
        }

        AddressCount snapshot() {
            return new AddressCount(address, replies, avg, best, worst);
        }
    }
}
