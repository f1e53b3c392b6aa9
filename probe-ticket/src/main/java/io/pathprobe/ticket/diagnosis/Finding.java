package io.pathprobe.ticket.diagnosis;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What one rule concluded.
 *
 * @param cause       the cause it points to
 * @param confidence  how sure it is
 * @param summary     one sentence for the top of the report (English: {@code summaryText} rendered)
 * @param evidence    the measurements that support it, one line each, prefixed with the vantage point (not
 *                    translated: measurements read the same in every language)
 * @param nextSteps   what to do: the fix, or what to measure to be sure (English: {@code steps} as lines)
 * @param summaryText the summary, language-neutral (a message key and its arguments); {@code null} in files
 *                    written before it existed
 * @param steps       the next steps, structured: an id, the text, the commands; empty in files written before
 */
public record Finding(Cause cause, Confidence confidence, String summary, List<String> evidence,
                      List<String> nextSteps, Text summaryText, List<NextStep> steps) {
    public Finding {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(summary, "summary");
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
        nextSteps = nextSteps == null ? List.of() : List.copyOf(nextSteps);
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** A finding in words only (no structured texts). */
    public Finding(Cause cause, Confidence confidence, String summary, List<String> evidence,
                   List<String> nextSteps) {
        this(cause, confidence, summary, evidence, nextSteps, null, List.of());
    }

    /** A finding from language-neutral texts; the English {@code summary} and {@code nextSteps} follow from them. */
    public static Finding of(Cause cause, Confidence confidence, Text summary, List<String> evidence,
                             List<NextStep> steps) {
        return new Finding(cause, confidence, summary.english(), evidence, lines(steps, Locale.ENGLISH), summary,
                steps);
    }

    /** The summary in {@code locale}; the stored English one when there is no structured text. */
    public String summary(Locale locale) {
        return summaryText == null ? summary : summaryText.render(locale);
    }

    /** The next steps in {@code locale}, one line each; the stored English ones when there are no structured steps. */
    public List<String> nextSteps(Locale locale) {
        return steps.isEmpty() ? nextSteps : lines(steps, locale);
    }

    static List<String> lines(List<NextStep> steps, Locale locale) {
        return steps.stream().map(s -> s.line(locale)).toList();
    }
}
