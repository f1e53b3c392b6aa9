package io.pathprobe.mtr;

import io.pathprobe.core.NameResolver;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.RepeatedRun;
import io.pathprobe.core.Repetition;
import io.pathprobe.core.UnresolvedHostException;
import io.pathprobe.icmp.IcmpOptions;
import io.pathprobe.udp.UdpOptions;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A running trace, mtr-style: every round sends one probe per TTL (and per flow) through the {@link ProbeEngine}
 * without waiting for answers, rounds start at the configured interval, and TTLs beyond the destination (or beyond
 * a hop that reported it unreachable) are no longer probed once it has answered. While the destination is unknown a
 * round's TTLs go out in ascending order a little apart and stop at the destination (see {@link #rampFrom}); after
 * the last round, a silent TTL that may be the destination is probed again before it is shown as {@code ???}
 * (see {@link #reprobe}). Figures accumulate in a {@link TraceStatistics};
 * read them any time with {@link #snapshot()} and print them with {@link MtrReport}, {@link MtrJson} or
 * {@link MtrCsv}.
 *
 * <pre>{@code
 * try (ProbeEngine engine = ProbeEngine.create()) {
 *     Tracer t = Tracer.start(engine, TraceConfig.builder("10.0.3.2").count(10).build(), TraceListener.NONE);
 *     System.out.print(MtrReport.format(t.completion().join(), FormatOptions.defaults()));
 * }
 * }</pre>
 *
 * The trace ends when the count of rounds has been sent and every probe has ended, when the duration passes, on
 * {@link #stop()}, or when the engine closes; at a stop, probes in flight are left out of the loss (mtr's rule).
 * Rounds run on the engine's scheduler ({@link ProbeEngine#repeat}), as sessions do. Thread-safe.
 */
public final class Tracer extends RepeatedRun {
    /** Echo checksum of flow 0 in ICMP mode; flow i uses this + i. */
    static final int FLOW_CHECKSUM_BASE = 0x8000;

    private final ProbeEngine engine;
    private final TraceConfig config;
    private final TraceListener listener;
    private final TraceStatistics trace;
    private final ProbeRequest base;
    /** ICMP over IPv4 with room in the payload: each flow holds one echo checksum (Paris). */
    private final boolean flowChecksums;
    private final CompletableFuture<TraceSnapshot> done = new CompletableFuture<>();
    /**
     * The schedule: rounds, count, duration, stop, and the work in flight (each probe, and each ramp or re-probe
     * batch while it is still sending: the trace cannot end before they are done).
     */
    private volatile Repetition repetition;
    /** Re-probes sent per TTL (see {@link #reprobe}). */
    private final java.util.Map<Integer, Integer> reprobes = new java.util.HashMap<>();
    private long lastSendNanos;

    private Tracer(ProbeEngine engine, TraceConfig config, TraceListener listener, InetAddress target) {
        this.engine = engine;
        this.config = config;
        this.listener = listener;
        boolean v6 = target instanceof Inet6Address;
        TraceHeader info = new TraceHeader(config.host(), target, config.sourceLabel() != null ? config.sourceLabel()
                : localHostName(), config.mode(), config.port(), Math.max(0, config.tos()), config.packetSize(),
                config.firstTtl(), config.maxTtl(), config.count(), config.paths(), Instant.now());
        this.trace = new TraceStatistics(info, this::flowLabel, System.nanoTime());
        ProbeRequest.Builder b = ProbeRequest.builder(config.mode().kind())
                .target(config.host(), target)
                .timeout(probeTimeout(config))
                .vantagePoint(config.vantagePoint());
        if (config.port() != 0) {
            b.port(config.port());
        }
        if (config.tos() >= 0) {
            b.option(ProbeOption.TOS, config.tos());
        }
        // mtr's -s counts the IP header and the ICMP/UDP header.
        int payload = config.packetSize() - (v6 ? 40 : 20) - 8;
        this.flowChecksums = config.mode() == ProbeMode.ICMP && !v6 && payload >= IcmpOptions.FLOW_CHECKSUM_MIN_PAYLOAD;
        if (config.mode() == ProbeMode.ICMP) {
            b.option(IcmpOptions.PAYLOAD_SIZE, Math.max(0, payload));
        } else if (config.mode() == ProbeMode.UDP) {
            if (payload < UdpOptions.MIN_PAYLOAD_SIZE) {
                throw new IllegalArgumentException("packet size " + config.packetSize() + " leaves " + payload
                        + " bytes of UDP payload, but a UDP probe needs " + UdpOptions.MIN_PAYLOAD_SIZE + " to be"
                        + " recognised in the answer: use a packetSize of " + (config.packetSize() - payload
                        + UdpOptions.MIN_PAYLOAD_SIZE) + " or more");
            }
            b.option(UdpOptions.PAYLOAD_SIZE, payload);
        }
        this.base = b.build();
    }

    /**
     * Starts a trace. The target is resolved now if it was given as a name, by the engine's {@link NameResolver}
     * (either family, waiting at most its time limit); to resolve without waiting, or in one family, resolve first
     * and give the address ({@link TraceConfig.Builder#target(InetAddress)}).
     *
     * @throws IllegalArgumentException when the configuration cannot be run (an unknown host, a flow count the
     *                                  prober cannot honour, a request its prober rejects)
     * @throws io.pathprobe.core.ProberUnavailableException when the mode's prober cannot run here
     */
    public static Tracer start(ProbeEngine engine, TraceConfig config, TraceListener listener) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(config, "config");
        if (config.paths() > 1 && config.mode() == ProbeMode.TCP) {
            throw new IllegalArgumentException("paths " + config.paths() + " cannot be traced in TCP mode: TCP mode"
                    + " connects with a kernel-chosen source port per probe (concurrent TTLs cannot share one port),"
                    + " so it can neither hold nor vary a flow; trace in UDP mode (or ICMP mode to an IPv4 target) to"
                    + " compare paths, or trace paths 1");
        }
        ProbeEngine.checkInterval(config.interval());
        InetAddress target = config.address() != null ? config.address() : resolve(engine, config.host());
        Tracer t = new Tracer(engine, config, listener == null ? TraceListener.NONE : listener, target);
        if (config.paths() > 1 && config.mode() == ProbeMode.ICMP && !t.flowChecksums) {
            throw new IllegalArgumentException("paths " + config.paths() + " in ICMP mode need an IPv4 target and"
                    + " a packet size of at least " + (28 + IcmpOptions.FLOW_CHECKSUM_MIN_PAYLOAD) + " bytes (each"
                    + " flow holds its own echo checksum; the kernel computes ICMPv6 checksums itself): trace in UDP"
                    + " mode to compare paths" + (target instanceof Inet6Address ? " over IPv6"
                    : ", or use a larger packet size"));
        }
        engine.availability(config.mode().kind()); // unknown kind -> IllegalArgumentException now, not per probe
        t.begin();
        return t;
    }

    /**
     * In TCP mode a probe lasts at most {@link #TCP_ONE_SYN}: Linux retransmits an unanswered SYN after its initial
     * RTO of 1 s, and a probe that lived longer would count a lost first SYN (or its lost answer) as answered by the
     * second, hiding loss that ICMP and UDP probes show. Each probe is then one packet, as in the other modes.
     */
    static Duration probeTimeout(TraceConfig config) {
        return config.mode() == ProbeMode.TCP && config.timeout().compareTo(TCP_ONE_SYN) > 0
                ? TCP_ONE_SYN : config.timeout();
    }

    /** TCP mode's longest probe: just under the kernel's initial SYN retransmission timeout (1 s). */
    public static final Duration TCP_ONE_SYN = Duration.ofMillis(950);

    /** The target's first address of either family, from the engine's resolver (waiting at most its time limit). */
    private static InetAddress resolve(ProbeEngine engine, String host) {
        try {
            return engine.resolver().resolveNow(host, NameResolver.Family.ANY);
        } catch (UnresolvedHostException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The host's name as mtr shows it ({@code gethostname()}): read from the kernel on Linux, without a lookup,
     * which inside a network namespace (or without the name in /etc/hosts) fails or asks a name server.
     */
    private static String localHostName() {
        try {
            String n = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
            if (!n.isEmpty()) {
                return n;
            }
        } catch (java.io.IOException | RuntimeException notLinux) {
            // below
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private void begin() {
        repetition = engine.repeat(config.interval(), config.count(), config.duration(), new Repetition.Rounds() {
            @Override
            public void round(Repetition r, long n) {
                Tracer.this.round(r, n);
            }

            @Override
            public boolean drained(Repetition r) {
                return Tracer.this.drained(r);
            }

            @Override
            public void finished(Repetition r) {
                Tracer.this.finished(r);
            }
        });
        repetition.start();
    }

    /** A round is due (on the engine's scheduler; the round is in flight until this returns). */
    private void round(Repetition rep, long r) {
        trace.recordRound();
        int limit = trace.probeLimit();
        if (!trace.endKnown() && limit > config.firstTtl()) {
            if (rep.hold()) { // until the ramp has sent its last TTL
                rampFrom(r, config.firstTtl(), limit, rampStep());
            }
        } else {
            // Every TTL of the round at once: the round completes within the farthest hop's RTT (or the timeout).
            for (int ttl = config.firstTtl(); ttl <= limit; ttl++) {
                sendAllFlows(r, ttl);
            }
        }
        if (listener != TraceListener.NONE) {
            listener.onRound(r, trace.snapshot());
        }
    }

    /**
     * While the destination is unknown, a round sends its TTLs in ascending order {@code step} apart and, once the
     * destination (or a hop that reported it unreachable) has answered, sends every TTL up to it and none beyond:
     * those would all reach the destination and spend the budget its kernel keeps for ICMP errors (Linux: a burst
     * of 6, then one a second per peer over IPv4), so the next rounds' probes at the real distance would go
     * unanswered. Probes still overlap (step is far below any
     * timeout), so a round still takes about the farthest hop's RTT, not the sum of them.
     */
    private void rampFrom(long r, int ttl, int limit, long stepNanos) {
        // up to the destination once known (an answer of an earlier round may arrive mid-ramp), else the limit
        if (ttl <= Math.min(limit, trace.probeLimit())) {
            sendAllFlows(r, ttl);
            if (ttl < limit) {
                // still held; a step not run because the trace ended meanwhile needs no release
                repetition.schedule(() -> rampFrom(r, ttl + 1, limit, stepNanos), stepNanos);
                return;
            }
        }
        repetition.release();
    }

    /** The ramp's spacing: at most {@link #RAMP_STEP}, and short enough to send every TTL within one interval. */
    private long rampStep() {
        int ttls = config.maxTtl() - config.firstTtl() + 1;
        return Math.max(1, Math.min(RAMP_STEP.toNanos(), config.interval().toNanos() / (2L * ttls)));
    }

    private void sendAllFlows(long r, int ttl) {
        for (int flow = 0; flow < config.paths(); flow++) {
            send(r, flow, ttl);
        }
    }

    private void send(long r, int flow, int ttl) {
        long sentMillis = System.currentTimeMillis();
        synchronized (this) {
            lastSendNanos = System.nanoTime();
        }
        if (!repetition.hold(() -> trace.recordSent(flow, ttl))) {
            return; // ended meanwhile
        }
        CompletableFuture<ProbeOutcome> f;
        try {
            f = engine.probe(request(flow, ttl));
        } catch (RuntimeException e) {
            f = CompletableFuture.completedFuture(new ProbeOutcome.LocalError("probe not started: " + e.getMessage(), null));
            stop();
        }
        f.whenComplete((outcome, error) -> {
            ProbeOutcome o = outcome != null ? outcome : new ProbeOutcome.LocalError(String.valueOf(error), null);
            ended(new ProbeRecord(r, flow, ttl, sentMillis, o));
        });
    }

    private ProbeRequest request(int flow, int ttl) {
        // Paris: the flow identifier depends on the flow only, never on the TTL or the round.
        ProbeRequest.Builder b = base.toBuilder().option(ProbeOption.TTL, ttl);
        if (config.mode() == ProbeMode.UDP) {
            b.option(UdpOptions.SOURCE_PORT, config.sourcePort() + flow);
        } else if (flowChecksums) {
            b.option(IcmpOptions.FLOW_CHECKSUM, FLOW_CHECKSUM_BASE + flow);
        }
        return b.build();
    }

    private String flowLabel(int flow) {
        switch (config.mode()) {
            case ICMP:
                return flowChecksums ? String.format("icmp checksum 0x%04x", FLOW_CHECKSUM_BASE + flow) : "icmp echo";
            case TCP:
                return "tcp, kernel-chosen source port per probe";
            default:
                return "source port " + (config.sourcePort() + flow);
        }
    }

    private void ended(ProbeRecord record) {
        // after a stop: not recorded, left in flight, as mtr does
        repetition.end(() -> trace.recordOutcome(record.flow(), record.ttl(), record.outcome()),
                () -> listener.onProbe(record));
    }

    /** The last round has been sent and every probe has ended: re-probe silent TTLs first (see {@link #reprobe}). */
    private boolean drained(Repetition rep) {
        synchronized (this) {
            if (reprobeCandidates().isEmpty() || !rep.hold()) { // held until the re-probes are sent
                return false;
            }
            long wait = Math.max(0, lastSendNanos + REPROBE_SPACING.toNanos() - System.nanoTime());
            rep.schedule(this::reprobe, wait);
            return true;
        }
    }

    private List<Integer> reprobeCandidates() {
        List<Integer> out = new ArrayList<>();
        for (int ttl : trace.unresolvedTtls()) {
            if (reprobes.getOrDefault(ttl, 0) < MAX_REPROBES) {
                out.add(ttl);
            }
        }
        return out;
    }

    /**
     * After the last round, a TTL that never answered but may be the destination ({@link TraceStatistics#unresolvedTtls}) is
     * probed again, up to {@link #MAX_REPROBES} times, each {@link #REPROBE_SPACING} after the trace's last probe,
     * before it is shown as {@code ???} (scamper and Paris traceroute also retry a silent hop before giving up on
     * it). The spacing is Linux's default per-peer ICMP error interval, so a destination that spent its budget on
     * earlier probes has one answer again; the lowest TTL is sent first and gets it. Re-probes count in their
     * TTL's figures like any probe.
     */
    private void reprobe() {
        List<Integer> again;
        synchronized (this) {
            again = reprobeCandidates();
            for (int ttl : again) {
                reprobes.merge(ttl, 1, Integer::sum);
            }
        }
        long r = repetition.rounds();
        for (int ttl : again) {
            sendAllFlows(r, ttl);
        }
        repetition.release(); // the hold of drained(): with the probes above in flight, the trace goes on
    }

    /** Spacing of the ramp's TTLs while the destination is unknown (see {@link #rampFrom}). */
    static final Duration RAMP_STEP = Duration.ofMillis(2);
    /** Re-probes of a silent TTL that may be the destination, after the last round. */
    static final int MAX_REPROBES = 2;
    /** Time between re-probes: Linux's default {@code icmp_ratelimit}, one ICMP error per second per peer. */
    static final Duration REPROBE_SPACING = Duration.ofSeconds(1);

    /** The trace's schedule, for pause, resume and stop (mtr's {@code p} key holds the next rounds back). */
    @Override
    protected Repetition repetition() {
        return repetition;
    }

    /** The trace has ended (by count, duration, stop or the engine's close): nothing is recorded after this. */
    private void finished(Repetition rep) {
        trace.finish(rep.endNanos());
        TraceSnapshot last = trace.snapshot();
        listener.onFinished(last);
        done.complete(last);
    }


    /** The figures now (while running or after). */
    public TraceSnapshot snapshot() {
        return trace.snapshot();
    }

    /** Completes with the final figures when the trace ends. */
    public CompletableFuture<TraceSnapshot> completion() {
        return done;
    }

    public TraceConfig config() {
        return config;
    }

    public boolean isFinished() {
        return repetition.isFinished();
    }
}
