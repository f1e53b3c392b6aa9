package io.pathprobe.ticket.internal;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeSession;
import io.pathprobe.core.SessionListener;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.Sample;
import io.pathprobe.ticket.evidence.SeriesStats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Records one ping or TCP check session: every outcome to the capture's event stream as it arrives, and samples of
 * the probes for the chart: every probe up to {@link #MAX_SAMPLES}, and then every 2nd, 4th, ... probe by sequence
 * number (the stride doubles, and the samples off it go, whenever the cap is reached), so that the samples always
 * span the whole capture evenly and the loss they show is a fair sample of all of it. The statistics count every
 * probe; {@code samplesDropped} says how many are not among the samples. Thread-safe (outcomes arrive on engine
 * threads).
 */
public final class SeriesRecorder implements SessionListener {
    /**
     * Samples kept per series at most: ~0.7 MB, ten for every pixel column of the report's chart. A capture of 64
     * ports from one vantage point keeps 65 series (~45 MB); before decimation the cap was 360,000 (~380 MB).
     */
    public static final int MAX_SAMPLES = 10_000;

    private final String vantage;
    private final String check;
    private final String target;
    private final int port;
    private final EventStream events;
    private final long startNanos;
    private final List<Sample> samples = new ArrayList<>();
    private long dropped;
    /** Only probes whose sequence number is a multiple of this are sampled; doubles when the cap is reached. */
    private long stride = 1;
    private volatile ProbeSession session;

    public SeriesRecorder(String vantage, String check, String target, int port, EventStream events,
                          long startNanos) {
        this.vantage = vantage;
        this.check = check;
        this.target = target;
        this.port = port;
        this.events = events;
        this.startNanos = startNanos;
    }

    public void attach(ProbeSession s) {
        this.session = s;
    }

    public ProbeSession session() {
        return session;
    }

    public String vantage() {
        return vantage;
    }

    /** E.g. {@code ping 10.0.0.1}; the same label the evidence uses. */
    public String label() {
        return new ProbeSeries(check, target, port, emptyStats(), List.of(), 0).label();
    }

    @Override
    public void onOutcome(ProbeSession s, long sequence, ProbeOutcome outcome) {
        long now = System.nanoTime();
        // Place the sample at the probe's send time: the end less its RTT, or less the timeout it waited.
        long took = outcome.rttNanos() >= 0 ? outcome.rttNanos()
                : outcome instanceof ProbeOutcome.TimedOut t ? t.timeoutNanos() : 0;
        long atMs = Math.max(0, (now - took - startNanos) / 1_000_000);
        Double rtt = outcome.rttNanos() >= 0 ? outcome.rttNanos() / 1e6 : null;
        synchronized (this) {
            if (sequence % stride != 0) {
                dropped++;
            } else {
                samples.add(new Sample(atMs, sequence, outcome.type().label(), rtt));
                while (samples.size() > MAX_SAMPLES) {
                    decimate();
                }
            }
        }
        if (events != null) {
            events.record(check, port, sequence, 0, outcome); // never throws
        }
    }

    /** Doubles the stride and drops the samples off it. */
    private void decimate() {
        stride *= 2;
        int before = samples.size();
        samples.removeIf(x -> x.seq() % stride != 0);
        dropped += before - samples.size();
    }

    /** The series with the session's statistics now (final once the session has ended). */
    public synchronized ProbeSeries result() {
        ProbeSession s = session;
        SeriesStats stats = s == null ? emptyStats() : SeriesStats.from(s.snapshot(), s.elapsed().toMillis());
        List<Sample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparingLong(Sample::atMs).thenComparingLong(Sample::seq));
        return new ProbeSeries(check, target, port, stats, sorted, dropped);
    }

    private static SeriesStats emptyStats() {
        return new SeriesStats(0, 0, 0, 0, 0, 0, null, 0, 0, null, null, null, null, null, null, null, null, null,
                null, null, 0);
    }
}
