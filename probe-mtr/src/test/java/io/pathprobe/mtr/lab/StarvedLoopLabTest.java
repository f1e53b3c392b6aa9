package io.pathprobe.mtr.lab;

import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.Repetition;
import io.pathprobe.icmp.EchoReply;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What 10,000 concurrent traces did to their accounts, made deterministic: answers arrive in time but the engine's
 * only event loop is held (here by a task that sleeps; there by thousands of traces ending at once, or by other
 * processes taking the CPU) until well past every probe's deadline. Once free, the loop reads at most a batch of
 * answers per socket before it runs its due timers; those used to time out every probe whose answer was still
 * queued. Each answer counts by when the kernel received it, so all of them count, with RTTs inside the timeout.
 * (TCP mode's connects are timed out by their loop's connect set the same way: probe-tcp's TcpStarvedLoopLabTest.)
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StarvedLoopLabTest {
    /** Well above the 1,024 answers a socket's readiness event reads before the loop turns to its timers. */
    private static final int PROBES = 3000;
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** The loop is held this long right after the sends: past every deadline. */
    private static final long STALL_MILLIS = 1500;

    @ParameterizedTest
    @EnumSource(value = ProbeMode.class, names = {"ICMP", "UDP"})
    void answersThatArrivedInTimeCountThoughTheLoopReadsThemLate(ProbeMode mode, NetLab lab) throws Exception {
        Host h = lab.host("h");
        try (ProbeEngine engine = ProbeEngine.builder().networkNamespace(h.namespace()).threads(1)
                .maxInFlight(2 * PROBES).build()) {
            List<CompletableFuture<ProbeOutcome>> outcomes = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Long> stalled = new CompletableFuture<>();
            Repetition r = engine.repeat(Duration.ofSeconds(1), 1, Duration.ZERO, new Repetition.Rounds() {
                @Override
                public void round(Repetition rep, long n) {
                    for (int i = 0; i < PROBES; i++) {
                        outcomes.add(engine.probe(request(mode, i)));
                    }
                    if (rep.hold()) {
                        // Due now, it runs after the sends (queued before it) and after one pass over the sockets,
                        // which reads at most a batch of the answers.
                        rep.schedule(() -> {
                            long read = outcomes.stream().filter(CompletableFuture::isDone).count();
                            sleep(STALL_MILLIS); // on the engine's one loop: nothing is read meanwhile
                            stalled.complete(read);
                            rep.release();
                        }, 0);
                    }
                }

                @Override
                public void finished(Repetition rep) {
                }
            });
            r.start();
            long readBeforeStall = stalled.get(30, TimeUnit.SECONDS);
            // Otherwise this would test nothing: some answers must have waited through the stall.
            assertTrue(readBeforeStall < PROBES, mode + ": all " + PROBES + " answers were read before the stall");
            int answered = 0;
            List<String> others = new ArrayList<>();
            for (int i = 0; i < PROBES; i++) {
                ProbeOutcome o = outcomes.get(i).get(30, TimeUnit.SECONDS);
                boolean want = mode == ProbeMode.ICMP ? o.type() == EchoReply.TYPE
                        : o.type() == OutcomeType.UNREACHABLE; // port unreachable from the destination
                if (want) {
                    answered++;
                    assertTrue(o.rttNanos() >= 0 && o.rttNanos() <= TIMEOUT.toNanos(), mode + " probe " + i + ": " + o);
                } else if (others.size() < 5) {
                    others.add(i + ": " + o);
                }
            }
            assertEquals(PROBES, answered, mode + ": answered of " + PROBES + "; others, e.g. " + others);
        }
    }

    private static ProbeRequest request(ProbeMode mode, int i) {
        InetAddress t;
        try {
            t = InetAddress.getByAddress(new byte[] {127, 1, (byte) (i / 250), (byte) (1 + i % 250)});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
        ProbeRequest.Builder b = ProbeRequest.builder(mode.kind()).target(t).timeout(TIMEOUT);
        if (mode == ProbeMode.UDP) {
            b.port(33434);
        }
        return b.build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
