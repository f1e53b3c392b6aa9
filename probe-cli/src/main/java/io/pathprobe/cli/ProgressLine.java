package io.pathprobe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Progress of a long capture on stderr, for {@code ticket} and {@code mtr}: on a terminal one line redrawn in place
 * ({@code \r}, then erase to the end of the line), elsewhere (a file, a pipe, nohup.out) a new {@code progress:}
 * line each time, so that a log keeps the history and nothing in it is overwritten.
 */
final class ProgressLine {
    /** Erase from the cursor to the end of the line (ANSI EL). */
    static final String ERASE_TO_END = "\033[K";

    private final PrintWriter err;
    private final boolean inPlace;
    private boolean shown;

    ProgressLine(PrintWriter err, boolean inPlace) {
        this.err = err;
        this.inPlace = inPlace;
    }

    /** Progress for the process's stderr: in place when it is a terminal (and not {@code TERM=dumb}). */
    static ProgressLine stderr(PrintWriter err) {
        return new ProgressLine(err, stderrIsTerminal());
    }

    /** Whether the line is redrawn in place. */
    boolean inPlace() {
        return inPlace;
    }

    /** Shows {@code line} (one line, without its newline). */
    synchronized void show(String line) {
        if (inPlace) {
            err.print("\rprogress: " + line + ERASE_TO_END);
        } else {
            err.println("progress: " + line);
        }
        shown = true;
        err.flush();
    }

    /** Ends the line redrawn in place, so that what follows starts on a line of its own. */
    synchronized void end() {
        if (inPlace && shown) {
            err.println();
            err.flush();
        }
        shown = false;
    }

    /**
     * How often to show progress over a capture of {@code length}: about 30 times, once a second at most and every
     * 10 s at least; redrawn in place, once a second (it overwrites itself, so it costs no lines).
     */
    Duration every(Duration length) {
        return inPlace ? Duration.ofSeconds(1) : linesEvery(length);
    }

    /** How often a new line is written over a capture of {@code length}: about 30 lines, 1 to 10 s apart. */
    static Duration linesEvery(Duration length) {
        return Duration.ofMillis(Math.max(1000, Math.min(10_000, length.toMillis() / 30)));
    }

    /** {@code mm:ss}, or {@code h:mm:ss} from an hour on. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format("%02d:%02d", s / 60, s % 60);
    }

    /**
     * Whether fd 2 is a terminal, read from {@code /proc/self/fd/2} (Linux): a pseudo-terminal or a console. Where
     * that cannot be read, false: separate lines are right everywhere.
     */
    private static boolean stderrIsTerminal() {
        String term = System.getenv("TERM");
        if (term == null || term.isBlank() || term.equals("dumb")) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
