package io.pathprobe.ticket.report;

import io.pathprobe.core.AddressText;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.io.OutputDirectory;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code events.jsonl}: one JSON object per probe outcome, written and flushed as each arrives, so an interrupted
 * capture loses nothing already measured. Thread-safe. Fields: {@code t} (ISO instant), {@code ms} (since the
 * capture started), {@code vantage}, {@code check} ({@code ping}, {@code tcp}, {@code mtr-icmp}, {@code mtr-tcp}),
 * {@code port}, {@code seq}, {@code ttl} (traces), {@code outcome}, {@code rttMs}, {@code responder},
 * {@code detail}.
 */
public final class EventLog implements Closeable {
    private final BufferedWriter out;
    private final long startNanos;
    private boolean closed;
    private IOException failure;

    private EventLog(BufferedWriter out, long startNanos) {
        this.out = out;
        this.startNanos = startNanos;
    }

    /**
     * Creates {@code file} anew (replacing a file or link of that name, never writing through it) in its directory,
     * which {@link OutputDirectory} checks and creates; {@code startNanos} is the capture's start on
     * {@link System#nanoTime()}.
     */
    public static EventLog open(Path file, long startNanos) throws IOException {
        Path abs = file.toAbsolutePath();
        try (OutputDirectory dir = OutputDirectory.open(abs.getParent())) {
            return new EventLog(new BufferedWriter(new OutputStreamWriter(
                    dir.newOutputStream(abs.getFileName().toString()), StandardCharsets.UTF_8)), startNanos);
        }
    }

    /**
     * Records one outcome.
     *
     * @param ttl the probe's TTL for trace probes, or 0
     */
    public void record(String vantage, String check, int port, long seq, int ttl, ProbeOutcome o) {
        try {
            write(line(vantage, check, port, seq, ttl, o));
        } catch (RuntimeException e) {
            // Called on engine threads: a bad record must not break the engine; keep the first problem for close().
            synchronized (this) {
                if (failure == null) {
                    failure = new IOException("cannot write an event: " + e, e);
                }
            }
        }
    }

    private String line(String vantage, String check, int port, long seq, int ttl, ProbeOutcome o) {
        ObjectNode n = ResultsJson.mapper().createObjectNode();
        long now = System.nanoTime();
        n.put("t", Instant.now().toString());
        n.put("ms", (now - startNanos) / 1_000_000);
        n.put("vantage", vantage);
        n.put("check", check);
        if (port != 0) {
            n.put("port", port);
        }
        n.put("seq", seq);
        if (ttl != 0) {
            n.put("ttl", ttl);
        }
        n.put("outcome", o.type().label());
        if (o.rttNanos() >= 0) {
            n.put("rttMs", o.rttNanos() / 1e6);
        }
        if (o.responder() != null) {
            n.put("responder", AddressText.of(o.responder()));
        }
        String detail = detail(o);
        if (detail != null) {
            n.put("detail", detail);
        }
        return n.toString();
    }

    private static String detail(ProbeOutcome o) {
        if (o instanceof ProbeOutcome.Unreachable u) {
            return u.describe();
        }
        if (o instanceof ProbeOutcome.LocalError e) {
            return e.message() + (e.cause() == null ? "" : " (" + e.cause() + ")");
        }
        if (o instanceof ProbeOutcome.Connected c && c.synRetransmits() > 0) {
            return "syn-retransmits=" + c.synRetransmits();
        }
        if (o instanceof ProbeOutcome.Refused r && r.cause() != null) {
            return r.cause().toString();
        }
        return null;
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
