package io.pathprobe.agent.prometheus;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.Availability;
import io.pathprobe.core.OutcomeAttribute;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.ProbeSession;
import io.pathprobe.core.SessionListener;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.mtr.HopSnapshot;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one module's probe against one pinned address within a time budget, into a {@link ProbeReport}. */
final class ProbeRunner {
    private final ProbeEngine engine;
    private final VantagePoint point;

    ProbeRunner(ProbeEngine engine, VantagePoint point) {
        this.engine = engine;
        this.point = point;
    }

    /**
     * Probes {@code address} as {@code module} says; completes (never exceptionally) by {@code deadlineNanos}
     * (System.nanoTime) with {@code probe_success} and the module's metrics added to {@code report}.
     */
    CompletableFuture<Boolean> run(Module module, InetAddress address, int port, long deadlineNanos,
                                   ProbeReport report) {
        long setupStart = System.nanoTime();
        report.gauge("probe_ip_protocol", "IP protocol of the probed address (4 or 6)",
                address instanceof Inet4Address ? 4 : 6);
        report.gauge("probe_ip_addr_hash", "FNV-1a hash of the probed address, to see when it changes",
                fnv1a(AddressText.of(address)));
        String kind = module.prober() == Module.Prober.TCP ? "tcp" : "icmp";
        Availability a;
        try {
            a = engine.availability(kind);
        } catch (IllegalArgumentException e) {
            a = Availability.unavailable("no '" + kind + "' prober on the class path");
        }
        if (!a.available()) {
            report.log("error", module.prober().label() + " cannot run on this agent: " + a.message());
            return CompletableFuture.completedFuture(false);
        }
        Duration budget = Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
        Module.Pacing pace = module.pace(budget);
        if (report.keepsLog()) {
            report.log("info", "Beginning probe: " + module.packets() + (module.prober() == Module.Prober.MTR
                ? " rounds" : " packets") + " to " + AddressText.of(address) + (port == 0 ? "" : " port " + port)
                + ", interval " + ms(pace.interval()) + " ms, packet timeout " + ms(pace.packetTimeout())
                + " ms, budget " + ms(budget) + " ms");
        }
        try {
            return module.prober() == Module.Prober.MTR
                    ? trace(module, address, pace, deadlineNanos, setupStart, report)
                    : session(module, address, port, pace, deadlineNanos, setupStart, report);
        } catch (RuntimeException e) {
            report.log("error", "probe not started: " + e.getMessage());
            return CompletableFuture.completedFuture(false);
        }
    }

    private CompletableFuture<Boolean> session(Module module, InetAddress address, int port, Module.Pacing pace,
                                               long deadlineNanos, long setupStart, ProbeReport report) {
        boolean tcp = module.prober() == Module.Prober.TCP;
        ProbeRequest.Builder rb = ProbeRequest.builder(tcp ? "tcp" : "icmp").target(address)
                .timeout(pace.packetTimeout()).vantagePoint(point);
        if (tcp) {
            rb.port(port);
        }
        AtomicReference<ProbeOutcome> firstAnswer = new AtomicReference<>();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long remaining = Math.max(1, deadlineNanos - System.nanoTime());
        ProbeSession s = engine.startSession(rb.build(), new SessionPlan(module.packets(), pace.interval(),
                Duration.ofNanos(remaining)), new SessionListener() {
                    @Override
                    public void onOutcome(ProbeSession session, long sequence, ProbeOutcome outcome) {
                        if (outcome.isSuccess()) {
                            firstAnswer.compareAndSet(null, outcome);
                        } else {
                            firstFailure.compareAndSet(null, "packet " + sequence + ": " + describe(outcome));
                        }
                    }
                });
        long setup = System.nanoTime() - setupStart;
        String p = tcp ? "probe_tcp" : "probe_icmp";
        return s.completion().copy().completeOnTimeout(null, remaining + TimeUnit.MILLISECONDS.toNanos(50),
                TimeUnit.NANOSECONDS).handle((stats, err) -> {
                    if (stats == null) {
                        s.stop();
                        stats = s.snapshot();
                    }
                    StatsSnapshot st = stats;
                    report.gauge(p + "_duration_seconds", "Duration of the probe's phases", setup / 1e9,
                            "phase", "setup");
                    if (st.received() > 0) {
                        report.gauge(p + "_duration_seconds", "Duration of the probe's phases", st.avgNanos() / 1e9,
                                "phase", tcp ? "connect" : "rtt");
                    }
                    String unit = tcp ? "_connects" : "_packets";
                    report.gauge(p + unit + "_sent_count", tcp ? "TCP connects attempted" : "ICMP echoes sent",
                            st.sent());
                    report.gauge(p + unit + "_received_count", tcp ? "TCP connects completed" : "ICMP echo replies"
                            + " received", st.received());
                    if (tcp) {
                        report.gauge("probe_tcp_connects_refused_count", "TCP connects refused (RST)",
                                st.count(io.pathprobe.core.OutcomeType.REFUSED));
                    } else {
                        report.gauge("probe_icmp_packets_duplicate_count", "Duplicate ICMP echo replies",
                                st.duplicates());
                    }
                    if (st.received() > 0) {
                        report.gauge(p + "_duration_rtt_min_seconds", "Shortest round-trip time", st.bestNanos() / 1e9);
                        report.gauge(p + "_duration_rtt_max_seconds", "Longest round-trip time", st.worstNanos() / 1e9);
                        report.gauge(p + "_duration_rtt_stddev_seconds", "Standard deviation of round-trip times",
                                st.stdevNanos() / 1e9);
                    }
                    ProbeOutcome first = firstAnswer.get();
                    Integer replyTtl = first == null ? null : first.attribute(OutcomeAttribute.REPLY_TTL);
                    if (!tcp && replyTtl != null && replyTtl >= 0) {
                        report.gauge("probe_icmp_reply_hop_limit", "Hop limit (TTL) of the first reply", replyTtl);
                    }
                    long ended = st.sent() - st.inFlight();
                    report.gauge("probe_loss_ratio", "Share of ended packets that got no answer (mtr's Loss%/100)",
                            ended == 0 ? 1 : st.lossPercent() / 100.0);
                    if (st.received() > 1) {
                        report.gauge("probe_jitter_seconds", "Mean difference of successive round-trip times"
                                + " (mtr's Javg)", st.javgNanos() / 1e9);
                    }
                    if (report.keepsLog()) {
                        report.log(st.received() > 0 ? "info" : "warn", st.sent() + " sent, " + st.received()
                            + " answered, " + st.inFlight() + " unfinished at the deadline"
                            + (firstFailure.get() == null ? "" : "; first failure: " + firstFailure.get()));
                    }
                    return st.received() > 0;
                });
    }

