package io.pathprobe.ticket.internal;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.Availability;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.ProbeSession;
import io.pathprobe.core.Probers;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.ticket.TraceRunner;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.agent.CapturePlan;

import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The capture from one vantage point on this host: its own engine, the ping, a TCP check per port and the traces,
 * plus the source address and public IP lookups. Everything a probe can fail with becomes evidence or a note.
 */
public final class VantageRun {
    /** The plan's checks run with these (what this host provides). */
    public record Tools(Probers probers, TraceRunner traceRunner) {
    }

    private final String id;
    private final String kind;
    private final Map<String, String> details;
    private final io.pathprobe.core.LocalVantagePoint point;
    private final ProbeEngine.Builder engineBuilder;
    private final Inside inside;
    private final CapturePlan plan;
    private final InetAddress target;
    private final Tools tools;
    private final EventStream events;
    private final long startNanos;
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private final List<SeriesRecorder> recorders = new ArrayList<>();
    private final List<TraceRunner.RunningTrace> traces = new ArrayList<>();
    private SeriesRecorder ping;
    private ProbeEngine engine;
    private CompletableFuture<String> source = CompletableFuture.completedFuture(null);
    private CompletableFuture<String> publicIp = CompletableFuture.completedFuture(null);
    private CompletableFuture<io.pathprobe.ticket.hostcheck.SelfCheck> self = CompletableFuture.completedFuture(null);

    /** Runs a blocking task in the vantage point's network context. */
    public interface Inside {
        <T> T call(Callable<T> task) throws Exception;
    }

    /**
     * @param plan a plan whose address is resolved ({@link CapturePlan#resolvedAddress()} not null)
     */
    public VantageRun(String id, String kind, Map<String, String> details, io.pathprobe.core.LocalVantagePoint point,
                      ProbeEngine.Builder engineBuilder, Inside inside, CapturePlan plan, Tools tools,
                      EventStream events, long startNanos) {
        this.id = id;
        this.kind = kind;
        this.details = details;
        this.point = point;
        this.engineBuilder = engineBuilder;
        this.inside = inside;
        this.plan = plan;
        this.target = java.util.Objects.requireNonNull(plan.resolvedAddress(), "plan address");
        this.tools = tools;
        this.events = events;
        this.startNanos = startNanos;
    }

    public String id() {
        return id;
    }

    /** Starts everything; problems become notes, never exceptions. */
    public void start() {
        try {
            if (tools.probers() != null) {
                engineBuilder.probers(tools.probers());
            }
            engine = engineBuilder.build();
        } catch (RuntimeException e) {
            notes.add("could not start a probe engine here: " + e.getMessage());
            return;
        }
        source = CompletableFuture.supplyAsync(this::lookupSource);
        self = CompletableFuture.supplyAsync(() -> io.pathprobe.ticket.hostcheck.SelfChecks.check(inside::call,
                plan.ports()));
        if (plan.publicIpUrl() != null) {
            publicIp = CompletableFuture.supplyAsync(this::fetchPublicIp);
        }
        if (plan.ping() && usable("icmp", "ping")) {
            ping = session("icmp", "ping", 0, Duration.ofMillis(plan.pingIntervalMs()));
        }
        for (int port : plan.ports()) {
            if (usable("tcp", "TCP checks")) {
                session("tcp", "tcp", port, Duration.ofMillis(plan.tcpIntervalMs()));
            }
        }
        startTraces();
    }

    private boolean usable(String kind, String what) {
        if (!engine.kinds().contains(kind)) {
            notes.add(what + " not run: no '" + kind + "' prober on the class path");
            return false;
        }
        Availability a = engine.availability(kind);
        if (!a.available()) {
            notes.add(what + " not run: " + a.message());
            return false;
        }
        return true;
    }

    private SeriesRecorder session(String kind, String check, int port, Duration interval) {
        SeriesRecorder r = new SeriesRecorder(id, check, AddressText.of(target), port, events, startNanos);
        try {
            ProbeRequest.Builder req = ProbeRequest.builder(kind).target(plan.target(), target)
                    .timeout(plan.timeout()).vantagePoint(point);
            if (port != 0) {
                req.port(port);
            }
            // A count rather than a deadline: the last probes are waited for (like ping -c), so none is left in flight.
            ProbeSession s = engine.startSession(req.build(), new SessionPlan(rounds(interval), interval,
                    Duration.ZERO), r);
            r.attach(s);
            recorders.add(r);
        } catch (RuntimeException e) {
            notes.add(r.label() + " not run: " + e.getMessage());
        }
        return r;
    }

    private void startTraces() {
        TraceRunner runner = tools.traceRunner();
        if (plan.traceModes().isEmpty()) {
            notes.add("MTR traces not run (none asked for)");
            return;
        }
        if (runner == null) {
            notes.add("MTR traces not run: no MTR module here");
            return;
        }
        Duration interval = Duration.ofMillis(plan.traceIntervalMs());
        long rounds = rounds(interval);
        List<TraceRunner.TraceRequest> specs = new ArrayList<>();
        for (String name : plan.traceModes()) {
            ProbeMode mode = ProbeMode.parse(name); // the plan admits icmp and tcp only
            for (int port : mode == ProbeMode.TCP ? plan.ports() : List.of(0)) {
                specs.add(new TraceRunner.TraceRequest(mode, plan.target(), target, port, point, id, rounds, interval,
                        plan.timeout(), plan.maxTtl()));
            }
        }
        for (TraceRunner.TraceRequest spec : specs) {
            String check = spec.check();
            try {
                traces.add(runner.start(engine, spec, (ttl, round, o) -> events.record(check, spec.port(), round,
                        ttl, o)));
            } catch (RuntimeException e) {
                notes.add("mtr " + spec.mode().kind() + (spec.port() == 0 ? "" : ":" + spec.port()) + " not run: "
                        + e.getMessage());
            }
        }
    }

