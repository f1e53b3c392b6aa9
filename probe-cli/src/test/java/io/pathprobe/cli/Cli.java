package io.pathprobe.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@link Main} in this JVM with captured stdout and stderr. */
record Cli(int code, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }

    List<String> outLines() {
        return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }

    long outLinesStartingWith(String prefix) {
        return outLines().stream().filter(l -> l.startsWith(prefix)).count();
    }

    /** Exit 2, nothing on stdout, exactly one line on stderr (no stack trace) that contains {@code expected}. */
    void assertUsageError(String expected) {
        assertEquals(2, code, () -> "exit status; stderr: " + err);
        assertEquals("", out, "nothing on stdout");
        assertTrue(err.endsWith("\n"), "a complete line: " + err);
        assertEquals(1, err.split("\n").length, () -> "one line on stderr: " + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), () -> "no stack trace: " + err);
        assertTrue(err.contains(expected), () -> "stderr names the problem (" + expected + "): " + err);
    }
}
