package io.pathprobe.cli;

import io.pathprobe.mtr.FormatOptions;
import io.pathprobe.mtr.MtrReport;
import io.pathprobe.mtr.TraceListener;
import io.pathprobe.mtr.TraceSnapshot;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * {@code pathprobe mtr}'s live view: the report table redrawn in place each round, as mtr's terminal view does
 * (ANSI cursor-home and clear-screen; the table is {@link MtrReport}'s, so it reads the same as the final report).
 * The last frame, drawn when the trace ends, stays on screen.
 */
final class LiveView implements TraceListener {
    /** Cursor to the top left, then clear the screen. */
    static final String CLEAR = "\033[H\033[2J";

    private final PrintWriter out;
    private final FormatOptions format;
    private boolean finished;

    LiveView(PrintWriter out, FormatOptions format) {
        this.out = out;
        this.format = format;
    }

    /**
     * Whether stdout is a terminal that takes ANSI redraws: not when redirected (there mtr, too, prints a report)
     * and not with {@code TERM=dumb}. JDK 22+ gives a {@link Console} even when redirected and says whether it is a
     * terminal with {@code Console.isTerminal()}; older JDKs give none when either end is redirected.
     */
    static boolean stdoutIsTerminal() {
        String term = System.getenv("TERM");
        if (term == null || term.isBlank() || term.equals("dumb")) {
            return false;
        }
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(c);
        } catch (NoSuchMethodException e) {
            return true; // JDK < 22: a console exists only when stdin and stdout are both the terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** One frame: clear, a status line, the report table. */
    static String frame(TraceSnapshot s, FormatOptions format) {
        String state = s.running() ? "running, Ctrl-C to stop" : "finished: " + s.stop().describe();
        return CLEAR + String.format(Locale.ROOT, "pathprobe mtr %s: round %d, %.1f s (%s)%n", s.info().targetHost(),
                s.rounds(), s.elapsed().toMillis() / 1000.0, state) + MtrReport.format(s, format);
    }

    @Override
    public synchronized void onRound(long round, TraceSnapshot snapshot) {
        // The last round's answers can all arrive (and the trace finish) before its round event is told: the
        // final frame must stay the last one drawn.
        if (!finished) {
            draw(snapshot);
        }
    }

    @Override
    public synchronized void onFinished(TraceSnapshot snapshot) {
        finished = true;
        draw(snapshot);
    }

    private void draw(TraceSnapshot s) {
        out.print(frame(s, format));
        out.flush();
    }
}
