package io.pathprobe.tcp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeEventListener;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.testkit.Epoll;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What 10,000 concurrent TCP traces did to their accounts, made deterministic: thousands of trace probes (TTL 1)
 * whose Time Exceeded from the first router reaches each socket's error queue within microseconds, while the
 * engine's only event loop is held (by a probe-start listener that sleeps) until well past every deadline. Once free,
 * the loop reads at most a few batches of ready connects before it runs its due timers; those used to time out
 * every probe whose answer still waited. The connect set now times its probes out itself, reading what waits
 * first, and counts each answer by the kernel's stamp of its arrival: all of them count, with RTTs inside the
 * timeout.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpStarvedLoopLabTest {
    /** Well above the 1,024 ready connects the set reads in one turn of the loop. */
    private static final int PROBES = 3000;
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** The loop is held this long right after the connects: past every deadline (the last is TIMEOUT after it). */
    private static final long BLOCK_MILLIS = 1500;

    @Test
    void timeExceededThatArrivedInTimeCountsThoughTheLoopReadsItLate(NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(1);
        InetAddress server = path.server().address(StandardProtocolFamily.INET);
        InetAddress router = path.router(1).addressTowardClient(StandardProtocolFamily.INET);
        TcpKernelClockTest.LoopHolder holder = new TcpKernelClockTest.LoopHolder(BLOCK_MILLIS);
        List<Long> late = Collections.synchronizedList(new ArrayList<>());
        ProbeEventListener lateAnswers = new ProbeEventListener() {
            @Override
            public void probeLate(ProbeRequest request, long rttNanos) {
                late.add(rttNanos);
            }
        };
        try (ProbeEngine engine = ProbeEngine.builder().threads(1).networkNamespace(path.client().namespace())
                .maxInFlight(2 * PROBES).eventListener(holder).eventListener(lateAnswers).build()) {
            Epoll.require(engine, "the native connect path needs");
            List<ProbeRequest> probes = new ArrayList<>();
            for (int i = 0; i < PROBES; i++) {
                probes.add(ProbeRequest.builder("tcp").target(server).port(20_000 + i).option(ProbeOption.TTL, 1)
                        .timeout(TIMEOUT).build());
            }
            List<CompletableFuture<ProbeOutcome>> outcomes = holder.start(engine, probes, server);
            int answered = 0;
            List<String> others = new ArrayList<>();
            for (int i = 0; i < PROBES; i++) {
                ProbeOutcome o = outcomes.get(i).get(30, TimeUnit.SECONDS);
                if (o instanceof ProbeOutcome.TtlExceeded t && router.equals(t.responder())) {
                    answered++;
                    assertTrue(o.rttNanos() >= 0 && o.rttNanos() <= TIMEOUT.toNanos(), "probe " + i + ": " + o);
                } else if (others.size() < 5) {
                    others.add(i + ": " + o);
                }
            }
            // Otherwise this would test nothing: answers must have waited through the block.
            assertTrue(holder.endedBeforeBlock < PROBES, "all " + PROBES + " connects ended before the block");
            // Exact: every probe answered in time, or timed out with its answer reported late, the kernel's stamp
            // past the deadline. (A SYN of the burst can be dropped from a full receive backlog of the shared
            // machine, net.core.netdev_max_backlog; TCP sends it again after its 1 s initial RTO, and that Time
            // Exceeded arrives during the block, after the deadline.)
            assertEquals(PROBES, answered + late.size(), "answered of " + PROBES + " (" + holder.endedBeforeBlock
                    + " before the block), late " + late + "; others, e.g. " + others);
            for (long rtt : late) {
                assertTrue(rtt > TIMEOUT.toNanos(), "a late answer within the timeout: " + rtt + " ns");
            }
        }
    }
}
