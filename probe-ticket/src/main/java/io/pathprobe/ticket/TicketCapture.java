package io.pathprobe.ticket;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.Probers;
import io.pathprobe.core.internal.Checks;
import io.pathprobe.core.io.OutputDirectory;
import io.pathprobe.ticket.diagnosis.Diagnoser;
import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.internal.Addresses;
import io.pathprobe.ticket.internal.SeriesRecorder;
import io.pathprobe.ticket.internal.VantageRun;
import io.pathprobe.ticket.report.EventLog;
import io.pathprobe.ticket.report.ReportBundle;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code pathprobe ticket}: from every vantage point at once and for the whole duration, a sustained ping to the
 * VIP, MTR traces in ICMP mode and in TCP mode to each port, and repeated TCP connects to each port; then the
 * diagnosis and the report bundle in the output directory. Every probe outcome is streamed to
 * {@code events.jsonl} as it happens.
 *
 * <pre>{@code
 * TicketCapture capture = TicketCapture.builder("203.0.113.10", vip)
 *         .ports(List.of(80, 443)).duration(Duration.ofMinutes(10)).instanceId("lb-123")
 *         .vantagePoints(List.of(TicketVantage.local())).outputDir(Path.of("ticket-out"))
 *         .progress(p -> System.err.println(p.line()), Duration.ofSeconds(1)).build();
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> { capture.stop(); capture.awaitFinished(Duration.ofSeconds(15)); }));
 * TicketResults results = capture.run();   // blocks for the duration, or until stop()
 * }</pre>
 */
public final class TicketCapture {
    private final Builder cfg;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CompletableFuture<TicketResults> finished = new CompletableFuture<>();
    private volatile boolean stopRequested;
    private volatile boolean started;

    private TicketCapture(Builder cfg) {
        this.cfg = cfg;
    }

    /**
     * A capture of {@code target} (as the user gave it) at {@code address} (resolved by the caller, so that every
     * vantage point probes the same VIP).
     */
    public static Builder builder(String target, InetAddress address) {
        return new Builder(target, address);
    }

    /**
     * Runs the capture: blocks until the duration has passed or {@link #stop()} is called, then writes the bundle
     * and returns the results. Call once.
     *
     * @throws IOException when the output directory or a report file cannot be written
     */
    public TicketResults run() throws IOException, InterruptedException {
        synchronized (this) {
            if (started) {
                throw new IllegalStateException("a TicketCapture runs once; build another");
            }
            started = true;
        }
        try {
            TicketResults r = capture();
            finished.complete(r);
            return r;
        } catch (IOException | InterruptedException | RuntimeException e) {
            finished.completeExceptionally(e);
            throw e;
        }
    }

