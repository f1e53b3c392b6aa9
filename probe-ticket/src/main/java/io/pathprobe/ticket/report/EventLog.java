package io.pathprobe.ticket.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.pathprobe.core.io.OutputDirectory;
import io.pathprobe.ticket.agent.CaptureEvent;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import java.nio.file.Path;

/**
 * {@code events.jsonl}: one {@link CaptureEvent} per probe outcome (from every vantage point), written and flushed
 * as each arrives, so an interrupted capture loses nothing already measured. Thread-safe.
 */
public final class EventLog implements Closeable {
    private final BufferedWriter out;
    private boolean closed;
    private IOException failure;

    private EventLog(BufferedWriter out) {
        this.out = out;
    }

    /**
     * Creates {@code file} anew (replacing a file or link of that name, never writing through it) in its directory,
     * which {@link OutputDirectory} checks and creates.
     */
    public static EventLog open(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        try (OutputDirectory dir = OutputDirectory.open(abs.getParent())) {
            return new EventLog(new BufferedWriter(new OutputStreamWriter(
                    dir.newOutputStream(abs.getFileName().toString()), StandardCharsets.UTF_8)));
        }
    }

    /** Writes one event; never throws (called on agent threads): a write error is kept for {@link #close()}. */
    public void write(CaptureEvent e) {
        String line;
        try {
            line = ResultsJson.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(e);
        } catch (IOException | RuntimeException ex) {
            synchronized (this) {
                if (failure == null) {
                    failure = new IOException("cannot write an event: " + ex, ex);
                }
            }
            return;
        }
        write(line);
    }
    private synchronized void write(String line) {
        if (closed || failure != null) {
            return;
        }
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            failure = e; // reported at close(); the capture goes on
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("writing events.jsonl failed: " + failure.getMessage(), failure);
        }
    }
}
