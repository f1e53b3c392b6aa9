package io.pathprobe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pathprobe.core.AddressText;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.core.text.SummaryFigures;

import java.time.Instant;
import java.util.List;

/**
 * The {@code --json} document (schema {@value #SCHEMA}): one object with the tool, version, command, start time and,
 * per target, its probes (each outcome in the form of {@code events.jsonl} and the agent wire) and summary. Keys are
 * camelCase, as in every JSON pathprobe writes. Numbers are numbers; RTTs are milliseconds (full nanosecond precision); a figure that does not exist
 * (no RTT without a connect) is {@code null}. Keys that do not apply to an outcome (an ICMP type for a connect) are
 * left out.
 */
final class JsonReport {
    static final String SCHEMA = "pathprobe.cli/1";
    /** The document of a port sweep ({@link TcpSweep}): per host, its counts by state and every port. */
    static final String SWEEP_SCHEMA = "pathprobe.cli.sweep/1";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    static String render(String command, Instant started, List<SessionRun.Track> tracks) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
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
            } else if (command.equals(ProbeCommand.NAME)) {
                probeSummary(target.putObject("summary"), t.finalStats, t.elapsed.toNanos());
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

    /** A probe in the project's one serialised outcome form ({@link CaptureEvent}'s outcome keys), with its number. */
    private static void probe(ObjectNode p, long seq, ProbeOutcome o) {
        p.put("seq", seq);
        outcome(p, o);
    }

    /** Adds an outcome's keys (type, RTT, responder, ...) to {@code p}, without the event's own keys. */
    static void outcome(ObjectNode p, ProbeOutcome o) {
        ObjectNode e = MAPPER.valueToTree(CaptureEvent.of(0, "", 0, "", "", 0, 0, 0, o));
        for (String outcomeOnly : List.of("eventSeq", "t", "ms", "vantage", "check", "seq")) {
            e.remove(outcomeOnly);
        }
        p.setAll(e);
    }

    /** Any prober's figures: sent, answered, loss, and the count of each outcome kind that occurred. */
    private static void probeSummary(ObjectNode s, StatsSnapshot st, long elapsedNanos) {
        s.put("sent", st.sent() - st.inFlight());
        s.put("answered", st.received());
        s.put("lossPercent", Math.round(st.lossPercent() * 1000) / 1000.0);
        ObjectNode kinds = s.putObject("outcomes");
        for (OutcomeType t : OutcomeType.inCategoryOrder()) {
            if (st.count(t) > 0) {
                kinds.put(t.label(), st.count(t));
            }
        }
        s.put("inFlight", st.inFlight());
        rtts(s, st);
        s.put("timeMs", elapsedNanos / 1e6);
    }

    private static void summary(ObjectNode s, StatsSnapshot st, long elapsedNanos) {
        long attempted = st.sent() - st.inFlight();
        s.put("attempted", attempted);
        s.put("connected", st.received());
        s.put("failed", attempted - st.received());
        s.put("lossPercent", Math.round(st.lossPercent() * 1000) / 1000.0);
        s.put("refused", st.count(OutcomeType.REFUSED));
        s.put("timedOut", st.count(OutcomeType.TIMED_OUT));
        s.put("unreachable", st.count(OutcomeType.UNREACHABLE));
        s.put("errors", st.count(OutcomeType.LOCAL_ERROR));
        s.put("inFlight", st.inFlight());
        rtts(s, st);
        s.put("synRetransmits", st.synRetransmits());
        s.put("retransmittedConnects", st.retransmittedConnects());
        s.put("timeMs", elapsedNanos / 1e6);
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
        s.put("lossPercent", Math.round(st.pingLossPercent() * 1000) / 1000.0);
        s.put("timedOut", st.count(OutcomeType.TIMED_OUT));
        s.put("ttlExceeded", st.count(OutcomeType.TTL_EXCEEDED));
        s.put("unreachable", st.count(OutcomeType.UNREACHABLE));
        s.put("localErrors", st.count(OutcomeType.LOCAL_ERROR));
        s.put("inFlight", st.inFlight());
        rtts(s, st);
        s.put("timeMs", elapsedNanos / 1e6);
    }

    /** RTT figures of the received probes, null when none was received. */
    private static void rtts(ObjectNode s, StatsSnapshot st) {
        boolean any = st.received() > 0;
        putMs(s, "minMs", any ? st.bestNanos() : -1);
        putMs(s, "avgMs", any ? st.avgNanos() : -1);
        putMs(s, "maxMs", any ? st.worstNanos() : -1);
        putMs(s, "mdevMs", any ? st.mdevNanos() : -1);
        putMs(s, "stdevMs", any ? st.stdevNanos() : -1);
        putMs(s, "p50Ms", any ? st.p50Nanos() : -1);
        putMs(s, "p90Ms", any ? st.p90Nanos() : -1);
        putMs(s, "p99Ms", any ? st.p99Nanos() : -1);
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
