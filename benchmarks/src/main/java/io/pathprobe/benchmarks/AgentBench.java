package io.pathprobe.benchmarks;

import io.pathprobe.agent.AgentServer;
import io.pathprobe.agent.AgentServerConfig;
import io.pathprobe.agent.HttpAgent;
import io.pathprobe.agent.auth.TokenStore;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.agent.quota.Quotas;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.CaptureProgress;
import io.pathprobe.ticket.agent.AgentCapture;
import io.pathprobe.ticket.agent.AgentCredentials;
import io.pathprobe.ticket.agent.AgentInfo;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.agent.CaptureListener;
import io.pathprobe.ticket.agent.CapturePlan;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Agent figures, on loopback only.
 * <ul>
 *   <li>{@code serve PORT EVENTS}: an agent whose vantage point emits EVENTS outcome events as fast as it can (the
 *       probing is not measured: the HTTP streaming, JSON and the coordinator's parsing are); run it pinned to one
 *       core ({@code taskset -c 0}).</li>
 *   <li>{@code consume PORT}: the coordinator's {@link HttpAgent} reads them all; prints events/s.</li>
 *   <li>{@code overhead PORTS SECONDS}: one plan (a TCP check every 10 ms on each of PORTS loopback listeners),
 *       run in-process and then through an agent in this JVM: probes/s and CPU seconds of each.</li>
 *   <li>{@code captures N SECONDS}: an agent with N concurrent real captures (ping and a TCP check each second to
 *       a loopback listener); prints heap and RSS while they run.</li>
 * </ul>
 */
public final class AgentBench {
    static final String TOKEN = "bench-token-0123456789abcdef";

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "serve" -> serve(Integer.parseInt(args[1]), Long.parseLong(args[2]));
            case "consume" -> consume(Integer.parseInt(args[1]));
            case "captures" -> captures(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "overhead" -> overhead(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> {
                System.err.println("usage: AgentBench serve PORT EVENTS | consume PORT | captures N SECONDS");
                System.exit(2);
            }
        }
    }

    static AgentServerConfig.Builder config(int port, ProbeAgent vantage, Quotas q) throws Exception {
        Path tokens = Files.createTempFile("bench-tokens", "");
        Files.writeString(tokens, "bench " + TOKEN + "\n");
        Files.setPosixFilePermissions(tokens, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return AgentServerConfig.builder(TargetPolicy.of("127.0.0.1/32")).listen(new InetSocketAddress(
                InetAddress.getLoopbackAddress(), port)).tokens(TokenStore.load(tokens)).quotas(q).vantage(vantage);
    }

    static void serve(int port, long events) throws Exception {
        Quotas q = Quotas.defaults().toBuilder().probesPerSecond(1e9).probesPerSecondPerTarget(1e9).build();
        try (AgentServer s = AgentServer.start(config(port, new Emitter(events), q).keep(1, (int) Math.min(
                Integer.MAX_VALUE, events)).build())) {
            System.err.println("serving " + events + " events on " + s.address());
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    static void consume(int port) throws Exception {
        HttpAgent agent = HttpAgent.of(URI.create("http://127.0.0.1:" + port), new AgentCredentials(TOKEN, null,
                null, null));
        AtomicLong n = new AtomicLong();
        CapturePlan plan = CapturePlan.builder("127.0.0.1", InetAddress.getLoopbackAddress()).ports(List.of(80))
                .ping(false).traceModes(List.of()).duration(Duration.ofSeconds(60)).build();
        long t0 = System.nanoTime();
        AgentCapture c = agent.start(plan, e -> n.incrementAndGet());
        VantageEvidence ev = c.evidence().join();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d events in %.2f s: %.0f events/s (status %s)%n", n.get(), s, n.get() / s, ev.status());
    }

    static void captures(int n, int seconds) throws Exception {
        Quotas q = Quotas.defaults().toBuilder().concurrentCaptures(n).probesPerSecond(1e6)
                .probesPerSecondPerTarget(1e6).build();
        try (TcpListener l = TcpListener.onHost(InetAddress.getLoopbackAddress(), 0);
             AgentServer s = AgentServer.start(config(0, LocalAgent.host(), q).build())) {
            HttpAgent agent = HttpAgent.of(URI.create("http://127.0.0.1:" + s.address().getPort()),
                    new AgentCredentials(TOKEN, null, null, null));
            CapturePlan plan = CapturePlan.builder("127.0.0.1", InetAddress.getLoopbackAddress())
                    .ports(List.of(l.port())).traceModes(List.of()).duration(Duration.ofSeconds(seconds)).build();
            List<AgentCapture> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(agent.start(plan, CaptureListener.NONE));
            }
            for (int t = 5; t < seconds; t += 5) {
                Thread.sleep(5000);
                System.gc();
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.out.printf("%d s: %d captures running, heap after GC %.1f MB, RSS %.1f MB, threads %d%n", t,
                        s.runningCaptures(), heap / 1e6, rssKb() / 1e3, Thread.activeCount());
            }
            for (AgentCapture c : all) {
                c.evidence().join();
            }
        }
    }

    static void overhead(int ports, int seconds) throws Exception {
        List<TcpListener> listeners = new ArrayList<>();
        List<Integer> portList = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
            TcpListener l = TcpListener.onHost(InetAddress.getLoopbackAddress(), 0);
            listeners.add(l);
            portList.add(l.port());
        }
        CapturePlan plan = CapturePlan.builder("127.0.0.1", InetAddress.getLoopbackAddress()).ports(portList)
                .ping(false).traceModes(List.of()).tcpInterval(Duration.ofMillis(10))
                .duration(Duration.ofSeconds(seconds)).timeout(Duration.ofSeconds(1)).build();
        Quotas q = Quotas.defaults().toBuilder().probesPerSecond(1e6).probesPerSecondPerTarget(1e6).targetPorts(
                Math.max(64, ports)).build();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (String mode : List.of("in-process", "agent", "in-process", "agent")) {
            AgentServer server = mode.equals("agent") ? AgentServer.start(config(0, LocalAgent.host(), q).build())
                    : null;
            ProbeAgent agent = server == null ? LocalAgent.host() : HttpAgent.of(URI.create("http://127.0.0.1:"
                    + server.address().getPort()), new AgentCredentials(TOKEN, null, null, null));
            AtomicLong events = new AtomicLong();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            VantageEvidence ev = agent.start(plan, e -> events.incrementAndGet()).evidence().join();
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            long sent = ev.tcp().stream().mapToLong(t -> t.stats().sent()).sum();
            long ok = ev.tcp().stream().mapToLong(t -> t.stats().received()).sum();
            System.out.printf("%-10s %d connects (%d connected, %d events) in %.2f s: %.0f probes/s, %.2f CPU s%n",
                    mode, sent, ok, events.get(), s, sent / s, cpu);
            if (server != null) {
                server.close();
            }
        }
        listeners.forEach(TcpListener::close);
    }

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** A vantage point that sends {@code events} made-up connects at once, to measure the wire alone. */
    static final class Emitter implements ProbeAgent {
        private final long events;

        Emitter(long events) {
            this.events = events;
        }

        @Override
        public String id() {
            return "emitter";
        }

        @Override
        public AgentInfo info() {
            return new AgentInfo("emitter", "bench", "bench", Instant.now().toString(), Map.of(), null);
        }

        @Override
        public AgentCapture start(CapturePlan plan, CaptureListener listener) {
            CompletableFuture<VantageEvidence> done = new CompletableFuture<>();
            VantageEvidence ev = new VantageEvidence("emitter", "bench", Map.of(), null, null, null, List.of(),
                    List.of(), List.of());
            Thread t = new Thread(() -> {
                ProbeOutcome o = new io.pathprobe.tcp.TcpConnected(41_000, InetAddress.getLoopbackAddress(), 0, "");
                String now = Instant.now().toString();
                for (long i = 1; i <= events; i++) {
                    listener.onEvent(CaptureEvent.of(i, now, i / 1000, "emitter", "tcp", 80, i, 0, o));
                }
                done.complete(ev);
            }, "emitter");
            t.start();
            return new AgentCapture() {
                @Override
                public String id() {
                    return "emit";
                }

                @Override
                public List<CaptureProgress.Check> progress() {
                    return List.of();
                }

                @Override
                public long probesSent() {
                    return events;
                }

                @Override
                public VantageEvidence snapshot() {
                    return ev;
                }

                @Override
                public void cancel() {
                }

                @Override
                public CompletableFuture<VantageEvidence> evidence() {
                    return done;
                }
            };
        }
    }
}
