package io.pathprobe.mtr;

import io.pathprobe.core.ProbeOutcome;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.pathprobe.mtr.Traces.ip;
import static io.pathprobe.mtr.Traces.reply;
import static io.pathprobe.mtr.Traces.router;
import static io.pathprobe.mtr.Traces.timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interval arithmetic of the time series, with records fed by hand and a hand-driven clock (no network). */
class TraceSeriesWriterTest {
    private static final long T0 = Traces.START.toEpochMilli();

    private final AtomicLong now = new AtomicLong(T0);
    private final StringWriter csv = new StringWriter();
    private final TraceSeriesWriter w = new TraceSeriesWriter(
            TraceConfig.builder(ip("10.0.3.2")).maxTtl(5).build(), csv, now::get);

    private void probe(int ttl, ProbeOutcome o) {
        w.onProbe(new ProbeRecord(1, 0, ttl, now.get(), o));
    }

    private List<String> lines() {
        return csv.toString().lines().toList();
    }

    @Test
    void oneRowPerHopAndIntervalWithTheIntervalsFiguresOnly() {
        // Interval 1 (0-60 s): hop 1 answers 10, 20, 30, 40 ms and loses one; hop 2 (the destination) answers 5 ms.
        for (double ms : new double[] {10, 20, 30, 40}) {
            probe(1, router("10.0.0.1", ms));
        }
        probe(1, timeout());
        probe(2, reply("10.0.3.2", 5));
        now.addAndGet(60_000);
        w.roll();
        // Interval 2 (60-120 s): hop 1 only, two answers from a second router that outnumber one from the first.
        probe(1, router("10.0.0.9", 2));
        probe(1, router("10.0.0.9", 4));
        probe(1, router("10.0.0.1", 6));
        now.addAndGet(60_000);
        w.close();

        List<String> rows = lines();
        assertEquals(4, rows.size(), csv.toString());
        assertEquals(TraceSeriesWriter.HEADER, rows.get(0));
        // sent 5, received 4, lost 1 = 20.0%; min 10, avg (10+20+30+40)/4 = 25, max 40; p50 20, p90 = p99 = 40
        row(rows.get(1), "2024-05-01T10:00:00Z,2024-05-01T10:01:00Z,1,10.0.0.1,5,4,1,20.0,10.000,25.000", 40, 20, 40, 40);
        // one answer: every figure is 5 (percentiles are held between min and max)
        row(rows.get(2), "2024-05-01T10:00:00Z,2024-05-01T10:01:00Z,2,10.0.3.2,1,1,0,0.0,5.000,5.000", 5, 5, 5, 5);
        // nothing from interval 1 carries over: min 2, avg (2+4+6)/3 = 4, max 6; p50 4, p90 = p99 = 6
        row(rows.get(3), "2024-05-01T10:01:00Z,2024-05-01T10:02:00Z,1,10.0.0.9,3,3,0,0.0,2.000,4.000", 6, 4, 6, 6);
        assertEquals(3, w.rows());
    }

    /**
     * Checks a row: the exact columns as text, the percentiles within the histogram's documented 1% (two
     * significant digits), and the max exactly.
     */
    private static void row(String row, String exact, double max, double p50, double p90, double p99) {
        assertTrue(row.startsWith(exact + ","), row);
        String[] f = row.split(",");
        assertEquals(max, Double.parseDouble(f[13]), 0.0, row);
        double[] want = {p50, p90, p99};
        for (int i = 0; i < 3; i++) {
            double got = Double.parseDouble(f[10 + i]);
            assertEquals(want[i], got, want[i] * 0.01, "percentile column " + (10 + i) + " of " + row);
        }
    }

    @Test
    void aSilentHopHasARowWithoutRtts() {
        probe(1, router("10.0.0.1", 1));
        probe(2, router("10.0.0.2", 1));
        probe(3, timeout());
        probe(3, timeout());
        now.addAndGet(2_000);
        w.roll();
        assertEquals("2024-05-01T10:00:00Z,2024-05-01T10:00:02Z,3,,2,0,2,100.0,,,,,,", lines().get(3));
    }

