package io.pathprobe.cli;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.mtr.FormatOptions;
import io.pathprobe.mtr.HopSnapshot;
import io.pathprobe.mtr.MtrField;
import io.pathprobe.mtr.MtrReport;
import io.pathprobe.mtr.ProbeRecord;
import io.pathprobe.mtr.TraceListener;
import io.pathprobe.mtr.TraceSnapshot;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingReader;

import java.io.Closeable;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code pathprobe mtr}'s live view: the table redrawn in place each round, as mtr's terminal view does, and mtr's
 * keys read from the terminal (JLine, in raw mode): {@code q} quits, {@code p} pauses and space resumes,
 * {@code r} restarts the statistics, {@code d} cycles the display (table, the last probes of each hop as a
 * block map, the same scaled by RTT), {@code n} toggles names, {@code o} sets the fields, {@code j} toggles
 * latency and jitter fields, {@code h} or {@code ?} shows the keys, Ctrl-L redraws. The table is
 * {@link MtrReport}'s, so it reads the same as the final report; the last frame stays on screen.
 */
final class LiveView implements Closeable {
    /** Cursor to the top left, then clear the screen. */
    static final String CLEAR = "\033[H\033[2J";
    /** mtr's "Keys:" line. */
    static final String KEYS = "Keys:  Help   Display mode   Restart statistics   Order of fields   quit";
    /** Probes of each hop kept for the block map (mtr keeps as many). */
    static final int SAVED_PROBES = 200;
    /** mtr's {@code j}: jitter fields, and back to the default. */
    static final String JITTER_FIELDS = "DR AGJMXI";

    /** What the keys act on: the running trace, as {@link MtrCommand} holds it. */
    interface Controls {
        void quit();

        void pause();

        void resume();

        boolean paused();

        /** Starts the statistics again; null when done, else why not (e.g. {@code --out} keeps one series). */
        String reset();

        /** The figures now. */
        TraceSnapshot snapshot();
    }

    enum Mode { TABLE, BLOCKMAP, SCALED }

    private final PrintWriter out;
    private final Terminal terminal;
    private final Attributes saved;
    private final Function<InetAddress, String> names;
    private final Controls controls;
    private final Map<Integer, int[]> history = new HashMap<>();
    private final Map<Integer, Integer> historyNext = new HashMap<>();
    private final Thread keys;
    private FormatOptions format;
    private boolean showNames;
    private Mode mode = Mode.TABLE;
    private boolean finished;
    private boolean help;
    private StringBuilder fieldsTyped; // non-null while 'o' asks for fields
    private String message;
    private int generation;
    private volatile boolean closed;

    /**
     * @param format   the table's options; its names are the addresses unless {@code names} are shown
     * @param names    hop names (reverse DNS) for {@code n} to toggle, or null when there are none (-n)
     * @param terminal the terminal to read keys from, or null for a view without keys
     */
    LiveView(PrintWriter out, FormatOptions format, Function<InetAddress, String> names, Terminal terminal,
             Controls controls) {
        this.out = out;
        this.names = names;
        this.showNames = names != null;
        this.format = names != null ? format.withNames(names) : format;
        this.terminal = terminal;
        this.controls = controls;
        this.saved = terminal == null ? null : terminal.enterRawMode();
        if (terminal != null) {
            keys = new Thread(this::readKeys, "pathprobe-mtr-keys");
            keys.setDaemon(true);
            keys.start();
        } else {
            keys = null;
        }
    }

