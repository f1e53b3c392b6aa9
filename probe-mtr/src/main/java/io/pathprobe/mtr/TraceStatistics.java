package io.pathprobe.mtr;

import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.OutcomeAttribute;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.OutcomeType;
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
 * per flow identifier. Memory is bounded by the TTL range, the number of flows and {@link #MAX_ADDRESSES_PER_HOP},
 * not by the number of probes, so a capture may run for days; a TTL's figures are made when it is first probed, so
 * a trace that stops at the destination holds only the hops up to it. {@link Tracer} feeds it; it can also be fed by hand
 * (tests, replays). Thread-safe.
 */
public final class TraceStatistics {
    /** Addresses kept per hop and flow; replies from further ones are only counted. */
    public static final int MAX_ADDRESSES_PER_HOP = 16;

    private final TraceHeader info;
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
    public TraceStatistics(TraceHeader info, IntFunction<String> flowLabels, long startNanos) {
        this.info = Objects.requireNonNull(info, "info");
        this.flowLabels = Objects.requireNonNull(flowLabels, "flowLabels");
        this.startNanos = startNanos;
        this.all = new Hop[info.maxTtl() + 1];
        this.perFlow = new Hop[info.paths()][];
        for (int f = 0; f < info.paths(); f++) {
            // One flow's figures are those of all flows: share them rather than count every probe twice.
            perFlow[f] = info.paths() == 1 ? all : new Hop[info.maxTtl() + 1];
        }
    }

    /** The figures of TTL {@code ttl} in {@code hops}, made now if it had none (see the class comment). */
    private static Hop hopFor(Hop[] hops, int ttl) {
        Hop h = hops[ttl];
        if (h == null) {
            h = new Hop();
            hops[ttl] = h;
        }
        return h;
    }

    /** The figures of TTL {@code ttl} to read: {@link Hop#NONE} (never written) while it has none. */
    private static Hop hop(Hop[] hops, int ttl) {
        Hop h = hops[ttl];
        return h != null ? h : Hop.NONE;
    }

    public TraceHeader info() {
        return info;
    }

    /** A new round starts (for the round count in snapshots). */
    public synchronized void recordRound() {
        rounds++;
    }

    /** A probe with {@code ttl} on flow {@code flow} was sent now. */
    public void recordSent(int flow, int ttl) {
        recordSent(flow, ttl, System.nanoTime());
    }

    /**
     * A probe with {@code ttl} on flow {@code flow} was sent at {@code sentNanos} ({@link System#nanoTime()}, or any
     * clock of the same scale in replays): the span of a TTL's probes feeds the rate-limit reading of
     * {@link LossAnalysis}.
     */
    public synchronized void recordSent(int flow, int ttl, long sentNanos) {
        check(flow, ttl);
        Hop a = hopFor(all, ttl);
        a.sent(sentNanos);
        a.stats.recordSent();
        if (perFlow[flow] != all) {
            Hop f = hopFor(perFlow[flow], ttl);
            f.sent(sentNanos);
            f.stats.recordSent();
        }
    }

    /** The outcome of a probe sent with {@link #recordSent}. */
    public synchronized void recordOutcome(int flow, int ttl, ProbeOutcome outcome) {
        check(flow, ttl);
        Objects.requireNonNull(outcome, "outcome");
        Role role = role(info.mode(), info.targetAddress(), outcome);
        InetAddress responder = answeredBy(role, info.targetAddress(), outcome);
        Integer arrivalTtl = outcome.attribute(OutcomeAttribute.REPLY_TTL);
        int replyTtl = arrivalTtl == null ? -1 : arrivalTtl;
        Hop a = hopFor(all, ttl);
        if (role == Role.DESTINATION && replyTtl > 0) {
            a.inferredDistance = Math.min(a.inferredDistance, distanceFromReplyTtl(replyTtl));
        }
        a.record(role, responder, outcome);
        if (perFlow[flow] != all) {
            hopFor(perFlow[flow], ttl).record(role, responder, outcome);
        }
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

    /**
     * TTLs worth probing again before they are shown as {@code ???}, lowest first; empty when none. A TTL that never
     * answered may be the destination itself, when the destination declines some answers (Linux sends at most one
     * ICMP error per second to a peer after a burst of 6; a firewall may limit its answers too) and gave the one it
     * had to a probe with a higher TTL. So, when the destination answered at TTL d but lost probes there: the silent
     * TTLs directly below d, no lower than the distance its reply's IP TTL points to (when the reply carries it).
     * When no destination answered yet: the TTL just after the last responding hop. Only TTLs whose probes have all
     * ended count.
     */
    synchronized List<Integer> unresolvedTtls() {
        List<Integer> out = new ArrayList<>();
        int end = end(all);
        if (end > 0) {
            Hop d = hop(all, end);
            if (d.destinationAnswers == 0 || d.stats.dropped() == 0) {
                return out; // unreachable, or a destination that answers every probe: a silent TTL below is a router
            }
            int low = d.inferredDistance <= end ? Math.max(info.firstTtl(), d.inferredDistance) : info.firstTtl();
            for (int t = end - 1; t >= low && silent(hop(all, t)); t--) {
                out.add(0, t);
            }
            return out;
        }
        int lastResponding = 0;
        for (int t = info.firstTtl(); t <= info.maxTtl(); t++) {
            if (hop(all, t).replies > 0) {
                lastResponding = t;
            }
        }
        if (lastResponding > 0 && lastResponding < info.maxTtl() && silent(hop(all, lastResponding + 1))) {
            out.add(lastResponding + 1);
        }
        return out;
    }

    private static boolean silent(Hop h) {
        // the counters only: a snapshot's percentiles cost tens of microseconds, and every trace asks at its end
        return h.replies == 0 && h.stats.sent() > 0 && h.stats.inFlight() == 0;
    }

    /** Whether the destination has answered or a hop reported it unreachable. */
    synchronized boolean endKnown() {
        return end(all) > 0;
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
            Hop h = hop(hops, t);
            if (h.destinationAnswers > 0 || h.unreachableAnswers > 0) {
                return t;
            }
        }
        return 0;
    }

    /** The hops as mtr shows them (ui/net.c {@code net_max}), with why they end and the loss analysis. */
    private HopTable table(Hop[] hops) {
        int lastResponding = 0;
        for (int t = info.firstTtl(); t <= info.maxTtl(); t++) {
            if (hop(hops, t).replies > 0) {
                lastResponding = t;
            }
        }
        int end = end(hops);
        int last;
        StopReason stop;
        if (end > 0) {
            last = end;
            Hop h = hop(hops, end);
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
            list.add(hop(hops, t).snapshot(t));
        }
        Duration span = end > 0 && hop(hops, end).destinationAnswers > 0 ? hop(hops, end).span() : Duration.ZERO;
        return LossAnalysis.table(list, stop, info.mode(), span);
    }

    /**
     * How many hops away a host is whose reply arrived with IP TTL (hop limit) {@code received}: it sent with the
     * smallest common initial TTL not below it (64, 128 or 255, as Paris traceroute and scamper guess), each router
     * on the way back took one, and the host itself is one hop beyond the last router. Return paths may differ
     * from forward ones, so this is a hint, never a hop.
     */
    static int distanceFromReplyTtl(int received) {
        int initial = received <= 64 ? 64 : received <= 128 ? 128 : 255;
        return initial - received + 1;
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
        if (o.type() == OutcomeType.TTL_EXCEEDED) {
            return Role.ROUTER;
        }
        OutcomeCategory c = o.category();
        if (c == OutcomeCategory.ANSWERED || c == OutcomeCategory.REFUSED) {
            return Role.DESTINATION;
        }
        if (c == OutcomeCategory.PATH_ERROR) {
            // A UDP probe is answered by the destination with "port unreachable": that is traceroute's arrival.
            int type = o.attributes().getOr(OutcomeAttribute.ICMP_TYPE, -1);
            int code = o.attributes().getOr(OutcomeAttribute.ICMP_CODE, -1);
            boolean portUnreachable = o.responder() instanceof Inet6Address
                    ? type == IcmpCodes.ICMP6_DST_UNREACH && code == 4
                    : type == IcmpCodes.ICMP_DEST_UNREACH && code == 3;
            if ((mode == ProbeMode.UDP && portUnreachable) || target.equals(o.responder())) {
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
        if (r == null && (o.category() == OutcomeCategory.REFUSED || o.category() == OutcomeCategory.ANSWERED)) {
            return target;
        }
        return r;
    }

    /** The figures of one TTL (for all flows or one). */
    private static final class Hop {
        /** A TTL not probed yet: read, never written. */
        static final Hop NONE = new Hop();

        final ProbeStatistics stats = new ProbeStatistics();
        final Map<InetAddress, Address> addresses = new LinkedHashMap<>();
        long replies;
        long otherReplies;
        long destinationAnswers;
        long unreachableAnswers;
        String unreachable = "";
        InetAddress unreachableFrom;
        /** The lowest distance the destination's replies at this TTL point to ({@link #distanceFromReplyTtl}). */
        int inferredDistance = Integer.MAX_VALUE;
        long firstSentNanos;
        long lastSentNanos;
        boolean anySent;

        void sent(long nanos) {
            if (!anySent) {
                anySent = true;
                firstSentNanos = nanos;
            }
            lastSentNanos = nanos;
        }

        Duration span() {
            return anySent ? Duration.ofNanos(Math.max(0, lastSentNanos - firstSentNanos)) : Duration.ZERO;
        }

        void record(Role role, InetAddress responder, ProbeOutcome o) {
            boolean answered = responder != null;
            stats.recordOutcome(o, answered);
            if (role == Role.DESTINATION) {
                destinationAnswers++;
            } else if (role == Role.UNREACHABLE) {
                unreachableAnswers++;
                unreachable = o.detail() != null ? o.detail() : o.type().label();
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
