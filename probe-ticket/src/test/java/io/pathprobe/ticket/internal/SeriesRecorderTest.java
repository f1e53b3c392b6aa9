package io.pathprobe.ticket.internal;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.icmp.EchoReply;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.Sample;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chart samples of a series stay within the cap and keep spanning the whole capture. */
class SeriesRecorderTest {
    private static final ProbeOutcome REPLY = new EchoReply(1_000_000, InetAddress.getLoopbackAddress(), 64, 64);
    private static final ProbeOutcome LOST = new ProbeOutcome.TimedOut(1_000_000); // as long as the RTT: samples sort by send time

    @Test
    void keepsEveryProbeUpToTheCap() {
        SeriesRecorder r = new SeriesRecorder("local", "ping", "127.0.0.1", 0, null, System.nanoTime());
        for (long seq = 1; seq <= SeriesRecorder.MAX_SAMPLES; seq++) {
            r.onOutcome(null, seq, REPLY);
        }
        ProbeSeries s = r.result();
        assertEquals(SeriesRecorder.MAX_SAMPLES, s.samples().size());
        assertEquals(0, s.samplesDropped());
    }

    @Test
    void beyondTheCapKeepsAnEvenStrideOverTheWholeRun() {
        SeriesRecorder r = new SeriesRecorder("local", "ping", "127.0.0.1", 0, null, System.nanoTime());
        long probes = 5L * SeriesRecorder.MAX_SAMPLES + 3;
        for (long seq = 1; seq <= probes; seq++) {
            r.onOutcome(null, seq, seq % 3 == 0 ? LOST : REPLY);
        }
        ProbeSeries s = r.result();
        List<Sample> kept = s.samples();
        assertTrue(kept.size() <= SeriesRecorder.MAX_SAMPLES, kept.size() + " samples");
        assertEquals(probes, kept.size() + s.samplesDropped(), "every probe is a sample or counted as dropped");
        // 50,003 probes into 10,000: the stride doubled three times, to 8, leaving seq 8, 16, ..., 50,000.
        long stride = 8;
        assertEquals(probes / stride, kept.size());
        for (int i = 0; i < kept.size(); i++) {
            assertEquals((i + 1) * stride, kept.get(i).seq());
            assertEquals(kept.get(i).seq() % 3 == 0 ? "timed-out" : "reply", kept.get(i).outcome());
        }
        assertEquals(probes - probes % stride, kept.get(kept.size() - 1).seq(), "the samples reach the end");
    }
}