    private TicketResults capture() throws IOException, InterruptedException {
        long startNanos = System.nanoTime();
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        TicketFacts facts = new TicketFacts(cfg.instanceId, cfg.target, AddressText.of(cfg.address), cfg.ports,
                cfg.backends, cfg.healthChecks, start.toString(), null, cfg.duration.toMillis(), false);
        VantageRun.Plan plan = new VantageRun.Plan(cfg.target, cfg.address, cfg.ports, cfg.duration, cfg.pingInterval,
                cfg.tcpInterval, cfg.traceInterval, cfg.timeout, cfg.maxTtl, cfg.publicIpUrl, cfg.probers,
                cfg.traceRunner);
        List<VantageRun> runs = new ArrayList<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ticket-progress");
            t.setDaemon(true);
            return t;
        });
        try (EventLog log = EventLog.open(cfg.outputDir.resolve(ReportBundle.EVENTS), startNanos)) {
            for (TicketVantage v : cfg.vantagePoints) {
                VantageRun run = runFor(v, plan, log, startNanos);
                runs.add(run);
                run.start();
            }
            if (cfg.progress != null) {
                ticker.scheduleAtFixedRate(() -> reportProgress(runs, startNanos), cfg.progressEvery.toMillis(),
                        cfg.progressEvery.toMillis(), TimeUnit.MILLISECONDS);
            }
            // Wait for the deadline (sessions end themselves then) or for stop().
            boolean early = stopSignal.await(cfg.duration.toNanos(), TimeUnit.NANOSECONDS) && stopRequested;
            if (!early) {
                // The last probes were sent just before the deadline: give them their timeout to end.
                long graceEnd = System.nanoTime() + cfg.timeout.plusSeconds(1).toNanos();
                for (VantageRun run : runs) {
                    run.awaitSessions(Duration.ofNanos(Math.max(0, graceEnd - System.nanoTime())));
                }
            }
            ticker.shutdownNow();
            runs.forEach(VantageRun::stop);
            List<VantageEvidence> evidence = new ArrayList<>();
            for (VantageRun run : runs) {
                evidence.add(run.evidence());
            }
            TicketFacts ended = facts.ended(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString(),
                    early);
            TicketEvidence e = new TicketEvidence(ended, evidence, cfg.hostChecks);
            Diagnosis d = new Diagnoser().diagnose(e);
            TicketResults results = TicketResults.of(e, d, cfg.generator);
            ReportBundle.write(cfg.outputDir, results);
            if (cfg.progress != null) {
                reportProgress(runs, startNanos);
            }
            return results;
        } finally {
            ticker.shutdownNow();
            runs.forEach(VantageRun::close);
        }
    }

    private VantageRun runFor(TicketVantage v, VantageRun.Plan plan, EventLog log, long startNanos) {
        if (!(v instanceof EngineVantage ev)) {
            throw new IllegalArgumentException("vantage point " + v.id() + " of kind " + v.kind()
                    + " cannot be run from this host: only local and netns vantage points are supported");
        }
        ProbeEngine.Builder b = ev.engineBuilder();
        return new VantageRun(ev.id(), ev.kind(), ev.details(), ev.point(), b, ev::callInside, plan, log,
                startNanos);
    }

    private void reportProgress(List<VantageRun> runs, long startNanos) {
        try {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            Duration remaining = stopRequested ? Duration.ZERO : cfg.duration.minus(elapsed);
            long sent = 0;
            List<CaptureProgress.Check> checks = new ArrayList<>();
            for (VantageRun run : runs) {
                sent += run.probesSent();
                for (SeriesRecorder r : run.recorders()) {
                    var s = r.session().snapshot();
                    checks.add(new CaptureProgress.Check(run.id(), r.label(), s.sent(), s.lossPercent()));
                }
            }
            cfg.progress.accept(new CaptureProgress(elapsed, remaining.isNegative() ? Duration.ZERO : remaining, sent,
                    checks));
        } catch (RuntimeException e) {
            // a failing progress printer must not end the capture
        }
    }

    /** Ends the capture early (Ctrl-C): {@link #run()} then stops probing and writes everything. Idempotent. */
    public void stop() {
        stopRequested = true;
        stopSignal.countDown();
    }

    /**
     * Waits until {@link #run()} has written the bundle (for a shutdown hook after {@link #stop()}).
     *
     * @return the results, or {@code null} if not finished in time or it failed
     */
    public TicketResults awaitFinished(Duration timeout) {
        try {
            return finished.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            return null;
        }
    }

    /** Configures a {@link TicketCapture}; values are checked when set. */
    public static final class Builder {
        private final String target;
        private final InetAddress address;
        private List<Integer> ports = List.of();
        private Duration duration = Duration.ofMinutes(10);
        private Duration pingInterval = Duration.ofSeconds(1);
        private Duration tcpInterval = Duration.ofSeconds(1);
        private Duration traceInterval = Duration.ofSeconds(1);
        private Duration timeout = Duration.ofSeconds(2);
        private int maxTtl = 30;
        private String instanceId;
        private List<TicketVantage> vantagePoints = List.of(TicketVantage.local());
        private List<String> backends = List.of();
        private String healthChecks = TicketFacts.HEALTH_UNKNOWN;
        private List<HostCheckReport> hostChecks = List.of();
        private URI publicIpUrl;
        private Path outputDir;
        private Consumer<CaptureProgress> progress;
        private Duration progressEvery = Duration.ofSeconds(1);
        private Probers probers;
        private TraceRunner traceRunner = TraceRunners.mtr();
        private String generator = "pathprobe";

        private Builder(String target, InetAddress address) {
            if (target == null || target.isBlank()) {
                throw new IllegalArgumentException("a target is required: the VIP or the load balancer's name");
            }
            this.target = target.trim();
            this.address = Objects.requireNonNull(address, "address");
        }

        /** The listener ports to check (at least one, at most {@link CaptureLimits#MAX_PORTS}). */
        public Builder ports(List<Integer> ports) {
            if (ports == null || ports.isEmpty()) {
                throw new IllegalArgumentException("give at least one listener port, e.g. --port 80,443");
            }
            ports.forEach(Checks::port);
            this.ports = List.copyOf(new java.util.LinkedHashSet<>(ports));
            CaptureLimits.ports(this.ports.size());
            return this;
        }

        /** How long to capture, at most {@link CaptureLimits#MAX_DURATION}; default 10 minutes. */
        public Builder duration(Duration d) {
            this.duration = CaptureLimits.duration(Checks.positive(d, "duration"));
            return this;
        }

        public Builder pingInterval(Duration d) {
            ProbeEngine.checkInterval(d);
            this.pingInterval = CaptureLimits.interval(d, "ping interval");
            return this;
        }

        public Builder tcpInterval(Duration d) {
            ProbeEngine.checkInterval(d);
            this.tcpInterval = CaptureLimits.interval(d, "TCP check interval");
            return this;
        }

        public Builder traceInterval(Duration d) {
            this.traceInterval = CaptureLimits.interval(Checks.positive(d, "trace interval"), "trace interval");
            return this;
        }

        /** How long each probe waits for an answer; default 2 s. */
        public Builder timeout(Duration d) {
            this.timeout = Checks.positive(d, "timeout");
            return this;
        }

        public Builder maxTtl(int ttl) {
            this.maxTtl = Checks.ttl(ttl, "max TTL");
            return this;
        }

        public Builder instanceId(String id) {
            this.instanceId = id == null || id.isBlank() ? null : CaptureLimits.instanceId(id.trim());
            return this;
        }

        /** Where to measure from; default: this host. Each runs the same plan at the same time. */
        public Builder vantagePoints(List<TicketVantage> vs) {
            if (vs == null || vs.isEmpty()) {
                throw new IllegalArgumentException("give at least one vantage point");
            }
            List<String> ids = vs.stream().map(TicketVantage::id).toList();
            if (ids.stream().distinct().count() != ids.size()) {
                throw new IllegalArgumentException("vantage points " + ids + " name one twice: give each once");
            }
            this.vantagePoints = List.copyOf(vs);
            return this;
        }

        /** The load balancer's backend addresses, when known (tells cause 3). */
        public Builder backends(List<String> backends) {
            for (String b : backends) {
                Addresses.require(b, "backend");
            }
            this.backends = backends.stream().map(b -> AddressText.of(Addresses.literal(b.trim()))).toList();
            return this;
        }

        /** What the user sees of the load balancer's health checks: unknown, passing or failing. */
        public Builder healthChecks(String status) {
            this.healthChecks = TicketFacts.checkHealth(status);
            return this;
        }

        /** hostcheck reports from the backends, as evidence. */
        public Builder hostChecks(List<HostCheckReport> reports) {
            this.hostChecks = List.copyOf(reports);
            return this;
        }

        /** A URL whose response body is the caller's public address (e.g. a "what is my IP" service). */
        public Builder publicIpUrl(URI url) {
            if (url != null && !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                throw new IllegalArgumentException("--public-ip-url " + url + " must be an http or https URL");
            }
            this.publicIpUrl = url;
            return this;
        }

        /**
         * The report directory (required); created if missing. {@link #build()} refuses one that another user
         * could tamper with ({@link OutputDirectory} lists the rules).
         */
        public Builder outputDir(Path dir) {
            this.outputDir = Objects.requireNonNull(dir, "outputDir");
            return this;
        }

        /** Called every {@code every} with the progress (on a capture thread; keep it quick). */
        public Builder progress(Consumer<CaptureProgress> listener, Duration every) {
            this.progress = listener;
            this.progressEvery = Checks.positive(every, "progress interval");
            return this;
        }

        /** The probers to use; default: those on the class path. */
        public Builder probers(Probers probers) {
            this.probers = probers;
            return this;
        }

        /** The MTR implementation; default: the MTR module's ({@link TraceRunners#mtr()}). {@code null}: no traces. */
        public Builder traceRunner(TraceRunner runner) {
            this.traceRunner = runner;
            return this;
        }

        /** What the reports name as their writer, e.g. {@code pathprobe 0.1.0}. */
        public Builder generator(String g) {
            this.generator = Objects.requireNonNull(g, "generator");
            return this;
        }

        public TicketCapture build() {
            if (ports.isEmpty()) {
                throw new IllegalArgumentException("give at least one listener port, e.g. --port 80,443");
            }
            if (outputDir == null) {
                throw new IllegalArgumentException("an output directory is required: --out DIR");
            }
            CaptureLimits.outcomes(vantagePoints.size(), ports.size(), duration, pingInterval, tcpInterval,
                    traceInterval, maxTtl, traceRunner != null);
            OutputDirectory.check(outputDir); // before minutes of capture, not after
            return new TicketCapture(this);
        }

    }
}
