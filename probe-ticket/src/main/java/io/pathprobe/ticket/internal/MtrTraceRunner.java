package io.pathprobe.ticket.internal;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.mtr.FormatOptions;
import io.pathprobe.mtr.HopSnapshot;
import io.pathprobe.mtr.LossVerdict;
import io.pathprobe.mtr.MtrReport;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.ProbeRecord;
import io.pathprobe.mtr.StopReason;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceListener;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;
import io.pathprobe.ticket.TraceRunner;
import io.pathprobe.ticket.evidence.HopEvidence;
import io.pathprobe.ticket.evidence.TraceEvidence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The ticket capture's traces, run by the MTR module's {@link Tracer} (Paris mode: one stable flow). */
public final class MtrTraceRunner implements TraceRunner {
    /** TCP traces of different ports from one vantage point get source ports this far apart. */
    private static final int SOURCE_PORT_STEP = 100;
    private final AtomicInteger tcpTraces = new AtomicInteger();

    @Override
    public RunningTrace start(ProbeEngine engine, TraceRequest spec, TraceEvents events) {
        TraceConfig.Builder b = TraceConfig.builder(spec.target()).mode(spec.mode())
                .count(spec.rounds()).interval(spec.interval()).timeout(spec.timeout()).maxTtl(spec.maxTtl())
                .vantagePoint(spec.vantagePoint())
                // A label rather than the host name: looking the name up could send DNS queries.
                .sourceLabel(spec.label());
        if (spec.port() != 0) {
            b.port(spec.port());
        }
        if (spec.mode() == ProbeMode.TCP) {
            b.sourcePort(TraceConfig.DEFAULT_SOURCE_PORT + SOURCE_PORT_STEP * tcpTraces.getAndIncrement());
        }
        Tracer tracer = Tracer.start(engine, b.build(), new TraceListener() {
            @Override
            public void onProbe(ProbeRecord r) {
                events.onOutcome(r.ttl(), r.round(), r.outcome());
            }
        });
        return new RunningTrace() {
            @Override
            public TraceEvidence result() {
                return evidence(tracer.snapshot(), spec.mode(), spec.port());
            }

            @Override
            public void stop() {
                tracer.stop();
            }
        };
    }

    /** The MTR module's snapshot as ticket evidence, with its own mtr-style report text. */
    public static TraceEvidence evidence(TraceSnapshot s, ProbeMode mode, int port) {
        List<HopEvidence> hops = new ArrayList<>();
        for (HopSnapshot h : s.hops()) {
            StatsSnapshot st = h.stats();
            boolean any = st.received() > 0;
            List<String> addrs = h.addresses().stream().map(a -> AddressText.of(a.address())).toList();
            hops.add(new HopEvidence(h.ttl(), addrs, st.sent() - st.inFlight(), st.received(), st.lossPercent(),
                    any ? StatsSnapshot.ms(st.lastNanos()) : null, any ? StatsSnapshot.ms(st.avgNanos()) : null,
                    any ? StatsSnapshot.ms(st.bestNanos()) : null, any ? StatsSnapshot.ms(st.worstNanos()) : null,
                    any ? StatsSnapshot.ms(st.stdevNanos()) : null, h.verdict() == LossVerdict.NOT_CARRIED_ON
                            || h.verdict() == LossVerdict.RATE_LIMITED,
                    h.destination()));
        }
        StopReason stop = s.stop();
        int persistent = s.table().persistentLossFrom();
        return new TraceEvidence(mode.kind(), port, s.rounds(), hops, persistent == 0 ? null : persistent,
                stop.kind() == StopReason.Kind.DESTINATION_REACHED, stop.describe(), null,
                MtrReport.format(s, FormatOptions.defaults()));
    }
}
