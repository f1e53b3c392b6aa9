package io.pathprobe.ticket.diagnosis;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The conclusion over a ticket's evidence.
 *
 * @param verdict      the id of the cause found ({@link Cause#id()}), or {@value #NO_FAULT_FOUND}, or
 *                     {@value #INCONCLUSIVE}
 * @param headline     one line for people (English: {@code headlineText} rendered)
 * @param confidence   the confidence of the verdict's finding; for "no fault found", how much was measured;
 *                     {@code null} when inconclusive
 * @param findings     every rule that matched, most confident first (for an inconclusive verdict: the candidates)
 * @param observations what was measured, per vantage point and check, in one line each (not translated)
 * @param nextSteps    what to do next (English: {@code steps} as lines)
 * @param headlineText the headline, language-neutral; {@code null} in files written before it existed
 * @param steps        the next steps, structured (id, text, commands); empty in files written before
 */
public record Diagnosis(String verdict, String headline, Confidence confidence, List<Finding> findings,
                        List<String> observations, List<String> nextSteps, Text headlineText,
                        List<NextStep> steps) {
    public static final String NO_FAULT_FOUND = "no-fault-found";
    public static final String INCONCLUSIVE = "inconclusive";

    public Diagnosis {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(headline, "headline");
        findings = findings == null ? List.of() : List.copyOf(findings);
        observations = observations == null ? List.of() : List.copyOf(observations);
        nextSteps = nextSteps == null ? List.of() : List.copyOf(nextSteps);
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** A diagnosis in words only (no structured texts). */
    public Diagnosis(String verdict, String headline, Confidence confidence, List<Finding> findings,
                     List<String> observations, List<String> nextSteps) {
        this(verdict, headline, confidence, findings, observations, nextSteps, null, List.of());
    }

    /** A diagnosis from language-neutral texts; the English {@code headline} and {@code nextSteps} follow. */
    static Diagnosis of(String verdict, Text headline, Confidence confidence, List<Finding> findings,
                        List<String> observations, List<NextStep> steps) {
        return new Diagnosis(verdict, headline.english(), confidence, findings, observations,
                Finding.lines(steps, Locale.ENGLISH), headline, steps);
    }

    /** The headline in {@code locale}; the stored English one when there is no structured text. */
    public String headline(Locale locale) {
        return headlineText == null ? headline : headlineText.render(locale);
    }

    /** The next steps in {@code locale}, one line each. */
    public List<String> nextSteps(Locale locale) {
        return steps.isEmpty() ? nextSteps : Finding.lines(steps, locale);
    }

    /** The finding the verdict rests on, or {@code null} for "no fault found" and "inconclusive". */
    public Finding primary() {
        if (verdict.equals(NO_FAULT_FOUND) || verdict.equals(INCONCLUSIVE) || findings.isEmpty()) {
            return null;
        }
        return findings.get(0);
    }
}
