package io.pathprobe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pathprobe.core.AddressText;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.core.text.SummaryFigures;

import java.time.Instant;
import java.util.List;

/**
 * The {@code --json} document: one object with the tool, version, command, start time and, per target, its probes
 * and summary. Numbers are numbers; RTTs are milliseconds (full nanosecond precision); a figure that does not exist
 * (no RTT without a connect) is {@code null}. Keys that do not apply to an outcome (an ICMP type for a connect) are
 * left out.
 */
final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    static String render(String command, Instant started, List<SessionRun.Track> tracks) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tool", "pathprobe");
        root.put("version", Main.version());
        root.put("command", command);
        root.put("started", started.toString());
        ArrayNode targets = root.putArray("targets");
        for (SessionRun.Track t : tracks) {
            ObjectNode target = targets.addObject();
            ProbeRequest r = t.request;
            target.put("target", r.targetLabel());
            target.put("host", r.host());
            target.put("address", r.address() == null ? null : AddressText.of(r.address()));
            if (r.port() > 0) {
                target.put("port", r.port());
            }
            target.put("vantage", r.vantagePoint().id());
            ArrayNode probes = target.putArray("probes");
            for (SessionRun.Result res : t.results) {
                probe(probes.addObject(), res.seq(), res.outcome());
            }
            if (command.equals(PingCommand.NAME)) {
                pingSummary(target.putObject("summary"), t.finalStats, t.elapsed.toNanos());
            } else {
                summary(target.putObject("summary"), t.finalStats, t.elapsed.toNanos());
            }
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON report: " + e.getMessage(), e);
        }
    }

    private static void probe(ObjectNode p, long seq, ProbeOutcome o) {
        p.put("seq", seq);
        p.put("outcome", o.type().label());
        putMs(p, "rtt_ms", o.rttNanos());
        if (o instanceof ProbeOutcome.Connected c) {
            if (c.synRetransmits() >= 0) {
                p.put("syn_retransmits", c.synRetransmits());
            }
            if (!c.banner().isEmpty()) {
                p.put("banner", c.banner());
            }
        }
        if (o.responder() != null) {
            p.put("responder", AddressText.of(o.responder()));
        }
        if (o instanceof ProbeOutcome.Reply r) {
            p.put("bytes", r.bytes());
            if (r.ttl() >= 0) {
                p.put("ttl", r.ttl());
            }
        }
        if (o instanceof ProbeOutcome.TtlExceeded x) {
            p.put("icmp_code", x.icmpCode());
        }
        if (o instanceof ProbeOutcome.Refused r && r.cause() != null) {
            p.put("cause", r.cause().toString());
        }
        if (o instanceof ProbeOutcome.TimedOut t) {
            p.put("timeout_ms", t.timeoutNanos() / 1e6);
        }
        if (o instanceof ProbeOutcome.Unreachable u) {
            if (u.icmpType() >= 0) {
                p.put("icmp_type", u.icmpType());
                p.put("icmp_code", u.icmpCode());
            }
            if (u.mtu() > 0) {
                p.put("mtu", u.mtu());
            }
            p.put("cause", u.describe());
        }
        if (o instanceof ProbeOutcome.LocalError e) {
            p.put("cause", e.cause() == null ? e.message() : e.message() + " (" + e.cause() + ")");
        }
    }

    private static void summary(ObjectNode s, StatsSnapshot st, long elapsedNanos) {
        long attempted = st.sent() - st.inFlight();
        s.put("attempted", attempted);
        s.put("connected", st.received());
        s.put("failed", attempted - st.received());
        s.put("loss_percent", Math.round(st.lossPercent() * 1000) / 1000.0);
        s.put("refused", st.count(OutcomeType.REFUSED));
        s.put("timed_out", st.count(OutcomeType.TIMED_OUT));
        s.put("unreachable", st.count(OutcomeType.UNREACHABLE));
        s.put("errors", st.count(OutcomeType.LOCAL_ERROR));
        s.put("in_flight", st.inFlight());
        rtts(s, st);
        s.put("syn_retransmits", st.synRetransmits());
        s.put("retransmitted_connects", st.retransmittedConnects());
        s.put("time_ms", elapsedNanos / 1e6);
    }

    /**
     * ping's figures: transmitted, received, duplicates, errors and loss as its summary counts them; late and
     * corrupted (wrong data) replies apart.
     */
    private static void pingSummary(ObjectNode s, StatsSnapshot st, long elapsedNanos) {
        s.put("transmitted", st.sent());
        s.put("received", st.received());
        s.put("duplicates", st.duplicates());
        s.put("late", st.late());
        s.put("corrupted", st.corrupted());
        s.put("errors", SummaryFigures.of(st, elapsedNanos / 1_000_000).pingErrors());
        s.put("loss_percent", Math.round(st.pingLossPercent() * 1000) / 1000.0);
        s.put("timed_out", st.count(OutcomeType.TIMED_OUT));
        s.put("ttl_exceeded", st.count(OutcomeType.TTL_EXCEEDED));
        s.put("unreachable", st.count(OutcomeType.UNREACHABLE));
        s.put("local_errors", st.count(OutcomeType.LOCAL_ERROR));
        s.put("in_flight", st.inFlight());
        rtts(s, st);
        s.put("time_ms", elapsedNanos / 1e6);
    }

    /** RTT figures of the received probes, null when none was received. */
    private static void rtts(ObjectNode s, StatsSnapshot st) {
        boolean any = st.received() > 0;
        putMs(s, "min_ms", any ? st.bestNanos() : -1);
        putMs(s, "avg_ms", any ? st.avgNanos() : -1);
        putMs(s, "max_ms", any ? st.worstNanos() : -1);
        putMs(s, "mdev_ms", any ? st.mdevNanos() : -1);
        putMs(s, "stdev_ms", any ? st.stdevNanos() : -1);
        putMs(s, "p50_ms", any ? st.p50Nanos() : -1);
        putMs(s, "p90_ms", any ? st.p90Nanos() : -1);
        putMs(s, "p99_ms", any ? st.p99Nanos() : -1);
    }

    /** Nanoseconds as milliseconds, or null when negative (nothing measured). */
    private static void putMs(ObjectNode n, String key, double nanos) {
        if (nanos < 0) {
            n.putNull(key);
        } else {
            n.put(key, nanos / 1e6);
        }
    }
}
