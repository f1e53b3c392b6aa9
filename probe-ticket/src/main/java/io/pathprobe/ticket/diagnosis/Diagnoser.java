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
            List<NextStep> steps = new ArrayList<>(steps(top));
            if (top.confidence() != Confidence.HIGH) {
                steps.addAll(tellApart(findings)); // not certain: say what would rule the others out
            }
            return Diagnosis.of(top.cause().id(), Text.of("headline.cause", top.cause().number(),
                    top.cause().titleText(), top.confidence().text()), top.confidence(), findings, observations,
                    steps);
        }
        List<VantageEvidence> measured = Signals.measured(e);
        boolean anyFailure = !findings.isEmpty() || measured.stream().anyMatch(v -> !Signals.allClean(v)
                && !Signals.echoLimitedOnly(v)
                || v.traces().stream().anyMatch(t -> Signals.persistentLossBeforeDestination(t) != null));
        if (measured.isEmpty()) {
            return Diagnosis.of(Diagnosis.INCONCLUSIVE, Text.of("headline.nothing-measured"), null, findings,
                    observations, List.of(NextStep.of("general.run-longer",
                            Text.of("general.step.run-longer", Signals.MIN_SAMPLES))));
        }
        if (anyFailure) {
            Set<NextStep> steps = new LinkedHashSet<>(tellApart(findings));
            findings.forEach(f -> steps.addAll(steps(f)));
            if (Signals.independentCount(measured) < 2) {
                steps.add(NextStep.of("general.second-vantage", Text.of("general.step.second-vantage")));
            }
            if (e.hostChecks().isEmpty()) {
                steps.add(NextStep.of("general.hostcheck", Text.of("general.step.hostcheck")));
            }
            Text headline = findings.isEmpty() ? Text.of("headline.inconclusive.none")
                    : Text.of("headline.inconclusive.candidates", candidates(findings));
            return Diagnosis.of(Diagnosis.INCONCLUSIVE, headline, null, findings, observations,
                    List.copyOf(steps));
        }
        long fewest = measured.stream().flatMap(v -> series(v).stream())
                .mapToLong(s -> s.stats().answered()).min().orElse(0);
        boolean pingMeasured = measured.stream().anyMatch(v -> Signals.ping(v) != Health.UNMEASURED);
        List<Integer> portsUnmeasured = e.facts().ports().stream().filter(p -> measured.stream()
                .allMatch(v -> Signals.tcp(v, p) == Health.UNMEASURED)).toList();
        Confidence c = fewest >= THOROUGH_SAMPLES ? Confidence.HIGH : Confidence.MEDIUM;
        String where = measured.size() == 1 ? ".one" : ".many";
        Text headline;
        boolean echoLimited = measured.stream().anyMatch(Signals::echoLimitedOnly);
        if (pingMeasured && portsUnmeasured.isEmpty() && echoLimited) {
            headline = Text.of("headline.no-fault.echo-limited" + where);
        } else if (pingMeasured && portsUnmeasured.isEmpty()) {
            headline = Text.of("headline.no-fault" + where);
        } else {
            c = Confidence.LOW; // a check that did not run cannot have found the fault
            List<Text> missing = new ArrayList<>();
            if (!pingMeasured) {
                missing.add(Text.of("missing.ping"));
            }
            portsUnmeasured.forEach(p -> missing.add(Text.of("missing.port", p)));
            headline = Text.of("headline.no-fault.partial" + where, Text.join("list.comma", missing));
        }
        return Diagnosis.of(Diagnosis.NO_FAULT_FOUND, headline, c, findings, observations,
                List.of(NextStep.of("general.intermittent", Text.of("general.step.intermittent"))));
    }

    /** A finding's structured steps; a finding in words only (made elsewhere) gets them as untranslated lines. */
    private static List<NextStep> steps(Finding f) {
        return !f.steps().isEmpty() || f.nextSteps().isEmpty() ? f.steps()
                : f.nextSteps().stream().map(s -> NextStep.of("general.untranslated", Text.of("literal", s)))
                .toList();
    }

    /**
     * For every pair of causes among the findings, what would tell them apart (the measurement whose outcome
     * differs between the two signatures).
     */
    static List<NextStep> tellApart(List<Finding> findings) {
        List<NextStep> out = new ArrayList<>();
        for (int i = 0; i < findings.size(); i++) {
            for (int j = i + 1; j < findings.size(); j++) {
                int a = findings.get(i).cause().number();
                int b = findings.get(j).cause().number();
                String pair = Math.min(a, b) + "-" + Math.max(a, b);
                if (APART.contains(pair)) {
                    out.add(NextStep.of("general.tell-apart." + pair, Text.of("apart." + pair)));
                }
            }
        }
        return out;
    }

    /** The pairs of causes one measurement tells apart (each has its message {@code apart.LO-HI}). */
    static final Set<String> APART = Set.of("1-2", "1-3", "1-4", "1-5", "2-3", "2-4", "2-5", "3-4", "3-5", "4-5");

    private static Text candidates(List<Finding> findings) {
        List<Text> names = new ArrayList<>();
        for (Finding f : findings) {
            names.add(Text.of("cause.ref", f.cause().number(), f.cause().titleText()));
        }
        return Text.join("list.or", names);
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
