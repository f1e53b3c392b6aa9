package io.pathprobe.ticket.diagnosis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How sure a finding is. A cause's signature has several parts (which vantage points fail, the share that fails
 * and whether it fits k of N backends, ping against TCP, what the vantage point is: a backend, a listener on the
 * port); a rule's confidence follows from how many of them the evidence pins down (each rule's
 * {@link DiagnosisRule#needs()} says which). HIGH: the evidence rules out the other known causes. MEDIUM: it fits
 * this cause and argues against the others, but one piece of deciding evidence is missing. LOW: it fits, and so
 * does another cause; the finding says what would tell them apart.
 */
public enum Confidence {
    LOW, MEDIUM, HIGH;

    /** {@code low}, {@code medium}, {@code high}: the JSON form. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The label as a text of the report's bundle: {@code confidence.LABEL}. */
    public Text text() {
        return Text.of("confidence." + label());
    }

    @JsonCreator
    public static Confidence fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
