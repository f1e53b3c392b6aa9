package io.pathprobe.ticket;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.Checks;
import io.pathprobe.ticket.agent.AgentCapture;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.CapturePlan;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.agent.Vantages;
import io.pathprobe.core.io.OutputDirectory;
import io.pathprobe.ticket.diagnosis.Diagnoser;
import io.pathprobe.ticket.diagnosis.Diagnosis;
import io.pathprobe.ticket.diagnosis.Messages;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.hostcheck.HostCheckReport;
import io.pathprobe.ticket.internal.Addresses;
import io.pathprobe.ticket.report.EventLog;
import io.pathprobe.ticket.report.ReportBundle;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
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
 *         .vantagePoints(List.of(LocalAgent.host(), Vantages.parse("netns:office", null)))
 *         .outputDir(Path.of("ticket-out"))
 *         .progress(p -> System.err.println(p.line()), Duration.ofSeconds(1)).build();
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> { capture.stop(); capture.awaitFinished(Duration.ofSeconds(15)); }));
 * TicketResults results = capture.run();   // blocks for the duration, or until stop()
 * }</pre>
 */
public final class TicketCapture {
    /** How long a capture waits past its end for a vantage point's evidence before it marks it lost. */
    private static final Duration EVIDENCE_GRACE = Duration.ofSeconds(15);

    private final Config cfg;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CompletableFuture<TicketResults> finished = new CompletableFuture<>();
    private volatile boolean stopRequested;
    private volatile boolean started;

    /** The builder's values, copied: a built capture no longer changes with its builder. */
    private record Config(String target, InetAddress address, CapturePlan plan, String instanceId,
                          List<ProbeAgent> vantagePoints, List<String> backends, String healthChecks,
                          List<HostCheckReport> hostChecks, Path outputDir, Consumer<CaptureProgress> progress,
                          Duration progressEvery, String generator, Locale locale) {
    }

    private TicketCapture(Config cfg) {
        this.cfg = cfg;
    }

    /**
     * A capture of {@code target} (as the user gave it) at {@code address} (resolved by the caller, so that every
     * vantage point probes the same VIP).
     */
    public static Builder builder(String target, InetAddress address) {
        return new Builder(target, address);
    }

