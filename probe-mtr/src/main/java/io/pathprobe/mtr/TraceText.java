package io.pathprobe.mtr;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The frame of the text formats that write to an {@link Appendable}: to a string, and I/O failures unchecked. */
final class TraceText {
    private TraceText() {
    }

    /** A format's writing of one trace, which may fail as its {@link Appendable} does. */
    @FunctionalInterface
    interface Body {
        void write(TraceSnapshot trace, FormatOptions options, Appendable out) throws IOException;
    }

    static String format(Body body, TraceSnapshot trace, FormatOptions options) {
        StringBuilder sb = new StringBuilder();
        write(body, trace, options, sb);
        return sb.toString();
    }

    static void write(Body body, TraceSnapshot trace, FormatOptions options, Appendable out) {
        try {
            body.write(trace, options, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
