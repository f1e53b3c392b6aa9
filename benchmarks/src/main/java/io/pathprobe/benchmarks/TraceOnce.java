package io.pathprobe.benchmarks;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.mtr.FormatOptions;
import io.pathprobe.mtr.MtrReport;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.mtr.TraceConfig;
import io.pathprobe.mtr.TraceSnapshot;
import io.pathprobe.mtr.Tracer;

import java.time.Duration;

/**
 * One trace of one round ({@code -c 1}), for {@code mtr-vs-peers.sh}: prints the report and, on stderr, the time
 * from engine start to the complete round. Args: TARGET [icmp|udp|tcp] [-m MAXTTL].
 */
public final class TraceOnce {
    private TraceOnce() {
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        ProbeMode mode = args.length > 1 ? ProbeMode.parse(args[1]) : ProbeMode.ICMP;
        try (ProbeEngine engine = ProbeEngine.create()) {
            TraceConfig c = TraceConfig.builder(args[0]).mode(mode).count(1).timeout(Duration.ofSeconds(2)).build();
            TraceSnapshot s = Tracer.start(engine, c, null).completion().join();
            long t1 = System.nanoTime();
            System.out.print(MtrReport.format(s, FormatOptions.defaults()));
            System.err.printf("pathprobe trace: %.1f ms from engine start to the complete round%n", (t1 - t0) / 1e6);
        }
    }
}