    /** The plan every vantage point runs. */
    public CapturePlan plan() {
        return cfg.plan;
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
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CapturePlan plan = cfg.plan;
        TicketFacts facts = new TicketFacts(cfg.instanceId, cfg.target, AddressText.of(cfg.address), plan.ports(),
                cfg.backends, cfg.healthChecks, start.toString(), null, plan.durationMs(), false);
        List<AgentCapture> runs = new ArrayList<>();
        List<VantageEvidence> refused = new ArrayList<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ticket-progress");
            t.setDaemon(true);
            return t;
        });
        try (EventLog log = EventLog.open(cfg.outputDir.resolve(ReportBundle.EVENTS))) {
            for (ProbeAgent agent : cfg.vantagePoints) {
                try {
                    runs.add(agent.start(plan, log::write));
                } catch (AgentException e) {
                    runs.add(null);
                    // 503: nothing answered (lost from the start); anything else: the agent said no.
                    refused.add(notRun(agent, e.getMessage()).withStatus(e.status() == 503 ? VantageEvidence.LOST
                            : VantageEvidence.REFUSED, e.status() == 503 ? Instant.now().toString() : null, null,
                            null));
                }
            }
            if (cfg.progress != null) {
                ticker.scheduleAtFixedRate(() -> reportProgress(runs, startNanos), cfg.progressEvery.toMillis(),
                        cfg.progressEvery.toMillis(), TimeUnit.MILLISECONDS);
            }
            // Wait for the deadline (captures end themselves then) or for stop().
            boolean early = stopSignal.await(plan.durationMs(), TimeUnit.MILLISECONDS) && stopRequested;
            if (early) {
                runs.stream().filter(Objects::nonNull).forEach(AgentCapture::cancel);
            }
            long waitUntil = System.nanoTime() + plan.timeout().plus(EVIDENCE_GRACE).toNanos();
            List<VantageEvidence> evidence = new ArrayList<>();
            Iterator<VantageEvidence> notRun = refused.iterator();
            for (int i = 0; i < runs.size(); i++) {
                AgentCapture run = runs.get(i);
                evidence.add(run == null ? notRun.next() : await(cfg.vantagePoints.get(i), run, waitUntil));
            }
            ticker.shutdownNow();
            TicketFacts ended = facts.ended(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), early);
            TicketEvidence e = new TicketEvidence(ended, evidence, cfg.hostChecks);
            Diagnosis d = new Diagnoser().diagnose(e);
            TicketResults results = TicketResults.of(e, d, cfg.generator);
            ReportBundle.write(cfg.outputDir, results, cfg.locale);
            if (cfg.progress != null) {
                reportProgress(runs, startNanos);
            }
            return results;
        } finally {
            ticker.shutdownNow();
        }
    }

    /** The evidence of one vantage point; one that does not deliver in time is cancelled, then marked lost. */
    private static VantageEvidence await(ProbeAgent agent, AgentCapture run, long untilNanos)
            throws InterruptedException {
        try {
            return run.evidence().get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            run.cancel();
            try {
                return run.evidence().get(5, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException again) {
                return notRun(agent, "no evidence arrived in time").withStatus(VantageEvidence.LOST,
                        Instant.now().toString(), null, null);
            }
        } catch (ExecutionException e) {
            return notRun(agent, "capture failed: " + e.getCause());
        }
    }

    private static VantageEvidence notRun(ProbeAgent agent, String why) {
        return new VantageEvidence(agent.id(), agent instanceof LocalAgent l ? l.kind() : "agent", Map.of(), null,
                null, null, List.of(), List.of(), List.of("not measured here: " + why));
    }

    private void reportProgress(List<AgentCapture> runs, long startNanos) {
        try {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            Duration remaining = stopRequested ? Duration.ZERO : cfg.plan.duration().minus(elapsed);
            long sent = 0;
            List<CaptureProgress.Check> checks = new ArrayList<>();
            for (AgentCapture run : runs) {
                if (run != null) {
                    sent += run.probesSent();
                    checks.addAll(run.progress());
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
        } catch (TimeoutException | ExecutionException e) {
            return null;
        }
    }

    /** Configures a {@link TicketCapture}; values are checked when set, and together in {@link #build()}. */
    public static final class Builder {
        private final String target;
        private final InetAddress address;
        private final CapturePlan.Builder plan;
        private boolean portsGiven;
        private String instanceId;
        private List<ProbeAgent> vantagePoints;
        private List<String> backends = List.of();
        private String healthChecks = TicketFacts.HEALTH_UNKNOWN;
        private List<HostCheckReport> hostChecks = List.of();
        private Path outputDir;
        private Consumer<CaptureProgress> progress;
        private Duration progressEvery = Duration.ofSeconds(1);
        private String generator = "pathprobe";
        private Locale locale = Locale.ENGLISH;

        private Builder(String target, InetAddress address) {
            if (target == null || target.isBlank()) {
                throw new IllegalArgumentException("a target is required: the VIP or the load balancer's name");
            }
            this.target = target.trim();
            this.address = Objects.requireNonNull(address, "address");
            this.plan = CapturePlan.builder(this.target, address);
        }

        /** The listener ports to check (at least one, at most {@link CaptureLimits#MAX_PORTS}). */
        public Builder ports(List<Integer> ports) {
            if (ports == null || ports.isEmpty()) {
                throw new IllegalArgumentException("give at least one listener port");
            }
            ports.forEach(Checks::port);
            plan.ports(ports);
            CaptureLimits.ports(new java.util.LinkedHashSet<>(ports).size());
            portsGiven = true;
            return this;
        }

        /** How long to capture, at most {@link CaptureLimits#MAX_DURATION}; default 10 minutes. */
        public Builder duration(Duration d) {
            plan.duration(CaptureLimits.duration(Checks.positive(d, "duration")));
            return this;
        }

        /** Time between pings (below 2 ms needs root, as ping). */
        public Builder pingInterval(Duration d) {
            ProbeEngine.checkInterval(d);
            plan.pingInterval(CaptureLimits.interval(d, "ping interval"));
            return this;
        }

        /** Time between TCP connects to each port (below 2 ms needs root). */
        public Builder tcpInterval(Duration d) {
            ProbeEngine.checkInterval(d);
            plan.tcpInterval(CaptureLimits.interval(d, "TCP check interval"));
            return this;
        }

        public Builder traceInterval(Duration d) {
            plan.traceInterval(CaptureLimits.interval(Checks.positive(d, "trace interval"), "trace interval"));
            return this;
        }

        /** How long each probe waits for an answer; default 2 s. */
        public Builder timeout(Duration d) {
            plan.timeout(d);
            return this;
        }

        public Builder maxTtl(int ttl) {
            plan.maxTtl(ttl);
            return this;
        }

        /** Whether to ping the VIP; default yes. */
        public Builder ping(boolean ping) {
            plan.ping(ping);
            return this;
        }

        /** The MTR traces ({@code icmp}, {@code tcp} per port); default both; empty for none. */
        public Builder traceModes(List<String> modes) {
            plan.traceModes(modes);
            return this;
        }

        public Builder instanceId(String id) {
            this.instanceId = id == null || id.isBlank() ? null : CaptureLimits.instanceId(id.trim());
            return this;
        }

        /**
         * Where to measure from; default: this host ({@link LocalAgent#host()}). Each runs the same plan at the
         * same time. {@link Vantages#parse} makes agents from {@code --vantage} forms.
         */
        public Builder vantagePoints(List<? extends ProbeAgent> vs) {
            if (vs == null || vs.isEmpty()) {
                throw new IllegalArgumentException("give at least one vantage point");
            }
            List<String> ids = vs.stream().map(ProbeAgent::id).toList();
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

        /**
         * A URL whose response body is the caller's public address (e.g. a "what is my IP" service), asked from
         * each vantage point on this host.
         */
        public Builder publicIpUrl(URI url) {
            if (url != null && !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                throw new IllegalArgumentException("public IP URL " + url + " must be an http or https URL");
            }
            plan.publicIpUrl(url);
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

        /** What the reports name as their writer, e.g. {@code pathprobe 0.1.0}. */
        public Builder generator(String g) {
            this.generator = Objects.requireNonNull(g, "generator");
            return this;
        }

        /**
         * The language of summary.txt and report.html (results.json is language-neutral); default English.
         * Languages without texts ({@link Messages#LANGUAGES}) get English.
         */
        public Builder locale(Locale l) {
            this.locale = Messages.supported(Objects.requireNonNull(l, "locale"));
            return this;
        }

        /**
         * Checks the values together and copies them.
         *
         * @throws IllegalArgumentException when no port or output directory was given, the output directory is
         *                                  not a writable directory, or a vantage point's source address is not of
         *                                  the VIP's IP version
         */
        public TicketCapture build() {
            if (!portsGiven) {
                throw new IllegalArgumentException("give at least one listener port");
            }
            if (outputDir == null) {
                throw new IllegalArgumentException("an output directory is required");
            }
            List<ProbeAgent> points = vantagePoints == null ? List.of(LocalAgent.host()) : vantagePoints;
            for (ProbeAgent p : points) {
                if (p instanceof LocalAgent l) {
                    l.binding().sourceAddress().ifPresent(a -> {
                        if ((a instanceof Inet4Address) != (address instanceof Inet4Address)) {
                            throw new IllegalArgumentException("vantage point " + p.id() + " and the VIP "
                                    + AddressText.of(address) + " are of different IP versions: give a source"
                                    + " address of the VIP's version");
                        }
                    });
                }
            }
            CapturePlan p = plan.build();
            CaptureLimits.outcomes(points.size(), p.ports().size(), p.duration(), Duration.ofMillis(p.pingIntervalMs()),
                    Duration.ofMillis(p.tcpIntervalMs()), Duration.ofMillis(p.traceIntervalMs()), p.maxTtl(),
                    !p.traceModes().isEmpty());
            OutputDirectory.check(outputDir); // before minutes of capture, not after
            return new TicketCapture(new Config(target, address, p, instanceId, points, backends, healthChecks,
                    hostChecks, outputDir, progress, progressEvery, generator, locale));
        }
    }
}