    /** The process's terminal for keys, or null (with the reason on stderr) when JLine cannot open it. */
    static Terminal openTerminal(PrintWriter err) {
        try {
            return TerminalBuilder.builder().system(true).jni(false).ffm(false).exec(true).dumb(false).build();
        } catch (IOException | RuntimeException e) {
            err.println("pathprobe mtr: keys are off: cannot open the terminal (" + e.getMessage() + ")");
            err.flush();
            return null;
        }
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

    /** The display to show (mtr's --displaymode; the d key cycles). */
    synchronized void mode(Mode m) {
        mode = m;
    }

    /** The listener for the trace started now; events of traces started before it (before a reset) are ignored. */
    synchronized TraceListener listener() {
        int mine = ++generation;
        finished = false;
        history.clear();
        historyNext.clear();
        return new TraceListener() {
            @Override
            public void onProbe(ProbeRecord record) {
                probed(mine, record);
            }

            @Override
            public void onRound(long round, TraceSnapshot snapshot) {
                // The last round's answers can all arrive (and the trace finish) before its round event is told:
                // the final frame must stay the last one drawn.
                synchronized (LiveView.this) {
                    if (mine == generation && !finished) {
                        draw(snapshot);
                    }
                }
            }

            @Override
            public void onFinished(TraceSnapshot snapshot) {
                synchronized (LiveView.this) {
                    if (mine == generation) {
                        finished = true;
                        draw(snapshot);
                    }
                }
            }
        };
    }

    private synchronized void probed(int mine, ProbeRecord r) {
        if (mine != generation) {
            return;
        }
        ProbeOutcome o = r.outcome();
        int usec = o.responder() != null && o.rttNanos() >= 0 ? (int) Math.min(Integer.MAX_VALUE, o.rttNanos() / 1000)
                : -1;
        int[] ring = history.computeIfAbsent(r.ttl(), t -> newRing());
        int at = historyNext.getOrDefault(r.ttl(), 0);
        ring[at % SAVED_PROBES] = usec;
        historyNext.put(r.ttl(), at + 1);
    }

    private static int[] newRing() {
        int[] ring = new int[SAVED_PROBES];
        java.util.Arrays.fill(ring, NOT_SENT);
        return ring;
    }

    private static final int NOT_SENT = -2;

    /** Draws the final frame again (e.g. now that every name is in), then gives the terminal back. */
    synchronized void last(TraceSnapshot s) {
        draw(s);
    }

    /** Ends reading keys and restores the terminal's mode; the last frame stays. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (keys != null) {
            try {
                keys.join(1000); // it reads with a 100 ms timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (terminal != null) {
                terminal.setAttributes(saved);
                try {
                    terminal.close();
                } catch (IOException e) {
                    // the terminal is gone: nothing to restore
                }
            }
        }
    }

    private void readKeys() {
        NonBlockingReader reader = terminal.reader();
        while (!closed) {
            int c;
            try {
                c = reader.read(100);
            } catch (IOException e) {
                return;
            }
            if (c == NonBlockingReader.READ_EXPIRED) {
                continue;
            }
            if (c < 0) {
                return; // end of input
            }
            if (c == 27 && escapeSequence(reader)) {
                continue; // a terminal's answer or a cursor key: not one of mtr's keys
            }
            key(c);
        }
    }

    /**
     * After an Esc: whether a control sequence follows (CSI {@code ESC [ ... final}, SS3 {@code ESC O x}, or
     * another {@code ESC x}), read to its end; false for an Esc key alone (nothing within 30 ms).
     */
    private static boolean escapeSequence(NonBlockingReader reader) {
        try {
            int next = reader.read(30);
            if (next < 0) {
                return false;
            }
            if (next == '[') {
                // parameters and intermediates (0x20-0x3F) up to a final byte (0x40-0x7E), at most 64 of them
                for (int i = 0; i < 64; i++) {
                    int c = reader.read(30);
                    if (c < 0 || (c >= 0x40 && c <= 0x7E)) {
                        break;
                    }
                }
            } else if (next == 'O') {
                reader.read(30);
            }
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    /** One key, as mtr's terminal view takes it. */
    synchronized void key(int c) {
        if (help) {
            help = false; // any key leaves the help
        } else if (fieldsTyped != null) {
            typeField(c);
        } else {
            command(Character.toLowerCase((char) c));
        }
        draw(controls.snapshot());
    }

    private void command(char c) {
        message = null;
        switch (c) {
            case 'q':
            case 3: // Ctrl-C typed as a character
                controls.quit();
                break;
            case 'p':
            case 19: // Ctrl-S
                controls.pause();
                break;
            case ' ':
            case 17: // Ctrl-Q
                controls.resume();
                break;
            case 'r':
                message = controls.reset();
                break;
            case 'd':
                mode = Mode.values()[(mode.ordinal() + 1) % Mode.values().length];
                break;
            case 'n':
                if (names == null) {
                    message = "names are off (-n): run again without -n to see them";
                } else {
                    showNames = !showNames;
                    format = format.withNames(showNames ? names : AddressText::of);
                }
                break;
            case 'o':
                fieldsTyped = new StringBuilder();
                break;
            case 'j':
                format = format.withFields(fields(format).indexOf('N') >= 0 ? JITTER_FIELDS : MtrField.DEFAULT);
                break;
            case 'h':
            case '?':
                help = true;
                break;
            default: // Ctrl-L and anything else: just redraw
                break;
        }
    }

    /** While {@code o} asks: letters of fields, backspace, Enter to apply, Esc to leave them as they were. */
    private void typeField(int c) {
        if (c == '\r' || c == '\n') {
            if (fieldsTyped.length() > 0) {
                format = format.withFields(fieldsTyped.toString());
            }
            fieldsTyped = null;
        } else if (c == 27) {
            fieldsTyped = null;
        } else if (c == 127 || c == 8) {
            if (fieldsTyped.length() > 0) {
                fieldsTyped.setLength(fieldsTyped.length() - 1);
            }
        } else if (fieldsTyped.length() < MtrField.values().length * 2) {
            try {
                MtrField.of((char) c);
                fieldsTyped.append((char) c);
            } catch (IllegalArgumentException unknown) {
                // mtr rings the bell; here the letter is just not taken
            }
        }
    }

    private static String fields(FormatOptions f) {
        StringBuilder sb = new StringBuilder();
        for (MtrField m : f.fields()) {
            sb.append(m.letter());
        }
        return sb.toString();
    }

    private void draw(TraceSnapshot s) {
        if (closed && terminal != null) {
            return;
        }
        String frame = frame(s);
        // In raw mode the terminal may not turn \n into \r\n.
        out.print(terminal == null ? frame : frame.replace("\n", "\r\n"));
        out.flush();
    }

    private String frame(TraceSnapshot s) {
        String state;
        if (!s.running()) {
            state = "finished: " + s.stop().describe();
        } else if (controls.paused()) {
            state = "paused, space to resume";
        } else {
            state = terminal == null ? "running, Ctrl-C to stop" : "running, q to quit";
        }
        StringBuilder sb = new StringBuilder(CLEAR).append(status(s, state));
        if (terminal != null) {
            sb.append(KEYS).append('\n');
        }
        if (message != null) {
            sb.append(message).append('\n');
        }
        if (fieldsTyped != null) {
            sb.append("Fields: ").append(fieldsTyped).append("   (now \"").append(fields(format))
                    .append("\"; Enter sets them, Esc leaves them)\n");
            for (MtrField f : MtrField.values()) {
                sb.append("  ").append(f.letter() == ' ' ? "space" : String.valueOf(f.letter())).append(' ')
                        .append(f.isSpace() ? "a gap" : f.title()).append('\n');
            }
            return sb.toString();
        }
        if (help) {
            return sb.append(HELP).toString();
        }
        if (mode == Mode.TABLE) {
            return sb.append(MtrReport.format(s, format)).toString();
        }
        int width = terminal == null ? 80 : Math.max(40, terminal.getWidth());
        return sb.append(blockmap(s, history, historyNext, Math.min(SAVED_PROBES, width - 30),
                mode == Mode.SCALED, format)).toString();
    }

    /** The status line: the target, the round, the time, and what the view is doing. */
    static String status(TraceSnapshot s, String state) {
        return String.format(Locale.ROOT, "pathprobe mtr %s: round %d, %.1f s (%s)%n", s.info().targetHost(),
                s.rounds(), s.elapsed().toMillis() / 1000.0, state);
    }

    /** A frame without keys (as drawn when no terminal could be opened for them): clear, status, table. */
    static String frame(TraceSnapshot s, FormatOptions format) {
        String state = s.running() ? "running, Ctrl-C to stop" : "finished: " + s.stop().describe();
        return CLEAR + status(s, state) + MtrReport.format(s, format);
    }

    /** Characters of the scaled block map, fastest first; {@code >} beyond the last step. */
    static final String SCALE_MARKS = ".123abc>";

    /**
     * The block map of mtr's {@code d} key: per hop its last {@code cols} probes, oldest first, {@code ?} for one
     * lost and a blank for none yet. Plain: {@code .} answered, {@code >} slower than the seventh step of the scale;
     * scaled: the step of the scale its RTT is in. The scale spans the fastest to the slowest RTT shown, in steps
     * growing as squares ((i+1)/8)², so the fast end, where most answers are, is told apart finely.
     */
    static String blockmap(TraceSnapshot s, Map<Integer, int[]> history, Map<Integer, Integer> next, int cols,
                           boolean scaled, FormatOptions format) {
        cols = Math.max(1, Math.min(SAVED_PROBES, cols));
        int low = Integer.MAX_VALUE;
        int high = -1;
        for (int[] ring : history.values()) {
            for (int v : ring) {
                if (v >= 0) {
                    low = Math.min(low, v);
                    high = Math.max(high, v);
                }
            }
        }
        int marks = SCALE_MARKS.length();
        int[] scale = new int[marks];
        for (int i = 0; i < marks; i++) {
            double f = (i + 1) / (double) marks;
            scale[i] = high < 0 ? 0 : (int) (low + (high - low) * f * f);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-28s Last %3d probes%n", "", cols));
        List<HopSnapshot> hops = s.hops();
        for (HopSnapshot h : hops) {
            String name = String.format(Locale.ROOT, "%2d. %s", h.ttl(), h.host() == null ? "???"
                    : format.names().apply(h.host()));
            sb.append(name.length() > 28 ? name.substring(0, 28) : String.format(Locale.ROOT, "%-28s", name))
                    .append(' ');
            int[] ring = history.get(h.ttl());
            int end = next.getOrDefault(h.ttl(), 0);
            for (int i = end - cols; i < end; i++) {
                int v = ring == null || i < 0 ? NOT_SENT : ring[i % SAVED_PROBES];
                sb.append(v == NOT_SENT ? ' ' : v < 0 ? '?' : mark(v, scale, scaled));
            }
            sb.append('\n');
        }
        sb.append("Scale:");
        if (scaled) {
            for (int i = 0; i < marks - 1; i++) {
                sb.append(String.format(Locale.ROOT, "  %c:%.2f ms", SCALE_MARKS.charAt(i), scale[i] / 1000.0));
            }
            sb.append("  >");
        } else {
            sb.append(String.format(Locale.ROOT, "  .:%.2f ms  >  ?:lost", scale[marks - 2] / 1000.0));
        }
        return sb.append('\n').toString();
    }

    private static char mark(int usec, int[] scale, boolean scaled) {
        int marks = SCALE_MARKS.length();
        if (!scaled) {
            return usec > scale[marks - 2] ? '>' : '.';
        }
        for (int i = 0; i < marks - 1; i++) {
            if (usec <= scale[i]) {
                return SCALE_MARKS.charAt(i);
            }
        }
        return '>';
    }

    static final String HELP = "Keys (as mtr's):\n"
            + "  h or ?   these lines\n"
            + "  p        hold the next rounds back; space sends them again\n"
            + "  d        next display: table, block map of the last probes, block map scaled by RTT\n"
            + "  n        hop names or addresses\n"
            + "  r        start the statistics again\n"
            + "  o        type the fields (letters as -o, Enter), default \"" + MtrField.DEFAULT + "\"\n"
            + "  j        latency fields \"" + MtrField.DEFAULT + "\" or jitter fields \"" + JITTER_FIELDS + "\"\n"
            + "  q        quit (the report's figures stay on screen)\n"
            + "\n"
            + "Any key goes back.\n";
}
