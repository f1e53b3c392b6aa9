package io.pathprobe.ticket.diagnosis;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One thing to do, as other tools can show it: a stable id (the kind of step: the same id in every ticket and
 * language, e.g. {@code backend-loop.windows-weak-host}), the text, and what to type verbatim. Commands and file
 * lines are never translated; the text names them too, so that the step reads whole on one line.
 *
 * @param id        the kind of step: {@code CAUSE-ID.STEP} or {@code general.STEP}
 * @param text      what to do, in words
 * @param commands  the commands to run, in order (none when the step is not a command); a placeholder in capitals
 *                  (e.g. {@code IDX}) is for the user to fill in
 * @param file      the file to edit, or {@code null}
 * @param fileLines the lines to add to {@code file}, before the commands run
 */
public record NextStep(String id, Text text, List<String> commands, String file, List<String> fileLines) {
    public NextStep {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        commands = commands == null ? List.of() : List.copyOf(commands);
        fileLines = fileLines == null ? List.of() : List.copyOf(fileLines);
    }

    /** A step without commands. */
    public static NextStep of(String id, Text text) {
        return new NextStep(id, text, List.of(), null, List.of());
    }

    /** A step with commands. */
    public static NextStep withCommands(String id, Text text, List<String> commands) {
        return new NextStep(id, text, commands, null, List.of());
    }

    /** The step as one line of text in {@code locale}. */
    public String line(Locale locale) {
        return text.render(locale);
    }
}
