package io.pathprobe.tcp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeEventListener;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.testkit.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connect time is the kernel's handshake sample, not when the event loop got round to the completion: with the
 * probe's (only) loop held busy for {@value #BLOCK_MS} ms right after connect(), a loopback connect still reports
 * its wire time. Not a performance assertion: the two clocks differ by the whole block (the handshake on loopback
 * takes microseconds inside the kernel, whatever the loop does), and the test first checks that the block really
 * delayed the completion, so the bound of half the block separates "kernel clock" from "loop clock" with the
 * full block's margin.
 */
@Timeout(60)
class TcpKernelClockTest {
    static final long BLOCK_MS = 300;
    /** Ports of the helper probes (refused or dropped, whatever: only their start events on the loop matter). */
    static final int TRIGGER_PORT = 7;
    static final int BLOCKER_PORT = 9;

    /**
     * Holds the probe's loop busy right after its connect(): the trigger probe's start event (on the engine's only
     * loop) submits the measured probes and then the blocker; a probe submitted on a loop starts there at once, so
     * the measured connects are issued and the blocker's start event sleeps the block in the same loop task, before
     * the loop can handle any completion.
     */
    static final class LoopHolder implements ProbeEventListener {
        final long blockMillis;
        volatile ProbeEngine engine;
        volatile List<ProbeRequest> measured;
        volatile InetAddress helperTarget;
        final CompletableFuture<List<CompletableFuture<ProbeOutcome>>> started = new CompletableFuture<>();
        volatile long blockStart;
        volatile long measuredEnded;
        /** How many measured probes had ended when the block began. */
        volatile int endedBeforeBlock;

        LoopHolder() {
            this(BLOCK_MS);
        }

        LoopHolder(long blockMillis) {
            this.blockMillis = blockMillis;
        }

        @Override
        public void probeStarted(ProbeRequest r) {
            if (r.port() == TRIGGER_PORT) {
                List<CompletableFuture<ProbeOutcome>> all = new ArrayList<>();
                for (ProbeRequest m : measured) {
                    CompletableFuture<ProbeOutcome> f = engine.probe(m);
                    f.whenComplete((o, e) -> measuredEnded = System.nanoTime());
                    all.add(f);
                }
                started.complete(all);
                engine.probe(helper(BLOCKER_PORT));
            } else if (r.port() == BLOCKER_PORT) {
                blockStart = System.nanoTime();
                endedBeforeBlock = (int) started.join().stream().filter(CompletableFuture::isDone).count();
                try {
                    Thread.sleep(blockMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        ProbeRequest helper(int port) {
            return ProbeRequest.builder("tcp").target(helperTarget).port(port).timeout(Duration.ofSeconds(10)).build();
        }

        /** Starts the trigger, which runs {@code measured} as above; their outcomes to come. */
        List<CompletableFuture<ProbeOutcome>> start(ProbeEngine engine, List<ProbeRequest> measured,
                InetAddress helperTarget) throws Exception {
            this.engine = engine;
            this.measured = measured;
            this.helperTarget = helperTarget;
            engine.probe(helper(TRIGGER_PORT));
            return started.get(20, TimeUnit.SECONDS);
        }

        /**
         * Runs {@code measured} as above; checks that its result came after the block, or before the block began
         * (the native connect path ends a probe inside its start when the kernel had the answer by the time
         * connect() returned, as on loopback: then no loop can delay it), and returns the outcome.
         */
        ProbeOutcome run(ProbeEngine engine, ProbeRequest measured, InetAddress helperTarget) throws Exception {
            ProbeOutcome o = start(engine, List.of(measured), helperTarget).get(0).get(20, TimeUnit.SECONDS);
            long ended = measuredEnded;
            long afterBlockStart = ended - blockStart;
            boolean beforeBlock = blockStart == 0 || afterBlockStart < 0;
            assertTrue(beforeBlock || afterBlockStart >= blockMillis * 1_000_000, "precondition: the loop was held "
                    + blockMillis + " ms, the result came " + afterBlockStart / 1e6 + " ms after the block began");
            return o;
        }
    }

    /** The RTT is below half the block: the kernel's clock, not the loop's. */
    static void assertKernelTime(ProbeOutcome o) {
        assertTrue(o.rttNanos() > 0 && o.rttNanos() < BLOCK_MS * 1_000_000 / 2,
                "time " + o.rttNanos() / 1e6 + " ms is the loop's, not the kernel's: " + o);
    }

    @Test
    void aBusyLoopDoesNotLengthenTheConnectTime() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        LoopHolder holder = new LoopHolder();
        try (ServerSocket server = new ServerSocket(0, 50, lo);
             ProbeEngine engine = ProbeEngine.builder().threads(1).eventListener(holder).build()) {
            Epoll.require(engine, "TCP_INFO needs");
            ProbeRequest measured = ProbeRequest.builder("tcp").target(lo).port(server.getLocalPort())
                    .timeout(Duration.ofSeconds(10)).build();
            ProbeOutcome o = holder.run(engine, measured, lo);
            assertInstanceOf(TcpConnected.class, o);
            assertKernelTime(o);
        }
    }
}