    @Test
    void noRowsBeyondTheDestinationNorBeyondTheHopAfterTheLastResponding() {
        // Interval 1 is a first round sent to TTLs 1-5 of a path whose destination is hop 2: TTLs 3-5 reach the
        // destination too; one of them is answered (port unreachable in UDP mode would read the same), the others
        // are not (its ICMP budget spent). Only hops 1 and 2 may have rows, as in the trace's hop list.
        probe(1, router("10.0.0.1", 1));
        probe(2, reply("10.0.3.2", 2));
        probe(3, reply("10.0.3.2", 2));
        probe(4, timeout());
        probe(5, timeout());
        now.addAndGet(1_000);
        w.roll();
        // Interval 2: late answers beyond the destination still write no row.
        probe(1, router("10.0.0.1", 1));
        probe(2, reply("10.0.3.2", 2));
        probe(4, reply("10.0.3.2", 2));
        now.addAndGet(1_000);
        w.close();
        List<String> ttls = lines().stream().skip(1).map(l -> l.split(",")[2]).toList();
        assertEquals(List.of("1", "2", "1", "2"), ttls, csv.toString());
        assertEquals(4, w.rows());
    }

    @Test
    void whileTheDestinationIsUnknownRowsEndOneAfterTheLastRespondingHop() {
        // The destination has not answered yet: the trace shows hops 1-2 and the silent hop 3, nothing beyond.
        probe(1, router("10.0.0.1", 1));
        probe(2, router("10.0.0.2", 1));
        for (int ttl = 3; ttl <= 5; ttl++) {
            probe(ttl, timeout());
        }
        now.addAndGet(1_000);
        w.close();
        List<String> ttls = lines().stream().skip(1).map(l -> l.split(",")[2]).toList();
        assertEquals(List.of("1", "2", "3"), ttls, csv.toString());
    }

    @Test
    void anIntervalWithNothingEndedWritesNoRowAndTheNextStartsWhereItEnded() {
        now.addAndGet(1_000);
        w.roll();
        assertEquals(1, lines().size(), "header only");
        probe(1, router("10.0.0.1", 1));
        now.addAndGet(1_000);
        w.close();
        assertTrue(lines().get(1).startsWith("2024-05-01T10:00:01Z,2024-05-01T10:00:02Z,1,10.0.0.1,1,1,0,0.0,"),
                lines().get(1));
    }

    @Test
    void afterCloseNothingMoreIsCounted() {
        w.close();
        probe(1, router("10.0.0.1", 1));
        w.roll();
        assertEquals(List.of(TraceSeriesWriter.HEADER), lines());
    }

    @Test
    void theClockIsTheEnginesAndNoThreadOfItSurvivesTheClose() throws Exception {
        // Threads the process starts once, at its first use of the native layer (jffi's cleaner), are no engine's:
        // an engine built and closed first starts them before the count.
        io.pathprobe.core.ProbeEngine.builder().threads(1).build().close();
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        AtomicLong clockReads = new AtomicLong();
        io.pathprobe.core.ProbeEngine engine = io.pathprobe.core.ProbeEngine.builder().threads(1).build();
        TraceSeriesWriter own;
        try {
            own = new TraceSeriesWriter(TraceConfig.builder(ip("10.0.3.2")).maxTtl(5).build(), new StringWriter(),
                    () -> {
                        clockReads.incrementAndGet(); // once at the start, then once per roll
                        return now.get();
                    });
            own.rollEvery(engine, java.time.Duration.ofMillis(5));
            // Counts rolls, not time: the bound is only how long to wait before calling it a failure.
            for (int i = 0; i < 1000 && clockReads.get() < 4; i++) {
                Thread.sleep(10);
            }
            assertTrue(clockReads.get() >= 4, "three rolls on the engine's scheduler: " + clockReads);
        } finally {
            engine.close(); // the engine first, as the CLI closes it: the clock ends with it
        }
        own.close();
        assertThrows(IllegalStateException.class, () -> new TraceSeriesWriter(
                TraceConfig.builder(ip("10.0.3.2")).build(), new StringWriter(), now::get)
                .rollEvery(engine, java.time.Duration.ofSeconds(1)), "a closed engine's clock");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t)) {
                t.join(5_000); // the engine's loop thread ends just after its close returns
                assertTrue(!t.isAlive(), "thread '" + t.getName() + "' survived the close");
            }
            assertTrue(!t.isAlive() || !t.getName().contains("trace-series"), "a series thread: " + t.getName());
        }
    }

    @Test
    void theTargetAddressMustBeKnown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TraceSeriesWriter(TraceConfig.builder("lb.example").build(), new StringWriter(), now::get));
        assertTrue(e.getMessage().contains("resolve 'lb.example' first"), e.getMessage());
    }
}