    /** Probes that fit in the duration at {@code interval}, the first at time 0. */
    private long rounds(Duration interval) {
        return Math.max(1, (plan.duration().toNanos() + interval.toNanos() - 1) / interval.toNanos());
    }

    /** Waits up to {@code max} for every session to end by itself (its last probes answered or timed out). */
    public void awaitSessions(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        for (SeriesRecorder r : recorders) {
            try {
                r.session().completion().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return; // stop() ends the rest
            }
        }
    }

    /** Probes sent so far by the ping and the TCP checks. */
    public long probesSent() {
        long n = 0;
        for (SeriesRecorder r : recorders) {
            n += r.session().snapshot().sent();
        }
        return n;
    }

    public List<SeriesRecorder> recorders() {
        return recorders;
    }

    /** Stops every session and trace; probes in flight are left out (mtr's rule). */
    public void stop() {
        recorders.forEach(r -> r.session().stop());
        traces.forEach(TraceRunner.RunningTrace::stop);
    }

    /** The evidence (call after {@link #stop()}); waits briefly for the address lookups. */
    public VantageEvidence evidence(String status) {
        List<ProbeSeries> tcp = new ArrayList<>();
        for (SeriesRecorder r : recorders) {
            if (r != ping) {
                tcp.add(r.result());
            }
        }
        List<TraceEvidence> t = new ArrayList<>();
        for (TraceRunner.RunningTrace tr : traces) {
            t.add(tr.result());
        }
        boolean running = VantageEvidence.RUNNING.equals(status); // a snapshot never waits for the lookups
        return new VantageEvidence(id, kind, details, running ? source.getNow(null) : await(source),
                running ? publicIp.getNow(null) : await(publicIp),
                ping == null || ping.session() == null ? null : ping.result(), t, tcp, List.copyOf(notes),
                running ? self.getNow(null) : await(self), status, null, null);
    }

    private <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(6, TimeUnit.SECONDS);
        } catch (Exception e) {
            notes.add("lookup did not finish: " + e);
            return null;
        }
    }

    public void close() {
        if (engine != null) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                notes.add("closing the engine: " + e.getMessage());
            }
        }
    }

    /** The source address the kernel picks toward the target (a UDP connect sends nothing). */
    private String lookupSource() {
        if (point.sourceAddress().isPresent()) {
            return AddressText.of(point.sourceAddress().get());
        }
        if (point.interfaceName().isPresent()) {
            return interfaceSource(point.interfaceName().get());
        }
        try {
            return inside.call(() -> {
                try (DatagramSocket s = new DatagramSocket()) {
                    s.connect(target, plan.ports().isEmpty() ? 9 : plan.ports().get(0));
                    InetAddress a = s.getLocalAddress();
                    return a == null || a.isAnyLocalAddress() ? null : AddressText.of(a);
                }
            });
        } catch (Exception e) {
            notes.add("source address not found: " + e.getMessage());
            return null;
        }
    }

    /**
     * The first address of the target's family on the bound interface (link-local last): probes bound to it
     * leave from there unless the route says otherwise. (Inside a namespace, Java lists the thread's IPv4 addresses
     * correctly but the process's IPv6 ones, so an IPv6 answer there is a best guess.)
     */
    private String interfaceSource(String dev) {
        try {
            return inside.call(() -> {
                java.net.NetworkInterface ni = java.net.NetworkInterface.getByName(dev);
                if (ni == null) {
                    notes.add("source address not found: no interface " + dev);
                    return null;
                }
                boolean v4 = target instanceof java.net.Inet4Address;
                return java.util.Collections.list(ni.getInetAddresses()).stream()
                        .filter(a -> (a instanceof java.net.Inet4Address) == v4)
                        .sorted(java.util.Comparator.comparing(InetAddress::isLinkLocalAddress))
                        .map(io.pathprobe.core.AddressText::of).findFirst().orElse(null);
            });
        } catch (Exception e) {
            notes.add("source address not found: " + e.getMessage());
            return null;
        }
    }

    /** Asks the public-IP URL (its body is the address) from inside the vantage point. */
    private String fetchPublicIp() {
        URI url = plan.publicIpUrl();
        try {
            String body = inside.call(() -> {
                HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
                c.setConnectTimeout(5000);
                c.setReadTimeout(5000);
                c.setRequestProperty("Accept", "text/plain");
                try (InputStream in = c.getInputStream()) {
                    return new String(in.readNBytes(256), StandardCharsets.UTF_8).trim();
                } finally {
                    c.disconnect();
                }
            });
            String first = body.split("\\s+")[0];
            if (Addresses.literal(first) == null) {
                notes.add("public IP: " + url + " answered '" + abbreviate(body) + "', not an address");
                return null;
            }
            return AddressText.of(Addresses.literal(first));
        } catch (Exception e) {
            notes.add("public IP: " + url + " could not be read: " + e);
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
