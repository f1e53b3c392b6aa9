package io.pathprobe.ticket.evidence;

import io.pathprobe.ticket.hostcheck.SelfCheck;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything measured from one vantage point.
 *
 * @param id            the vantage point's identifier, e.g. {@code local}, {@code src:10.0.0.2}, {@code netns:lab1}
 * @param kind          {@code local}, {@code netns} (later also {@code agent})
 * @param details       descriptive key/values of the vantage point (namespace, interface, bound address, ...)
 * @param sourceAddress the source address the client's packets to the target leave from (as the kernel picks it),
 *                      or {@code null} when it could not be found
 * @param publicIp      the address a public-IP service reported for this vantage point, or {@code null}
 * @param ping          the sustained ping, or {@code null} when it did not run
 * @param traces        the MTR traces (ICMP mode, TCP mode per port)
 * @param tcp           the TCP connect checks, one per port
 * @param notes         problems met while capturing (e.g. a prober not available), for people
 * @param self          what the vantage point found about itself without sending anything (does it listen on the
 *                      probed ports, is it a backend, its networks), or {@code null} when not checked
 * @param status        how the capture ended here: {@value #COMPLETE} (ran its duration), {@value #STOPPED}
 *                      (cancelled early, e.g. Ctrl-C) or {@value #LOST} (a remote agent stopped answering: the
 *                      evidence is what arrived until then, or it could not be reached at the start) or
 *                      {@value #REFUSED} (the agent refused the plan: policy, quota, authentication)
 * @param lostAt        when a lost agent was last heard from (ISO-8601, the coordinator's clock), else {@code null}
 * @param clockOffsetMs a remote agent's clock minus the coordinator's, as estimated from request and response
 *                      times, or {@code null} on this host
 */
public record VantageEvidence(String id, String kind, Map<String, String> details, String sourceAddress,
                              String publicIp, ProbeSeries ping, List<TraceEvidence> traces, List<ProbeSeries> tcp,
                              List<String> notes, SelfCheck self, String status, String lostAt,
                              Double clockOffsetMs) {
    public static final String COMPLETE = "complete";
    public static final String STOPPED = "stopped";
    public static final String LOST = "lost";
    public static final String REFUSED = "refused";
    /** Evidence so far of a capture still running (never in a finished bundle). */
    public static final String RUNNING = "running";

    public VantageEvidence {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        status = status == null ? COMPLETE : status;
        if (!status.equals(COMPLETE) && !status.equals(STOPPED) && !status.equals(LOST) && !status.equals(RUNNING)
                && !status.equals(REFUSED)) {
            throw new IllegalArgumentException("vantage status '" + status + "' is not known");
        }
        details = details == null ? Map.of() : Map.copyOf(details);
        traces = traces == null ? List.of() : List.copyOf(traces);
        tcp = tcp == null ? List.of() : List.copyOf(tcp);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** Evidence of a capture that ran its course, without a self check. */
    public VantageEvidence(String id, String kind, Map<String, String> details, String sourceAddress,
                           String publicIp, ProbeSeries ping, List<TraceEvidence> traces, List<ProbeSeries> tcp,
                           List<String> notes) {
        this(id, kind, details, sourceAddress, publicIp, ping, traces, tcp, notes, null, COMPLETE, null, null);
    }

    /** The same evidence with another status, loss time and clock offset, and {@code note} added (if not null). */
    public VantageEvidence withStatus(String newStatus, String newLostAt, Double offsetMs, String note) {
        List<String> n = new java.util.ArrayList<>(notes);
        if (note != null) {
            n.add(note);
        }
        return new VantageEvidence(id, kind, details, sourceAddress, publicIp, ping, traces, tcp, n, self, newStatus,
                newLostAt, offsetMs);
    }

    /** The same evidence under another id and kind, with {@code extra} details (a coordinator's view of it). */
    public VantageEvidence as(String newId, String newKind, Map<String, String> extra) {
        Map<String, String> d = new java.util.LinkedHashMap<>(details);
        d.putAll(extra);
        return new VantageEvidence(newId, newKind, d, sourceAddress, publicIp, ping, traces, tcp, notes, self,
                status, lostAt, clockOffsetMs);
    }

    /** Whether a remote agent was lost during the capture. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean lost() {
        return LOST.equals(status);
    }

    /** The same evidence with {@code newSelf} in place of the self check. */
    public VantageEvidence withSelf(SelfCheck newSelf) {
        return new VantageEvidence(id, kind, details, sourceAddress, publicIp, ping, traces, tcp, notes, newSelf,
                status, lostAt, clockOffsetMs);
    }

    /** The address that identifies this client to the provider: the public IP if known, else the source address. */
    public String clientAddress() {
        return publicIp != null ? publicIp : sourceAddress;
    }

    /** The TCP check of {@code port}, or {@code null}. */
    public ProbeSeries tcp(int port) {
        for (ProbeSeries s : tcp) {
            if (s.port() == port) {
                return s;
            }
        }
        return null;
    }

    /** The trace in {@code mode} (and {@code port} for TCP/UDP), or {@code null}. */
    public TraceEvidence trace(String mode, int port) {
        for (TraceEvidence t : traces) {
            if (t.mode().equals(mode) && t.port() == port) {
                return t;
            }
        }
        return null;
    }
}
