package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static io.pathprobe.ticket.diagnosis.Signals.line;

/**
 * Cause 3: a backend that is also a client of its own (layer-4) load balancer. Some of its connections are
 * forwarded back to itself and fail, so from that host roughly 1 in N connections fail (N backends), scattered
 * through the run, while its ping is clean and other clients connect without failures.
 */
final class BackendLoopRule implements DiagnosisRule {
    @Override
    public Cause cause() {
        return Cause.BACKEND_LOOP;
    }

    @Override
    public String needs() {
        return "A vantage point whose TCP check of a port partly fails (neither clean nor dead), with the failures"
                + " scattered through the run (two or more separate runs of failures) while its ping is clean."
                + " HIGH when that vantage point is known to be a backend (its source address is in --backends, or"
                + " a hostcheck on it found its own address among the backends) and another client's check of the"
                + " port is clean; MEDIUM when it is a backend but there is no other client to compare with; LOW"
                + " when it is not known to be a backend but other clients are clean. No finding when other"
                + " clients fail too (that is not this host's problem).";
    }

    @Override
    public Optional<Finding> evaluate(TicketEvidence e) {
        Finding best = null;
        for (VantageEvidence v : Signals.measured(e)) {
            Health ping = Signals.ping(v);
            if (ping == Health.PARTIAL || ping == Health.DEAD) {
                continue; // packet loss on the path explains partial TCP failures better (cause 4)
            }
            for (ProbeSeries s : v.tcp()) {
                Finding f = evaluate(e, v, s);
                if (f != null && (best == null || f.confidence().compareTo(best.confidence()) > 0)) {
                    best = f;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private Finding evaluate(TicketEvidence e, VantageEvidence v, ProbeSeries s) {
        if (Signals.health(s) != Health.PARTIAL || !Signals.failuresSpread(s)) {
            return null;
        }
        int port = s.port();
        List<VantageEvidence> others = Signals.measured(e).stream()
                .filter(o -> o != v && Signals.tcp(o, port) != Health.UNMEASURED).toList();
        if (others.stream().anyMatch(o -> Signals.tcp(o, port) != Health.CLEAN)) {
            return null;
        }
        boolean backend = Signals.isBackend(e, v);
        Confidence c;
        if (backend) {
            c = others.isEmpty() ? Confidence.MEDIUM : Confidence.HIGH;
        } else if (!others.isEmpty()) {
            c = Confidence.LOW;
        } else {
            return null;
        }
        double failed = (double) s.stats().failed() / s.stats().answered();
        long n = Math.max(1, Math.round(1 / failed));
        List<String> ev = new ArrayList<>();
        ev.add(line(v, s));
        if (v.ping() != null) {
            ev.add(line(v, v.ping()));
        }
        others.forEach(o -> ev.add(line(o, o.tcp(port))));
        if (backend) {
            ev.add("[" + v.id() + "] source address " + v.sourceAddress() + " is a backend of the load balancer");
        }
        List<String> steps = new ArrayList<>();
        steps.add("Do not send a backend's own requests through its load balancer's VIP: call the service on the"
                + " host itself (127.0.0.1 or its own address), or through another load balancer or a layer-7"
                + " (HTTP/HTTPS) listener. A layer-4 listener forwards some of a backend's connections back to"
                + " itself, and those fail.");
        if (!backend) {
            steps.add("Check whether " + v.id() + " (source " + v.sourceAddress() + ") is a backend of the load"
                    + " balancer: run 'pathprobe hostcheck --backends ADDR,...' on it, or give --backends to the"
                    + " capture.");
        }
        String summary = String.format(Locale.ROOT, "From %s, %s of connections to port %d fail (about 1 in %d),"
                        + " scattered through the run, while ping is clean%s%s.", v.id(),
                Signals.pct(100 * failed), port, n,
                others.isEmpty() ? "" : " and other clients connect without failures",
                backend ? ": this host is a backend of the load balancer and its connections loop back to itself"
                        : "; if this host is a backend of the load balancer, its connections loop back to itself");
        return new Finding(cause(), c, summary, ev, steps);
    }
}
