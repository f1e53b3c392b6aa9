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
 * Cause 3: a backend that is also a client of its own (layer-4) load balancer. The connections the load balancer
 * forwards back to the same host fail, so from that host about k in N of its connects fail (N backends, k of them
 * this host: usually 1), scattered through the run, while its ping is clean and clients that are not backends
 * connect without failures. Several backends can loop at once: each sees its own share.
 *
 * <p>The signature's parts: the failing host is a backend (known from {@code --backends} or a hostcheck, or likely
 * because it listens on the probed port itself); the failures are seen only from backends (another client is
 * clean); the share fits k/N when N is known.
 */
final class BackendLoopRule implements DiagnosisRule {
    /** How sure the failing host is a backend. */
    enum Identity { KNOWN, LIKELY, UNKNOWN }

    @Override
    public Cause cause() {
        return Cause.BACKEND_LOOP;
    }

    @Override
    public String needs() {
        return "A vantage point whose TCP check of a port partly fails (neither clean nor dead), with the failures"
                + " scattered through the run (two or more separate runs of failures) while its ping is clean, and"
                + " every vantage point that is not such a host clean on that port. HIGH when the failing host is"
                + " known to be a backend (one of its addresses is in --backends, or a hostcheck on it found its"
                + " own address among the backends) and another client is clean; MEDIUM when it is known to be a"
                + " backend with nobody to compare, or when it is not known but listens on the probed port itself"
                + " (its self check: probably a backend); LOW when neither is known (then cause 2 with one bad"
                + " backend of N fits too). One step lower when N is known (--backends) and the failed share does"
                + " not fit k/N. No finding when a client that is not a backend fails too, or when --backends is"
                + " given and the host is not among them and does not listen on the port.";
    }

    @Override
    public Optional<Finding> evaluate(TicketEvidence e) {
        Finding best = null;
        for (int port : e.facts().ports()) {
            Finding f = evaluate(e, port);
            if (f != null && (best == null || f.confidence().compareTo(best.confidence()) > 0)) {
                best = f;
            }
        }
        return Optional.ofNullable(best);
    }