    private CompletableFuture<Boolean> trace(Module module, InetAddress address, Module.Pacing pace,
                                             long deadlineNanos, long setupStart, ProbeReport report) {
        long remaining = Math.max(1, deadlineNanos - System.nanoTime());
        TraceConfig config = TraceConfig.builder(address).mode(ProbeMode.ICMP).count(module.packets())
                .interval(pace.interval()).timeout(pace.packetTimeout()).maxTtl(module.maxTtl())
                .duration(Duration.ofNanos(remaining)).vantagePoint(point).sourceLabel("probe").build();
        Tracer t = Tracer.start(engine, config, null);
        long setup = System.nanoTime() - setupStart;
        return t.completion().copy().completeOnTimeout(null, remaining + TimeUnit.MILLISECONDS.toNanos(50),
                TimeUnit.NANOSECONDS).handle((snap, err) -> {
                    if (snap == null) {
                        t.stop();
                        snap = t.snapshot();
                    }
                    TraceSnapshot s = snap;
                    report.gauge("probe_icmp_duration_seconds", "Duration of the probe's phases", setup / 1e9,
                            "phase", "setup");
                    List<HopSnapshot> hops = s.hops();
                    boolean reached = s.stop().kind() == io.pathprobe.mtr.StopReason.Kind.DESTINATION_REACHED;
                    report.gauge("probe_traceroute_total_hops", "Hops shown (to the destination or the last"
                            + " responding hop, as mtr)", hops.size());
                    report.gauge("probe_traceroute_destination_reached", "Whether the destination answered",
                            reached ? 1 : 0);
                    report.gauge("probe_traceroute_rounds", "Rounds of probes sent", s.rounds());
                    StringBuilder route = new StringBuilder();
                    for (HopSnapshot h : hops) {
                        route.append(h.host() == null ? "???" : AddressText.of(h.host())).append(' ');
                        String ttl = Integer.toString(h.ttl());
                        long ended = h.answeredOrLost();
                        report.gauge("probe_traceroute_hop_sent_count", "Probes sent with this TTL",
                                h.stats().sent(), "ttl", ttl);
                        report.gauge("probe_traceroute_hop_loss_ratio", "Share of this hop's ended probes not"
                                + " answered", ended == 0 ? 1 : (double) h.lost() / ended, "ttl", ttl);
                        if (h.stats().received() > 0) {
                            report.gauge("probe_traceroute_hop_rtt_seconds", "Mean round-trip time to this hop",
                                    h.stats().avgNanos() / 1e9, "ttl", ttl);
                        }
                    }
                    report.gauge("probe_traceroute_route_hash", "FNV-1a hash of the hop addresses in order, to see"
                            + " route changes", fnv1a(route.toString().trim()));
                    int from = s.table().persistentLossFrom();
                    report.gauge("probe_traceroute_persistent_loss_from_ttl", "The hop where loss that carries on"
                            + " to the last hop begins (pathprobe's loss reading), 0 for none", from);
                    report.log(reached ? "info" : "warn", "route " + route.toString().trim() + "; "
                            + s.stop().describe() + (from == 0 ? "" : "; persistent loss from hop " + from));
                    return reached;
                });
    }

    private static String describe(ProbeOutcome o) {
        if (o instanceof ProbeOutcome.Unreachable u) {
            return u.describe();
        }
        if (o instanceof ProbeOutcome.LocalError e) {
            return "local error: " + e.message();
        }
        return o.type().label();
    }

    private static String ms(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toNanos() / 1e6);
    }

    /** 32-bit FNV-1a of the UTF-8 text, as blackbox_exporter hashes the probed address. */
    static long fnv1a(String s) {
        int h = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h & 0xffffffffL;
    }
}
