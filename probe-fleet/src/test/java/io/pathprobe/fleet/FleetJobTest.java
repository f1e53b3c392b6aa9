package io.pathprobe.fleet;

import io.pathprobe.testkit.NatsServer;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.LocalAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job of 10,000 loopback targets (127.1.0.0/16, port 9: nothing listens, every connect is refused by the kernel
 * at once) shared over a queue group of five agents through the real broker, one of them a process killed with
 * kill -9 mid-job while it holds items: every target measured exactly once, the items it held dispatched again, the
 * shares roughly equal.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FleetJobTest {
    static final int TARGETS = 10_000;
    static final int ITEM = 50;

    @TempDir
    Path dir;

    @Test
    void tenThousandTargetsOverFiveAgentsExactlyOnceThoughOneIsKilled() throws Exception {
        NatsServer.configure(Agents.SHIPPED, dir, "coordinator", "w1:pool", "w2:pool", "w3:pool", "w4:pool",
                "w5:pool");
        List<InetSocketAddress> targets = new ArrayList<>();
        for (int i = 0; i < TARGETS; i++) {
            targets.add(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 1, (byte) (i >> 8),
                    (byte) i}), 9));
        }
        String allow = "127.0.0.0/8:9";
        List<NatsAgentServer> inJvm = new ArrayList<>();
        try (NatsServer broker = NatsServer.start(dir, "127.0.0.1", NatsServer.freePort());
             Agents.Process victim = new Agents.Process(List.of(), broker.url(), broker.auth("w5"), "w5", "pool",
                     allow);
             Fleet fleet = Fleet.connect(Agents.as(broker, "coordinator"));
             HeldItems w5 = new HeldItems(broker, "w5")) {
            for (String w : List.of("w1", "w2", "w3", "w4")) {
                inJvm.add(Agents.start(broker, w, "pool", LocalAgent.host(), Map.of(), line -> { }, allow));
            }
            assertEquals(5, fleet.agents("*", Fleet.DISCOVERY).size(), "all five agents beat");
            AtomicInteger heldAtKill = new AtomicInteger();
            AtomicReference<Exception> killerFailed = new AtomicReference<>();
            Thread killer = new Thread(() -> {
                try {
                    heldAtKill.set(killWhileHolding(victim, w5));
                } catch (Exception e) {
                    killerFailed.set(e);
                }
            }, "killer");
            killer.start();
            long t0 = System.nanoTime();
            FleetJob.Result r = FleetJob.builder(fleet, "pool", targets).itemSize(ITEM).probesPerSecond(200)
                    .timeout(Duration.ofSeconds(1)).build().run(Duration.ofSeconds(100));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            killer.join();
            assertEquals(null, killerFailed.get(), "the killer thread");
            assertTrue(heldAtKill.get() >= 1, "w5 was killed holding items (broker log: " + broker.log() + ")");
            assertTrue(r.complete(), "every item ended: " + r.share() + " in " + ms + " ms");
            assertEquals(TARGETS, r.outcomes().size(), "one outcome per target");
            assertEquals(TARGETS, r.share().values().stream().mapToInt(Integer::intValue).sum(),
                    "the shares add up to the targets: none counted twice " + r.share());
            assertEquals(Map.of(), r.refused());
            Set<String> keys = new HashSet<>(r.outcomes().keySet());
            for (InetSocketAddress t : targets) {
                assertTrue(keys.remove(t.getAddress().getHostAddress() + ":9"), "measured: " + t);
            }
            for (CaptureEvent e : r.outcomes().values()) {
                assertEquals("refused", e.outcome(), e.toString());
                assertTrue(r.share().containsKey(e.vantage().substring("nats:".length())), e.vantage());
            }
            // Each item w5 held when killed is dispatched again at least once (an item it held that had already been
            // re-dispatched for lateness counts that earlier re-dispatch).
            assertTrue(r.redispatched() >= heldAtKill.get(), "the " + heldAtKill.get()
                    + " items the killed agent held went to others: re-dispatched " + r.redispatched());
            // Shares: NATS gives each item to a uniformly random member. Before the kill, w5 takes its part; the
            // four survivors each get at least the items drawn for them among the 200. For one survivor that is at
            // least Binomial(200, 1/5) (fewer members later only raise its chance): mean 40, sd 5.66; P(< 17 items)
            // is below 2.5e-5 (z = -4.06), so for the four together below 1e-4. 17 items are 850 targets.
            for (String w : List.of("w1", "w2", "w3", "w4")) {
                assertTrue(r.share().getOrDefault(w, 0) >= 17 * ITEM, w + "'s share: " + r.share());
            }
            System.out.println("job of " + TARGETS + " targets over 5 agents (one killed): " + ms + " ms, shares "
                    + r.share() + ", killed holding " + heldAtKill.get() + ", re-dispatched " + r.redispatched()
                    + ", duplicates discarded " + r.duplicatesDiscarded());
        } finally {
            inJvm.forEach(NatsAgentServer::close);
        }
    }

    /**
     * Kills {@code victim} (SIGKILL) at a moment it holds items, and returns how many (0: it never did in 60 s).
     * Mid-job (once it has finished a few items) it is paused with SIGSTOP while it holds some; when nothing more
     * has come from it for a second, whatever it had sent before the pause has arrived, so what it holds is known.
     * If it holds nothing by then (its results were on the way), it resumes and the next moment is tried.
     */
    private static int killWhileHolding(Agents.Process victim, HeldItems items) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            if (items.finished() >= 5 && items.held() > 0) {
                victim.pause();
                boolean quiet = items.quietFor(Duration.ofSeconds(1), Duration.ofSeconds(5));
                int held = items.held();
                if (quiet && held > 0) {
                    victim.kill();
                    return held;
                }
                victim.resume();
            }
            Thread.sleep(10);
        }
        victim.kill();
        return 0;
    }
}