    private Finding evaluate(TicketEvidence e, int port) {
        List<VantageEvidence> measured = Signals.measured(e).stream()
                .filter(v -> Signals.tcp(v, port) != Health.UNMEASURED).toList();
        List<VantageEvidence> looping = measured.stream().filter(v -> loops(e, v, port)).toList();
        if (looping.isEmpty()) {
            return null;
        }
        List<VantageEvidence> others = measured.stream().filter(o -> !looping.contains(o)).toList();
        if (others.stream().anyMatch(o -> Signals.tcp(o, port) != Health.CLEAN)) {
            return null; // a client that is not looping fails too: not these hosts' problem (cause 2 or 4)
        }
        boolean othersClean = !others.isEmpty();
        int n = e.facts().backends().size();
        Confidence c = Confidence.LOW;
        List<String> ev = new ArrayList<>();
        List<Text> parts = new ArrayList<>();
        List<NextStep> steps = new ArrayList<>();
        Identity weakest = Identity.KNOWN;
        for (VantageEvidence v : looping) {
            ProbeSeries s = v.tcp(port);
            Identity id = identity(e, v, port);
            weakest = id.ordinal() > weakest.ordinal() ? id : weakest;
            Confidence vc = switch (id) {
                case KNOWN -> othersClean ? Confidence.HIGH : Confidence.MEDIUM;
                case LIKELY -> Confidence.MEDIUM;
                case UNKNOWN -> Confidence.LOW;
            };
            int k = Math.max(1, v.self() == null ? 1 : v.self().withBackends(e.facts().backends())
                    .backendAddresses().size());
            Text part;
            if (n > 0) {
                boolean fits = Shares.fits(s, k, n);
                part = Text.of(fits ? "backend-loop.part.fits" : "backend-loop.part.misfit", v.id(), Shares.phrase(s),
                        k, n);
                if (!fits) {
                    vc = NoListenerRule.lower(vc);
                }
            } else {
                int guess = Shares.guessOneInN(s);
                part = guess > 0 ? Text.of("backend-loop.part.guess", v.id(), Shares.phrase(s), guess)
                        : Text.of("backend-loop.part.unknown", v.id(), Shares.phrase(s));
            }
            c = vc.compareTo(c) > 0 ? vc : c;
            parts.add(part);
            ev.add(line(v, s));
            if (v.ping() != null) {
                ev.add(line(v, v.ping()));
            }
            ev.addAll(selfLines(e, v, port));
            if (id != Identity.KNOWN) {
                steps.add(NextStep.of("backend-loop.check-backend", Text.of("backend-loop.step.check-backend",
                        v.id(), v.sourceAddress())));
            }
        }
        others.forEach(o -> ev.add(line(o, o.tcp(port))));
        steps.add(0, NextStep.of("backend-loop.no-own-vip", Text.of("backend-loop.step.no-own-vip")));
        // The guide's remedy for Windows backends: a loopback adapter and the weak host model on every interface.
        steps.add(0, NextStep.withCommands("backend-loop.windows-weak-host", Text.of(
                "backend-loop.step.windows-weak-host", WINDOWS_WEAK_HOST.get(0), WINDOWS_WEAK_HOST.get(1),
                WINDOWS_WEAK_HOST.get(2)), WINDOWS_WEAK_HOST));
        if (!othersClean) {
            steps.add(NextStep.of("backend-loop.compare-client", Text.of("backend-loop.step.compare-client")));
        }
        boolean one = looping.size() == 1;
        String number = one ? ".one" : ".many";
        Text seen = Text.of("backend-loop.summary" + number + (othersClean ? ".others-clean" : ""), port,
                Text.join("list.semicolon", parts));
        Text why = Text.of("backend-loop.summary.why." + weakest.name().toLowerCase(Locale.ROOT) + number, port);
        return Finding.of(cause(), c, Text.of("sentences", seen, why), ev, steps);
    }

    /**
     * The weak host model, so that Windows accepts and sends the VIP's packets on the loopback adapter: list the
     * interfaces, then for each index (IDX) enable weak host send and receive.
     */
    static final List<String> WINDOWS_WEAK_HOST = List.of("netsh interface ipv4 show interface",
            "netsh interface ipv4 set interface IDX weakhostsend=enabled",
            "netsh interface ipv4 set interface IDX weakhostreceive=enabled");

    /** Partial, scattered TCP failures on {@code port} with a clean ping, from a host that may be a backend. */
    static boolean loops(TicketEvidence e, VantageEvidence v, int port) {
        Health ping = Signals.ping(v);
        ProbeSeries s = v.tcp(port);
        return ping != Health.PARTIAL && ping != Health.DEAD && s != null && Signals.health(s) == Health.PARTIAL
                && Signals.failuresSpread(s) && !Signals.knownNotBackend(e, v, port);
    }

    static Identity identity(TicketEvidence e, VantageEvidence v, int port) {
        if (Signals.isBackend(e, v)) {
            return Identity.KNOWN;
        }
        return Signals.listensOn(v, port) ? Identity.LIKELY : Identity.UNKNOWN;
    }

    /** What the self check says about the host, for the evidence. */
    static List<String> selfLines(TicketEvidence e, VantageEvidence v, int port) {
        List<String> out = new ArrayList<>();
        if (Signals.listensOn(v, port)) {
            out.add("[" + v.id() + "] this host listens on :" + port + " itself (its own sockets, no probe sent)");
        }
        if (Signals.isBackend(e, v)) {
            List<String> mine = v.self() == null ? List.of()
                    : v.self().withBackends(e.facts().backends()).backendAddresses();
            out.add("[" + v.id() + "] " + (mine.isEmpty() ? "source address " + v.sourceAddress()
                    : "address " + String.join(", ", mine)) + " is a backend of the load balancer");
        }
        return out;
    }
}
