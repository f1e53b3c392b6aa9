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
 */
public record VantageEvidence(String id, String kind, Map<String, String> details, String sourceAddress,
                              String publicIp, ProbeSeries ping, List<TraceEvidence> traces, List<ProbeSeries> tcp,
                              List<String> notes, SelfCheck self) {
    public VantageEvidence {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        details = details == null ? Map.of() : Map.copyOf(details);
        traces = traces == null ? List.of() : List.copyOf(traces);
        tcp = tcp == null ? List.of() : List.copyOf(tcp);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** Without a self check (evidence from elsewhere). */
    public VantageEvidence(String id, String kind, Map<String, String> details, String sourceAddress,
                           String publicIp, ProbeSeries ping, List<TraceEvidence> traces, List<ProbeSeries> tcp,
                           List<String> notes) {
        this(id, kind, details, sourceAddress, publicIp, ping, traces, tcp, notes, null);
    }

    /** The same evidence with {@code self} in place of the self check. */
    public VantageEvidence withSelf(SelfCheck self) {
        return new VantageEvidence(id, kind, details, sourceAddress, publicIp, ping, traces, tcp, notes, self);
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
