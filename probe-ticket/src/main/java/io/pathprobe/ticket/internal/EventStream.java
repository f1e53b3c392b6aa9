package io.pathprobe.ticket.internal;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.CaptureListener;

import java.time.Instant;

/**
 * Turns one capture's outcomes into numbered {@link CaptureEvent}s and hands them to the listener in number
 * order. Thread-safe (outcomes arrive on engine threads); a failing listener never reaches the engine.
 */
public final class EventStream {
    private final String vantage;
    private final long startNanos;
    private final CaptureListener listener;
    private long next = 1;
    private RuntimeException failure;

    public EventStream(String vantage, long startNanos, CaptureListener listener) {
        this.vantage = vantage;
        this.startNanos = startNanos;
        this.listener = listener == null ? CaptureListener.NONE : listener;
    }

    /** Records one outcome; {@code ttl} 0 unless a trace probe, {@code port} 0 when the check has none. */
    public synchronized void record(String check, int port, long seq, int ttl, ProbeOutcome o) {
        CaptureEvent e = CaptureEvent.of(next++, Instant.now().toString(), (System.nanoTime() - startNanos) / 1_000_000,
                vantage, check, port, seq, ttl, o);
        try {
            listener.onEvent(e);
        } catch (RuntimeException ex) {
            if (failure == null) {
                failure = ex;
            }
        }
    }

    /** Events numbered so far. */
    public synchronized long count() {
        return next - 1;
    }

    /** The first exception the listener threw, or {@code null}. */
    public synchronized RuntimeException failure() {
        return failure;
    }
}
