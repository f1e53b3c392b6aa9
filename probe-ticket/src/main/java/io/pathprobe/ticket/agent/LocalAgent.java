package io.pathprobe.ticket.agent;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.Availability;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.NameResolver;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.Probers;
import io.pathprobe.core.UnresolvedHostException;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.nativeio.NetworkNamespaces;
import io.pathprobe.ticket.CaptureProgress;
import io.pathprobe.ticket.TraceRunner;
import io.pathprobe.ticket.TraceRunners;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.internal.EventStream;
import io.pathprobe.ticket.internal.SeriesRecorder;
import io.pathprobe.ticket.internal.VantageRun;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This host as a vantage point: its own network stack, or a Linux network namespace on it, each optionally bound
 * to a source address or an interface (plain request data: every probe carries the binding). Each capture gets
 * its own {@link ProbeEngine}, whose threads enter the namespace, so every socket of the capture is inside it.
 */
public final class LocalAgent implements ProbeAgent {
    private static final AtomicLong CAPTURES = new AtomicLong();
    private final String namespace;
    private final LocalVantagePoint binding;
    private final Probers probers;
    private final TraceRunner traceRunner;
    private final String version;

    private LocalAgent(Builder b) {
        this.namespace = b.namespace;
        this.binding = b.binding;
        this.probers = b.probers;
        this.traceRunner = b.traceRunner;
        this.version = b.version;
    }

