package io.pathprobe.agent;

import io.pathprobe.ticket.CaptureProgress;
import io.pathprobe.ticket.agent.AgentCapture;
import io.pathprobe.ticket.agent.AgentInfo;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.CaptureListener;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One capture on a remote agent seen from the coordinator, whatever carries it (HTTP, a broker): the bookkeeping
 * every transport shares. Events are passed on in order and exactly once, their times moved onto our clock; pings
 * and connects are counted per check for progress; the evidence so far is kept so that a lost agent still yields
 * what it measured; the end is complete, stopped or lost (silent for longer than the transport allows).
 *
 * <p>A transport fetches events and status its own way and calls {@link #deliver}, {@link #heard},
 * {@link #keep}, {@link #complete} and {@link #lostIfSilent}; it says how to cancel and what to release at the end.
 */
public abstract class RemoteCapture implements AgentCapture {
    private final String vantageId;
    private final String captureId;
    private final AgentInfo info;
    private final CaptureListener listener;
    private final ClockOffset clock;
    private final String agentDetail;
    private final String lostVia;
    private final CompletableFuture<VantageEvidence> evidence = new CompletableFuture<>();
    private final Map<String, long[]> checks = new LinkedHashMap<>();
    private final Object lock = new Object();
    private long lastSeq;
    private long sent;
    private volatile long lastHeardMs = System.currentTimeMillis();
    private volatile VantageEvidence latest;

    /**
     * @param vantageId   the agent's vantage id ({@code agent:HOST:PORT}, {@code nats:NAME}): the id of its evidence
     *                    and of every event passed on
     * @param captureId   the capture's id on the agent
     * @param info        what the agent said of itself when the capture started
     * @param listener    where events go, on our clock
     * @param clock       the agent's clock offset, kept up to date by the transport
     * @param agentDetail how the agent was reached, for the evidence's {@code agent} detail
     * @param lostVia     what a lost note adds after the silence (e.g. {@code " through nats://..."}), or ""
     */
    protected RemoteCapture(String vantageId, String captureId, AgentInfo info, CaptureListener listener,
            ClockOffset clock, String agentDetail, String lostVia) {
        this.vantageId = vantageId;
        this.captureId = captureId;
        this.info = info;
        this.listener = listener == null ? CaptureListener.NONE : listener;
        this.clock = clock;
        this.agentDetail = agentDetail;
        this.lostVia = lostVia;
    }

    @Override
    public final String id() {
        return captureId;
    }

    /** Asks the agent to end the capture; an agent that cannot be reached is left to the loss rule. */
    protected abstract void requestCancel();

    /** Releases what the transport holds for this capture (a stream, a subscription); called once, at the end. */
    protected abstract void released();

    /**
     * Passes on the event when it is the next one; a repeat (after a resume or replay) or one past a gap is
     * dropped, so numbers stay exact and the transport fetches what is missing from {@link #lastSeq()}.
     */
    protected final void deliver(CaptureEvent e) {
        synchronized (lock) {
            if (e.eventSeq() != lastSeq + 1) {
                return;
            }
            lastSeq = e.eventSeq();
            if (e.check().equals("ping") || e.check().equals("tcp")) {
                synchronized (checks) {
                    long[] c = checks.computeIfAbsent(e.check() + (e.port() == null ? "" : ":" + e.port()),
                            k -> new long[2]);
                    c[0]++;
                    if (!e.answered()) {
                        c[1]++;
                    }
                    sent++;
                }
            }
            long agentMs = e.t() == null ? System.currentTimeMillis() : Instant.parse(e.t()).toEpochMilli();
            listener.onEvent(e.renumbered(e.eventSeq(), Instant.ofEpochMilli(Math.round(agentMs - clock.ms()))
                    .toString(), e.ms()).withVantage(vantageId));
        }
    }

    /** The number of the last event passed on. */
    protected final long lastSeq() {
        synchronized (lock) {
            return lastSeq;
        }
    }

    /** The agent was heard from now (an event, a heartbeat, an answer). */
    protected final void heard() {
        lastHeardMs = System.currentTimeMillis();
    }

    /** The agent was heard from at {@code epochMs} (e.g. a heartbeat seen elsewhere), if that is later. */
    protected final void heardAt(long epochMs) {
        lastHeardMs = Math.max(lastHeardMs, epochMs);
    }

    /** Milliseconds since the agent was last heard from. */
    protected final long silentMs() {
        return System.currentTimeMillis() - lastHeardMs;
    }

    /** Keeps the agent's evidence so far: what a loss yields. */
    protected final void keep(VantageEvidence soFar) {
        latest = soFar;
    }

    /** Whether the capture has ended here. */
    protected final boolean done() {
        return evidence.isDone();
    }

    /**
     * Marks the agent lost once it has been silent for longer than {@code after}.
     *
     * @return whether the capture has ended here (lost now or before, or complete)
     */
    protected final boolean lostIfSilent(Duration after) {
        if (evidence.isDone()) {
            return true;
        }
        long silent = silentMs();
        if (silent <= after.toMillis()) {
            return false;
        }
        complete("agent lost at " + Instant.ofEpochMilli(lastHeardMs) + " (silent for " + silent / 1000 + " s"
                + lostVia + "): the evidence is what arrived until then; " + lastSeq() + " events received");
        return true;
    }

    /**
     * Ends the capture with the evidence kept: lost when {@code lostNote} is given, otherwise with the agent's
     * status ({@code stopped} if it still said running). Only the first end counts.
     */
    protected final void complete(String lostNote) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("agent", agentDetail);
        extra.put("agent name", info.id());
        if (info.version() != null) {
            extra.put("agent version", info.version());
        }
        if (info.publicAddress() != null) {
            extra.put("agent public address", info.publicAddress());
        }
        VantageEvidence e = latest;
        VantageEvidence base = (e != null ? e : new VantageEvidence(vantageId, "agent", Map.of(), null, null, null,
                List.of(), List.of(), List.of())).as(vantageId, "agent", extra);
        String status = lostNote != null ? VantageEvidence.LOST : base.status();
        if (VantageEvidence.RUNNING.equals(status)) {
            status = VantageEvidence.STOPPED; // ended here (cancelled) before the agent said so
        }
        if (evidence.complete(base.withStatus(status, lostNote == null ? null
                : Instant.ofEpochMilli(lastHeardMs).toString(), clock.ms(), lostNote))) {
            released();
        }
    }

    @Override
    public final List<CaptureProgress.Check> progress() {
        List<CaptureProgress.Check> out = new ArrayList<>();
        synchronized (checks) {
            for (var c : checks.entrySet()) {
                out.add(new CaptureProgress.Check(vantageId, c.getKey(), c.getValue()[0],
                        c.getValue()[0] == 0 ? 0 : 100.0 * c.getValue()[1] / c.getValue()[0]));
            }
        }
        return out;
    }

    @Override
    public final long probesSent() {
        synchronized (checks) {
            return sent;
        }
    }

    @Override
    public final VantageEvidence snapshot() {
        return evidence.isDone() ? evidence.join() : latest;
    }

    @Override
    public final void cancel() {
        if (!evidence.isDone()) {
            requestCancel();
        }
    }

    @Override
    public final CompletableFuture<VantageEvidence> evidence() {
        return evidence;
    }

    /** Sleeps, keeping an interrupt for the caller's loop to see. */
    protected static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
