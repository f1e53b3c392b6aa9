package io.pathprobe.ticket.diagnosis;

import java.util.Locale;

/**
 * How sure a finding is. HIGH: the evidence rules out the other known causes. MEDIUM: it fits this cause and
 * argues against the others, but one piece of deciding evidence is missing. LOW: it fits, and so does another
 * cause; the finding says what would tell them apart.
 */
public enum Confidence {
    LOW, MEDIUM, HIGH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