    /** This host as the kernel routes (no binding), with the probers on the class path and the MTR module. */
    public static LocalAgent host() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        if (namespace == null) {
            return binding.id();
        }
        String inner = binding.id();
        return "netns:" + namespace + (inner.equals("local") ? "" : "," + inner);
    }

    /** {@code local} or {@code netns}. */
    public String kind() {
        return namespace == null ? "local" : "netns";
    }

    /** The network namespace, or {@code null} for the host's own. */
    public String namespace() {
        return namespace;
    }

    /** The source address / interface binding. */
    public LocalVantagePoint binding() {
        return binding;
    }

    /** Descriptive key/values for the report. */
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        if (namespace != null) {
            d.put("namespace", namespace);
        }
        binding.sourceAddress().ifPresent(a -> d.put("bound address", AddressText.of(a)));
        binding.interfaceName().ifPresent(n -> d.put("interface", n));
        return d;
    }

    @Override
    public AgentInfo info() {
        Map<String, Availability> av = new LinkedHashMap<>();
        try (ProbeEngine e = engineBuilder().build()) {
            for (String k : e.kinds()) {
                av.put(k, e.availability(k));
            }
        }
        return new AgentInfo(id(), kind(), version, Instant.now().toString(), av, null);
    }

    /**
     * Starts {@code plan} here. A plan without an address is resolved now, once, in the plan's family (inside
     * the namespace's view of DNS is the host's: name resolution does not enter the namespace).
     *
     * @throws AgentException 400 when the name does not resolve
     */
    @Override
    public AgentCapture start(CapturePlan plan, CaptureListener listener) {
        Objects.requireNonNull(plan, "plan");
        CapturePlan pinned = plan.address() != null ? plan : plan.pinnedTo(resolve(plan));
        return new Run(pinned, listener);
    }

    private static InetAddress resolve(CapturePlan plan) {
        NameResolver.Family family = plan.family() == 4 ? NameResolver.Family.IPV4
                : plan.family() == 6 ? NameResolver.Family.IPV6 : NameResolver.Family.ANY;
        try {
            return NameResolver.system().resolveNow(plan.target(), family);
        } catch (UnresolvedHostException e) {
            if (e.kind() == UnresolvedHostException.Kind.NO_ADDRESS_IN_FAMILY) {
                throw new AgentException(400, plan.target() + " has no IPv" + plan.family() + " address", e);
            }
            throw new AgentException(400, "cannot resolve " + plan.target() + ": " + plan.target() + ": "
                    + e.reason(), e); // the JVM's own words, as before the one resolver
        }
    }

    ProbeEngine.Builder engineBuilder() {
        ProbeEngine.Builder b = ProbeEngine.builder();
        if (namespace != null) {
            b.networkNamespace(namespace).threads(1);
        }
        if (probers != null) {
            b.probers(probers);
        }
        return b;
    }

    /** One capture: a {@link VantageRun} and the thread that ends it after the plan's duration. */
    private final class Run implements AgentCapture {
        private final String id = "c" + CAPTURES.incrementAndGet();
        private final VantageRun run;
        private final CountDownLatch cancelled = new CountDownLatch(1);
        private final CompletableFuture<VantageEvidence> evidence = new CompletableFuture<>();
        private final CapturePlan plan;

        Run(CapturePlan plan, CaptureListener listener) {
            this.plan = plan;
            long start = System.nanoTime();
            run = new VantageRun(LocalAgent.this.id(), kind(), details(), binding, engineBuilder(),
                    LocalAgent.this::callInside, plan, new VantageRun.Tools(null, traceRunner),
                    new EventStream(LocalAgent.this.id(), start, listener), start);
            run.start();
            Thread t = new Thread(this::finish, "capture-" + id);
            t.setDaemon(true);
            t.start();
        }

        private void finish() {
            String status = VantageEvidence.COMPLETE;
            try {
                if (cancelled.await(plan.durationMs(), TimeUnit.MILLISECONDS)) {
                    status = VantageEvidence.STOPPED;
                } else {
                    // The last probes went out just before the deadline: give them their timeout to end.
                    run.awaitSessions(plan.timeout().plusSeconds(1));
                }
            } catch (InterruptedException e) {
                status = VantageEvidence.STOPPED;
            }
            try {
                run.stop();
                evidence.complete(run.evidence(status));
            } catch (RuntimeException e) {
                evidence.complete(new VantageEvidence(LocalAgent.this.id(), kind(), details(), null, null, null,
                        List.of(), List.of(), List.of("capture failed: " + e)).withStatus(status, null, null, null));
            } finally {
                run.close();
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public List<CaptureProgress.Check> progress() {
            List<CaptureProgress.Check> checks = new ArrayList<>();
            for (SeriesRecorder r : run.recorders()) {
                var s = r.session().snapshot();
                checks.add(new CaptureProgress.Check(LocalAgent.this.id(), r.label(), s.sent(), s.lossPercent()));
            }
            return checks;
        }

        @Override
        public VantageEvidence snapshot() {
            return evidence.isDone() ? evidence.join() : run.evidence(VantageEvidence.RUNNING);
        }

        @Override
        public long probesSent() {
            return run.probesSent();
        }

        @Override
        public void cancel() {
            cancelled.countDown();
        }

        @Override
        public CompletableFuture<VantageEvidence> evidence() {
            return evidence;
        }
    }

    /** Runs a blocking task (a socket lookup, an HTTP request) inside this vantage point's network namespace. */
    private <T> T callInside(java.util.concurrent.Callable<T> task) throws Exception {
        return namespace == null ? task.call() : NetworkNamespaces.callInNamespace(namespace, task);
    }

    /** Configures a {@link LocalAgent}. */
    public static final class Builder {
        private String namespace;
        private LocalVantagePoint binding = VantagePoint.local();
        private Probers probers;
        private TraceRunner traceRunner = TraceRunners.mtr();
        private String version = "pathprobe";

        private Builder() {
        }

        /**
         * Measures inside the Linux network namespace {@code name} (as {@code ip netns} names it; needs root).
         *
         * @throws IllegalArgumentException when the name is not a namespace name, or no such namespace exists
         */
        public Builder namespace(String name) {
            Objects.requireNonNull(name, "namespace");
            if (!java.nio.file.Files.exists(NetworkNamespaces.path(name))) {
                throw new IllegalArgumentException("network namespace '" + name + "' does not exist (see 'ip netns"
                        + " list')");
            }
            this.namespace = name;
            return this;
        }

        /** Binds every probe to a source address and/or an interface. */
        public Builder binding(LocalVantagePoint binding) {
            this.binding = Objects.requireNonNull(binding, "binding");
            return this;
        }

        /** The probers to use; default: those on the class path. */
        public Builder probers(Probers probers) {
            this.probers = probers;
            return this;
        }

        /** The MTR implementation; default the MTR module's. {@code null}: traces are noted as not run. */
        public Builder traceRunner(TraceRunner runner) {
            this.traceRunner = runner;
            return this;
        }

        /** What {@link AgentInfo#version()} says, e.g. {@code pathprobe 0.1.0}. */
        public Builder version(String v) {
            this.version = Objects.requireNonNull(v, "version");
            return this;
        }

        public LocalAgent build() {
            return new LocalAgent(this);
        }
    }
}
