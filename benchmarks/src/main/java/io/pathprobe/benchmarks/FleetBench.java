package io.pathprobe.benchmarks;

import io.pathprobe.agent.AgentServerConfig;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.agent.quota.Quotas;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.fleet.Fleet;
import io.pathprobe.fleet.NatsAgent;
import io.pathprobe.fleet.NatsAgentConfig;
import io.pathprobe.fleet.NatsAgentServer;
import io.pathprobe.fleet.NatsConnection;
import io.pathprobe.ticket.agent.AgentCapture;
import io.pathprobe.ticket.agent.CapturePlan;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * N agents on one broker (in this JVM, each with its own broker connection and its own source address
 * 127.0.2.I, so each agent's probes are told apart by the kernel as well as by the broker): one capture plan goes
 * to all of them at once; prints the time until the last agent's first event arrived at the coordinator and the
 * events per second that came through the broker. Arguments: URL USERS-DIR AGENTS SECONDS INTERVAL-MS (the users
 * s1..sN and coordinator written by fleet-users.sh into USERS-DIR).
 */
public final class FleetBench {
    private FleetBench() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        Path users = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        long every = Long.parseLong(args[4]);
        try (ServerSocket listener = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (true) {
                    try (Socket s = listener.accept()) {
                        s.getInputStream();
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            List<NatsAgentServer> agents = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 1; i <= n; i++) {
                InetAddress src = InetAddress.getByAddress(new byte[] {127, 0, 2, (byte) i});
                AgentServerConfig cfg = AgentServerConfig.builder(TargetPolicy.of("127.0.0.1/32:"
                        + listener.getLocalPort())).name("s" + i)
                        .vantage(LocalAgent.builder().binding(new LocalVantagePoint(Optional.of(src), Optional.empty()))
                                .build())
                        .quotas(Quotas.builder().probesPerSecond(5000).probesPerSecondPerTarget(5000).build())
                        .version("pathprobe bench").build();
                agents.add(NatsAgentServer.start(new NatsAgentConfig(NatsConnection.to(url)
                        .withAuthFile(users.resolve("s" + i + ".auth")), Map.of("bench", "scale"), null, cfg)));
            }
            System.out.printf("%d agents connected in %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
            try (Fleet fleet = Fleet.connect(NatsConnection.to(url).withAuthFile(users.resolve("coordinator.auth")))) {
                List<NatsAgent> all = fleet.select("bench=scale");
                System.out.printf("selector bench=scale matched %d agents%n", all.size());
                CapturePlan plan = CapturePlan.builder("127.0.0.1", InetAddress.getLoopbackAddress())
                        .ports(List.of(listener.getLocalPort())).ping(false).traceModes(List.of())
                        .duration(Duration.ofSeconds(seconds)).tcpInterval(Duration.ofMillis(every))
                        .timeout(Duration.ofSeconds(1)).build();
                AtomicLongArray first = new AtomicLongArray(all.size());
                AtomicLong events = new AtomicLong();
                List<AgentCapture> caps = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < all.size(); i++) {
                    int k = i;
                    // Started from one thread each, as a ticket capture starts its vantage points.
                    caps.add(null);
                    Thread t = new Thread(() -> caps.set(k, all.get(k).start(plan, e -> {
                        events.incrementAndGet();
                        first.compareAndSet(k, 0, System.nanoTime());
                    })));
                    t.start();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60);
                while (System.nanoTime() < deadline) {
                    boolean done = true;
                    for (int i = 0; i < all.size(); i++) {
                        done &= caps.get(i) != null && caps.get(i).evidence().isDone();
                    }
                    if (done) {
                        break;
                    }
                    Thread.sleep(100);
                }
                long end = System.nanoTime();
                long last = 0;
                int missing = 0;
                for (int i = 0; i < all.size(); i++) {
                    if (first.get(i) == 0) {
                        missing++;
                    } else {
                        last = Math.max(last, first.get(i) - start);
                    }
                }
                long complete = caps.stream().filter(c -> c != null && c.evidence().isDone()
                        && VantageEvidence.COMPLETE.equals(c.evidence().join().status())).count();
                System.out.printf("time to the last agent's first event: %d ms (%d agents without one)%n",
                        last / 1_000_000, missing);
                System.out.printf("%d events through the broker in %.1f s: %.0f events/s; %d/%d captures complete%n",
                        events.get(), (end - start) / 1e9, events.get() / ((end - start) / 1e9), complete,
                        all.size());
            }
            agents.forEach(NatsAgentServer::close);
        }
    }
}
