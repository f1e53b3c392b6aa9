package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.hostcheck.HostChecks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs the rules over a ticket's evidence and weighs their findings:
 * <ul>
 *   <li>the most confident finding is the verdict when it is at least {@link Confidence#MEDIUM};</li>
 *   <li>when only {@link Confidence#LOW} findings match, or something failed that no rule explains, the verdict is
 *       {@value Diagnosis#INCONCLUSIVE}, with the candidates and what would tell them apart;</li>
 *   <li>when every measured check from every vantage point is clean and no trace shows loss before the
 *       destination, the verdict is {@value Diagnosis#NO_FAULT_FOUND}.</li>
 * </ul>
 */
public final class Diagnoser {
    /** Probes per series for a "no fault found" of HIGH confidence (some ten minutes at one per second would do). */
    static final long THOROUGH_SAMPLES = 100;

    private final List<DiagnosisRule> rules;

    /** With the five rules of the known causes. */
    public Diagnoser() {
        this(defaultRules());
    }

    public Diagnoser(List<DiagnosisRule> rules) {
        this.rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
    }

    /** The rules of causes 1 to 5, in that order. */
    public static List<DiagnosisRule> defaultRules() {
        return List.of(new NoListenerRule(), new RpFilterRule(), new BackendLoopRule(), new ClientPathRule(),
                new ClientIpBlockedRule());
    }

    public List<DiagnosisRule> rules() {
        return rules;
    }

    public Diagnosis diagnose(TicketEvidence e) {
        List<Finding> findings = new ArrayList<>();
        for (DiagnosisRule r : rules) {
            r.evaluate(e).ifPresent(findings::add);
        }
        findings.sort(Comparator.comparing(Finding::confidence).reversed()
                .thenComparing(f -> f.cause().number()));
        List<String> observations = observations(e);
        if (!findings.isEmpty() && findings.get(0).confidence() != Confidence.LOW) {
            Finding top = findings.get(0);
            List<String> steps = new ArrayList<>(top.nextSteps());
            if (top.confidence() != Confidence.HIGH) {
                steps.addAll(tellApart(findings)); // not certain: say what would rule the others out
            }
            return new Diagnosis(top.cause().id(), "Cause " + top.cause().number() + ": " + top.cause().title()
                    + " (" + top.confidence().label() + " confidence)", top.confidence(), findings, observations,
                    steps);
        }
        List<VantageEvidence> measured = Signals.measured(e);
        boolean anyFailure = !findings.isEmpty() || measured.stream().anyMatch(v -> !Signals.allClean(v)
                && !Signals.echoLimitedOnly(v)
                || v.traces().stream().anyMatch(t -> Signals.persistentLossBeforeDestination(t) != null));
        if (measured.isEmpty()) {
            return new Diagnosis(Diagnosis.INCONCLUSIVE, "Inconclusive: nothing was measured", null, findings,
                    observations, List.of("Run the capture for longer (at least " + Signals.MIN_SAMPLES
                    + " probes per check) and check the notes for probers that could not run."));
        }
        if (anyFailure) {
            Set<String> steps = new LinkedHashSet<>(tellApart(findings));
            findings.forEach(f -> steps.addAll(f.nextSteps()));
            if (Signals.independentCount(measured) < 2) {
                steps.add("Capture from a second, independent network at the same time (--vantage): whether the"
                        + " failures are seen from everywhere or only from here tells most causes apart.");
            }
            if (e.hostChecks().isEmpty()) {
                steps.add("Run 'pathprobe hostcheck' on each backend and give its --json output to the capture.");
            }
            String headline = findings.isEmpty()
                    ? "Inconclusive: failures were seen, but they match none of the known causes"
                    : "Inconclusive: the evidence fits " + candidates(findings) + "; see what would tell them apart";
            return new Diagnosis(Diagnosis.INCONCLUSIVE, headline, null, findings, observations,
                    List.copyOf(steps));
        }
        long fewest = measured.stream().flatMap(v -> series(v).stream())
                .mapToLong(s -> s.stats().answered()).min().orElse(0);
        boolean pingMeasured = measured.stream().anyMatch(v -> Signals.ping(v) != Health.UNMEASURED);
        List<Integer> portsUnmeasured = e.facts().ports().stream().filter(p -> measured.stream()
                .allMatch(v -> Signals.tcp(v, p) == Health.UNMEASURED)).toList();
        Confidence c = fewest >= THOROUGH_SAMPLES ? Confidence.HIGH : Confidence.MEDIUM;
        String where = measured.size() == 1 ? "the vantage point" : "every vantage point";
        String headline;
        boolean echoLimited = measured.stream().anyMatch(Signals::echoLimitedOnly);
        if (pingMeasured && portsUnmeasured.isEmpty() && echoLimited) {
            headline = "No fault found: every port connected from " + where + "; only ping lost replies (the VIP"
                    + " rate-limits ICMP echo)";
        } else if (pingMeasured && portsUnmeasured.isEmpty()) {
            headline = "No fault found: the VIP answered ping and every port connected from " + where;
        } else {
            c = Confidence.LOW; // a check that did not run cannot have found the fault
            List<String> missing = new ArrayList<>();
            if (!pingMeasured) {
                missing.add("ping");
            }
            portsUnmeasured.forEach(p -> missing.add("TCP port " + p));
            headline = "No fault found in what was measured from " + where + "; not measured: "
                    + String.join(", ", missing);
        }
        return new Diagnosis(Diagnosis.NO_FAULT_FOUND, headline, c, findings, observations,
                List.of("If the problem is intermittent, run a longer capture (--duration) while it happens, from"
                        + " the affected client's network."));
    }

    /**
     * For every pair of causes among the findings, what would tell them apart (the measurement whose outcome
     * differs between the two signatures).
     */
    static List<String> tellApart(List<Finding> findings) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < findings.size(); i++) {
            for (int j = i + 1; j < findings.size(); j++) {
                Cause a = findings.get(i).cause();
                Cause b = findings.get(j).cause();
                Cause lo = a.number() < b.number() ? a : b;
                Cause hi = lo == a ? b : a;
                String how = apart(lo, hi);
                if (how != null) {
                    out.add("To tell cause " + lo.number() + " from cause " + hi.number() + ": " + how);
                }
            }
        }
        return out;
    }

    private static String apart(Cause lo, Cause hi) {
        return switch (lo.number() * 10 + hi.number()) {
            case 12 -> "look at the load balancer's console — no listener on the port is cause 1; a listener whose"
                    + " health checks pass is cause 2 (then run 'pathprobe hostcheck' on each backend).";
            case 13, 15 -> "capture at the same time from another, independent network — cause 1 fails from"
                    + " everywhere, cause " + hi.number() + " only from " + (hi.number() == 3 ? "the backend" : "here")
                    + ".";
            case 14 -> "an MTR from the failing client — loss that begins at a router before the VIP is cause 4;"
                    + " routers that answer cleanly up to a silent VIP are cause 1.";
            case 23 -> "whether the failing host is a backend (give --backends; its self check shows whether it"
                    + " listens on the port) and a capture from a client that is not a backend — one filtering"
                    + " backend (cause 2) fails every client by about the same share, a backend's own loop (cause 3)"
                    + " only that backend.";
            case 24, 34 -> "ping and MTR — path loss (cause 4) loses pings too and shows where in the MTR; cause "
                    + lo.number() + " fails TCP only, with a clean ping.";
            case 25 -> "another independent network — a blocked IP (cause 5) fails only from here and ping too;"
                    + " rp_filter (cause 2) fails TCP from everywhere while ping answers.";
            case 35 -> "ping from the failing host — cause 5 blocks ping as well; a backend loop (cause 3) leaves"
                    + " ping clean and fails only some connects.";
            case 45 -> "the MTR from the failing client — loss that begins at a router before the VIP is cause 4;"
                    + " every router answering cleanly with only the VIP silent is cause 5.";
            default -> null;
        };
    }

    private static String candidates(List<Finding> findings) {
        List<String> names = new ArrayList<>();
        for (Finding f : findings) {
            names.add("cause " + f.cause().number() + " (" + f.cause().title() + ")");
        }
        return String.join(" or ", names);
    }

    private static List<ProbeSeries> series(VantageEvidence v) {
        List<ProbeSeries> all = new ArrayList<>();
        if (v.ping() != null && Signals.health(v.ping()) != Health.UNMEASURED) {
            all.add(v.ping());
        }
        v.tcp().stream().filter(s -> Signals.health(s) != Health.UNMEASURED).forEach(all::add);
        return all;
    }

    /** One line per measurement: what a person reads before the findings' reasoning. */
    static List<String> observations(TicketEvidence e) {
        List<String> lines = new ArrayList<>();
        for (VantageEvidence v : e.vantagePoints()) {
            if (v.lost()) {
                lines.add("[" + v.id() + "] agent lost at " + v.lostAt() + ": what it measured until then is kept,"
                        + " and its figures cover only that part of the capture");
            }
            if (v.ping() != null) {
                lines.add(Signals.line(v, v.ping()));
            }
            v.tcp().forEach(s -> lines.add(Signals.line(v, s)));
            for (TraceEvidence t : v.traces()) {
                lines.add(Signals.line(v, t));
            }
            v.notes().forEach(n -> lines.add("[" + v.id() + "] note: " + n));
            if (Signals.echoLimitedOnly(v)) {
                lines.add("[" + v.id() + "] ping loses replies while every TCP check and trace is clean: ICMP echo is"
                        + " rate-limited at the VIP, not lost on the path");
            }
        }
        for (HostCheckReport h : e.hostChecks()) {
            lines.add("[hostcheck " + HostChecks.where(h) + "] " + HostChecks.problemLine(h));
            if (!h.backendsOnThisHost().isEmpty()) {
                lines.add("[hostcheck " + HostChecks.where(h) + "] this host owns backend address(es) "
                        + String.join(", ", h.backendsOnThisHost()));
            }
        }
        return lines;
    }
}
