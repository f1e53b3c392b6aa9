package io.pathprobe.core.internal;

import io.pathprobe.core.TestOutcomes;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeEventListener;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.Probers;
import io.pathprobe.core.fixtures.ScriptedProber;
import io.pathprobe.nativeio.SocketConstants;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.NativeTerms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backpressure at a resource limit, with a prober whose "descriptors" are a counted pool (no network): a probe
 * that finds the pool empty is handed back with EMFILE, as the real probers do when socket() fails so.
 */
@Timeout(60)
class BackpressureTest {
    private static final ErrnoCause EMFILE = NativeTerms.cause(SocketConstants.EMFILE);

    /** Descriptors shared by the probes; each probe holds one for a millisecond, then answers. */
    private static final class Pool {
        final AtomicInteger free;
        final AtomicInteger mostHeld = new AtomicInteger();
        final AtomicInteger handedBack = new AtomicInteger();
        final int size;
        final ScriptedProber prober = ScriptedProber.of("pool", this::start)
                .describedAs("a prober limited by a pool of descriptors");

        Pool(int size) {
            this.size = size;
            this.free = new AtomicInteger(size);
        }

        void start(ProbeCall call) {
            if (free.getAndDecrement() <= 0) {
                free.incrementAndGet();
                handedBack.incrementAndGet();
                call.retryLater(EMFILE);
                return;
            }
            mostHeld.accumulateAndGet(size - free.get(), Math::max);
            call.eventLoop().schedule(() -> {
                free.incrementAndGet(); // closed before the outcome, as the TCP prober's sockets
                call.complete(TestOutcomes.answer(1_000_000, call.address()));
            }, 1, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void probesWaitForDescriptorsInsteadOfFailing() throws Exception {
        Pool pool = new Pool(8);
        AtomicInteger startsTold = new AtomicInteger();
        ProbeEventListener counting = new ProbeEventListener() {
            @Override
            public void probeStarted(ProbeRequest request) {
                startsTold.incrementAndGet();
            }
        };
        List<CompletableFuture<ProbeOutcome>> futures = new ArrayList<>();
        try (ProbeEngine engine = ProbeEngine.builder().probers(Probers.of(pool.prober)).forceNio(true).threads(2)
                .eventListener(counting).build()) {
            for (int i = 0; i < 500; i++) {
                futures.add(engine.probe(ProbeRequest.builder("pool").target("127.0.0.1").build()));
            }
            for (CompletableFuture<ProbeOutcome> f : futures) {
                ProbeOutcome o = f.get(30, TimeUnit.SECONDS);
                assertInstanceOf(TestOutcomes.Resent.class, o, () -> "every probe answers, none fails: " + o);
            }
        }
        assertTrue(pool.handedBack.get() > 0, "the pool did run out (else this test shows nothing)");
        assertTrue(pool.mostHeld.get() <= 8, "never more descriptors than the pool has: " + pool.mostHeld);
        assertEquals(500, startsTold.get(), "a held probe's start is told once");
    }

    @Test
    void aShortageThatLastsEndsEachProbeWithOneClearError() throws Exception {
        Pool empty = new Pool(0);
        Prober prober = empty.prober.create(null);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EngineCalls calls = new EngineCalls(group, 64, 0, List.of(), kind -> prober,
                    TimeUnit.MILLISECONDS.toNanos(200));
            InetAddress lo = InetAddress.getLoopbackAddress();
            List<CompletableFuture<ProbeOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(calls.submit(prober, ProbeRequest.builder("pool").target(lo).build()));
            }
            for (CompletableFuture<ProbeOutcome> f : futures) {
                ProbeOutcome o = f.get(30, TimeUnit.SECONDS);
                ProbeOutcome.LocalError e = assertInstanceOf(ProbeOutcome.LocalError.class, o);
                assertEquals(SocketConstants.EMFILE, e.cause().errno());
                assertTrue(e.message().startsWith("out of file descriptors (EMFILE: this process may open "),
                        e.message());
                assertTrue(e.message().contains("ulimit -n") && e.message().contains("maxProbesPerSecond"),
                        e.message());
            }
            assertEquals(0, calls.inFlight(), "every slot given back");
            calls.shutdown();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
