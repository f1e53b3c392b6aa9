package io.pathprobe.mtr;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.Repetition;
import io.pathprobe.core.io.OutputDirectory;
import org.HdrHistogram.IntCountsHistogram;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A sustained trace's time series, for charts: every snapshot interval, one CSV row per hop that had probes end in
 * that interval, appended and flushed at once (a killed process loses at most the interval in progress).
 *
 * <h2>Columns ({@link #HEADER})</h2>
 * {@code interval_start}, {@code interval_end} (ISO-8601 UTC, milliseconds), {@code ttl}, {@code host} (the
 * address that answered most often in the interval, empty when none did), {@code sent} (probes of this TTL that
 * <em>ended</em> in the interval: answered or timed out; a probe counts in the interval its outcome arrives, so
 * every row's figures are final when written and probes still in flight at a stop are left out, as mtr does),
 * {@code received}, {@code lost}, {@code loss_pct}, then the RTTs of the answers in milliseconds: {@code rtt_min_ms},
 * {@code rtt_avg_ms}, {@code rtt_p50_ms}, {@code rtt_p90_ms}, {@code rtt_p99_ms}, {@code rtt_max_ms} (empty when
 * nothing answered). Rows cover the trace's hop list as known when the interval ends: no row is written for a TTL
 * beyond the destination (the lowest TTL at which it answered, or a hop reported it unreachable, so far) or, while
 * no such TTL is known, beyond the one after the last responding hop; their figures are dropped, as the trace's
 * report drops them. A row written before a lower TTL was found to reach the destination (a re-probe after the
 * last round) stays. Min, max and avg are exact; percentiles come from a histogram with two significant digits (within 1%),
 * held between min and max.
 *
 * <h2>Memory</h2>
 * Constant however long the capture runs: per TTL one interval histogram (RTTs in microseconds up to
 * {@link #HIGHEST_RTT_MICROS}, 2 significant digits, int counts: about 10 KB) and at most
 * {@link TraceStatistics#MAX_ADDRESSES_PER_HOP} address counters, all reset at each interval.
 *
 * <p>Use it as the trace's {@link TraceListener} (with {@link TraceListener#all} beside others), start the clock
 * on the trace's engine with {@link #rollEvery}, and {@link #close} it when the trace ends: that writes the last,
 * partial interval. The clock has no thread of its own: it is one of the engine's repetitions and stops when the
 * writer or the engine closes, whichever comes first.
 * Thread-safe.
 */
public final class TraceSeriesWriter implements TraceListener, Closeable {
    /** The CSV header line. */
    public static final String HEADER = "interval_start,interval_end,ttl,host,sent,received,lost,loss_pct,"
            + "rtt_min_ms,rtt_avg_ms,rtt_p50_ms,rtt_p90_ms,rtt_p99_ms,rtt_max_ms";
    /** RTTs above this (60 s) are recorded as this in the percentile histogram; min/avg/max stay exact. */
    public static final long HIGHEST_RTT_MICROS = 60_000_000L;

    private final ProbeMode mode;
    private final InetAddress target;
    private final Writer out;
    private final LongSupplier clockMillis;
    private final Hop[] hops;
    /** The lowest TTL at which the destination answered or a hop reported it unreachable so far. */
    private int endTtl = Integer.MAX_VALUE;
    /** The highest TTL that answered so far. */
    private int lastResponding;
    private long intervalStart;
    private long rows;
    private boolean closed;
    /** The clock of {@link #rollEvery}: a repetition of the trace's engine, so it ends when the engine closes. */
    private Repetition roller;

    /**
     * @param config      the trace's configuration; its target address must be known ({@link TraceConfig#address()})
     * @param out         where the CSV goes; the header is written now
     * @param clockMillis the wall clock in Unix milliseconds (tests pass their own)
     * @throws UncheckedIOException when the header cannot be written
     */
    public TraceSeriesWriter(TraceConfig config, Writer out, LongSupplier clockMillis) {
        Objects.requireNonNull(config, "config");
        if (config.address() == null) {
            throw new IllegalArgumentException("the series needs the trace's target address: resolve '"
                    + config.host() + "' first and give it with TraceConfig.Builder.target(host, address)");
        }
        this.mode = config.mode();
        this.target = config.address();
        this.out = Objects.requireNonNull(out, "out");
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
        this.hops = new Hop[config.maxTtl() + 1];
        this.intervalStart = clockMillis.getAsLong();
        write(HEADER + "\n");
    }

    /**
     * A writer appending to {@code file}, on the system clock. The file is created anew (a file or link of that
     * name is replaced, never written through) in its directory, which {@link OutputDirectory} checks and creates.
     *
     * @throws UncheckedIOException when the file cannot be created, with {@link OutputDirectory}'s message
     */
    public static TraceSeriesWriter create(TraceConfig config, Path file) {
        Path abs = file.toAbsolutePath();
        try (OutputDirectory dir = OutputDirectory.open(abs.getParent())) {
            Writer w = new BufferedWriter(new OutputStreamWriter(dir.newOutputStream(abs.getFileName().toString()),
                    StandardCharsets.UTF_8));
            return new TraceSeriesWriter(config, w, System::currentTimeMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Ends an interval every {@code every} from now, on {@code engine}'s scheduler ({@link ProbeEngine#repeat}),
     * until {@link #close} or the engine's close. A second call replaces the first clock.
     *
     * @throws IllegalArgumentException when {@code every} is not positive
     * @throws IllegalStateException    when the engine is closed
     */
    public synchronized void rollEvery(ProbeEngine engine, Duration every) {
        Objects.requireNonNull(engine, "engine");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("snapshot interval " + every + " must be positive");
        }
        if (closed) {
            return;
        }
        if (roller != null) {
            roller.stop();
        }
        roller = engine.repeat(every, 0, Duration.ZERO, new Repetition.Rounds() {
            @Override
            public void round(Repetition r, long n) {
                if (n > 1) { // the first tick is the start: the first interval ends one period later
                    roll();
                }
            }

            @Override
            public void finished(Repetition r) {
            }
        });
        roller.start();
    }

    @Override
    public synchronized void onProbe(ProbeRecord record) {
        if (closed || record.ttl() >= hops.length) {
            return;
        }
        Hop h = hops[record.ttl()];
        if (h == null) {
            h = new Hop();
            hops[record.ttl()] = h;
        }
        ProbeOutcome o = record.outcome();
        TraceStatistics.Role role = TraceStatistics.role(mode, target, o);
        if (role == TraceStatistics.Role.DESTINATION || role == TraceStatistics.Role.UNREACHABLE) {
            endTtl = Math.min(endTtl, record.ttl());
        }
        InetAddress responder = TraceStatistics.answeredBy(role, target, o);
        if (responder != null) {
            lastResponding = Math.max(lastResponding, record.ttl());
        }
        h.add(responder, o.rttNanos());
    }

    /** Ends the current interval now: writes its rows, flushes, and starts the next. */
    public synchronized void roll() {
        if (closed) {
            return;
        }
        long end = clockMillis.getAsLong();
        String from = instant(intervalStart);
        String to = instant(end);
        StringBuilder sb = new StringBuilder();
        // The trace's hop list: up to the destination, else one past the last responding hop (mtr's rule).
        int last = endTtl != Integer.MAX_VALUE ? endTtl : lastResponding + 1;
        for (int ttl = 0; ttl < hops.length; ttl++) {
            Hop h = hops[ttl];
            if (h != null && ttl > last) {
                h.reset(); // beyond the destination: its answers only repeat the destination's (as in the trace)
            } else if (h != null && h.ended > 0) {
                h.row(sb, from, to, ttl);
                h.reset();
                rows++;
            }
        }
        intervalStart = end;
        write(sb.toString());
    }

    /** Rows written so far. */
    public synchronized long rows() {
        return rows;
    }

    /** Writes the last (partial) interval and closes the output. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (roller != null) {
            roller.stop();
        }
        roll();
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the series: " + e.getMessage(), e);
        }
    }

    private void write(String text) {
        try {
            out.write(text);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the series: " + e.getMessage(), e);
        }
    }

    private static String instant(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** One TTL's figures in the current interval. */
    private static final class Hop {
        final IntCountsHistogram histogram = new IntCountsHistogram(HIGHEST_RTT_MICROS, 2);
        final Map<InetAddress, long[]> addresses = new LinkedHashMap<>();
        long ended;
        long received;
        long minNanos = Long.MAX_VALUE;
        long maxNanos;
        double sumNanos;

        void add(InetAddress responder, long rttNanos) {
            ended++;
            if (responder == null) {
                return;
            }
            received++;
            minNanos = Math.min(minNanos, rttNanos);
            maxNanos = Math.max(maxNanos, rttNanos);
            sumNanos += rttNanos;
            histogram.recordValue(Math.max(1, Math.min(HIGHEST_RTT_MICROS, rttNanos / 1000)));
            long[] n = addresses.get(responder);
            if (n == null && addresses.size() < TraceStatistics.MAX_ADDRESSES_PER_HOP) {
                addresses.put(responder, n = new long[1]);
            }
            if (n != null) {
                n[0]++;
            }
        }

        void row(StringBuilder sb, String from, String to, int ttl) {
            InetAddress main = null;
            long most = 0;
            for (Map.Entry<InetAddress, long[]> e : addresses.entrySet()) {
                if (e.getValue()[0] > most) {
                    most = e.getValue()[0];
                    main = e.getKey();
                }
            }
            long lost = ended - received;
            sb.append(from).append(',').append(to).append(',').append(ttl).append(',')
                    .append(main == null ? "" : AddressText.of(main)).append(',')
                    .append(ended).append(',').append(received).append(',').append(lost).append(',')
                    .append(number(100.0 * lost / ended, 1));
            if (received == 0) {
                sb.append(",,,,,,\n");
                return;
            }
            sb.append(',').append(number(minNanos / 1e6, 3))
                    .append(',').append(number(sumNanos / received / 1e6, 3))
                    .append(',').append(number(percentileMs(50), 3))
                    .append(',').append(number(percentileMs(90), 3))
                    .append(',').append(number(percentileMs(99), 3))
                    .append(',').append(number(maxNanos / 1e6, 3)).append('\n');
        }

        /** A percentile in ms, within the histogram's 1% and never outside the exact min and max. */
        private double percentileMs(double p) {
            double ms = histogram.getValueAtPercentile(p) / 1e3;
            return Math.max(minNanos / 1e6, Math.min(maxNanos / 1e6, ms));
        }

        void reset() {
            histogram.reset();
            addresses.clear();
            ended = 0;
            received = 0;
            minNanos = Long.MAX_VALUE;
            maxNanos = 0;
            sumNanos = 0;
        }

        private static String number(double v, int decimals) {
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }
}
