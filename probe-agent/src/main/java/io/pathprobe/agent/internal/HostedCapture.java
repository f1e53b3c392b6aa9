package io.pathprobe.agent.internal;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.pathprobe.ticket.agent.AgentCapture;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.CapturePlan;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A capture the agent runs for a coordinator: its plan, its owner, and its events as NDJSON lines, the last
 * {@code keep} of them kept for a coordinator that resumes its stream. Thread-safe.
 */
public final class HostedCapture {
    /** Told when new events (or the end) are there. */
    public interface Subscriber {
        void wake();
    }

    private final String id;
    private final String owner;
    private final CapturePlan plan;
    private final Instant created = Instant.now();
    private final int keep;
    private final ObjectWriter writer;
    private final Object lock = new Object();
    private byte[][] ring = new byte[1024][];
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private long firstSeq = 1;
    private long lastSeq;
    private volatile AgentCapture capture;
    private volatile long lastContactNanos = System.nanoTime();
    private volatile boolean ended;
    private volatile Instant endedAt;

    public HostedCapture(String id, String owner, CapturePlan plan, int keep, ObjectWriter writer) {
        this.id = id;
        this.owner = owner;
        this.plan = plan;
        this.keep = keep;
        this.writer = writer;
    }

    public void attach(AgentCapture c) {
        this.capture = c;
        c.evidence().whenComplete((e, t) -> {
            endedAt = Instant.now();
            ended = true;
            subscribers.forEach(Subscriber::wake);
        });
    }

    public String id() {
        return id;
    }

    public String owner() {
        return owner;
    }

    public CapturePlan plan() {
        return plan;
    }

    public Instant created() {
        return created;
    }

    public AgentCapture capture() {
        return capture;
    }

    public boolean ended() {
        return ended;
    }

    public Instant endedAt() {
        return endedAt;
    }

    /** A request about this capture arrived: it is not an orphan. */
    public void touch() {
        lastContactNanos = System.nanoTime();
    }

    public long lastContactNanos() {
        return subscribers.isEmpty() ? lastContactNanos : System.nanoTime();
    }

    /** Called in event order by the capture's listener. */
    public void onEvent(CaptureEvent e) {
        byte[] line;
        try {
            line = writer.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        synchronized (lock) {
            // Events come numbered 1, 2, 3, ... from the capture's own stream; the ring grows up to keep.
            lastSeq = e.eventSeq();
            if (lastSeq - firstSeq + 1 > ring.length && ring.length < keep) {
                byte[][] bigger = new byte[(int) Math.min(keep, ring.length * 2L)][];
                for (long s = firstSeq; s < lastSeq; s++) {
                    bigger[(int) ((s - 1) % bigger.length)] = ring[(int) ((s - 1) % ring.length)];
                }
                ring = bigger;
            }
            ring[(int) ((lastSeq - 1) % ring.length)] = line;
            if (lastSeq - firstSeq + 1 > ring.length) {
                firstSeq = lastSeq - ring.length + 1;
            }
        }
        for (Subscriber s : subscribers) {
            s.wake();
        }
    }

    /** The number of the last event so far (0 before the first). */
    public long lastSeq() {
        synchronized (lock) {
            return lastSeq;
        }
    }

    /** The first event still kept. */
    public long firstSeq() {
        synchronized (lock) {
            return firstSeq;
        }
    }

    /**
     * The kept lines with numbers above {@code after}, at most {@code max}.
     *
     * @return {@code null} when {@code after} is older than what is kept (the stream cannot resume there)
     */
    public List<byte[]> linesAfter(long after, int max) {
        synchronized (lock) {
            if (after + 1 < firstSeq) {
                return null;
            }
            List<byte[]> out = new ArrayList<>();
            for (long s = after + 1; s <= lastSeq && out.size() < max; s++) {
                out.add(ring[(int) ((s - 1) % ring.length)]);
            }
            return out;
        }
    }

    public void subscribe(Subscriber s) {
        subscribers.add(s);
    }

    public void unsubscribe(Subscriber s) {
        subscribers.remove(s);
        touch();
    }

    /** The evidence so far, or final. */
    public VantageEvidence evidence() {
        AgentCapture c = capture;
        return c == null ? null : c.snapshot();
    }

    /** {@code running}, or the final evidence's status. */
    public String status() {
        AgentCapture c = capture;
        if (c == null || !c.evidence().isDone()) {
            return VantageEvidence.RUNNING;
        }
        return c.evidence().join().status();
    }
}
