package io.pathprobe.agent.prometheus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pathprobe.agent.AgentServerConfig;
import io.pathprobe.agent.policy.PinnedTarget;
import io.pathprobe.agent.policy.TargetDeniedException;
import io.pathprobe.core.AddressText;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.core.VantagePoint;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The agent's Prometheus endpoints behind its HTTP handler: {@code GET /probe}, {@code GET /metrics} and
 * {@code POST /-/reload}. The handler authenticates (as for {@code /v1}, unless {@link #open(String)}) and hands
 * the request here; the answer comes back through a {@link Responder}, possibly on another thread.
 */
public final class PrometheusEndpoints implements AutoCloseable {
    /** Prometheus's text exposition format, as the registry writes it. */
    public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PLAIN = "text/plain; charset=utf-8";

    /** A request as the handler read it. */
    public record Request(String method, String path, Map<String, List<String>> params, String scrapeTimeout,
                          String owner) {
    }

    /** Sends the answer (once); {@code reason} goes to the audit line. */
    @FunctionalInterface
    public interface Responder {
        void send(int status, String contentType, byte[] body, String reason);
    }

    private final AgentServerConfig agent;
    private final ExporterSetup setup;
    private final Executor blocking;
    private final ProbeEngine engine;
    private final VantagePoint point;
    private final ProbeRunner runner;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ContinuousProber continuous;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger lastReloadOk = new AtomicInteger(1);
    private volatile ExporterConfig config;

    private PrometheusEndpoints(AgentServerConfig agent, ExporterSetup setup, LongSupplier runningCaptures,
                                Executor blocking) {
        this.agent = agent;
        this.setup = setup;
        this.blocking = blocking;
        // /probe and /metrics measure from where the agent's captures do (a stand-in vantage: this host).
        LocalAgent where = agent.vantage() instanceof LocalAgent l ? l : LocalAgent.host();
        ProbeEngine.Builder b = ProbeEngine.builder();
        if (where.namespace() != null) {
            b.networkNamespace(where.namespace()).threads(1);
        }
        this.engine = b.build();
        this.point = where.binding();
        this.runner = new ProbeRunner(engine, point);
        this.continuous = new ContinuousProber(engine, point, registry, agent.name());
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("pathprobe_agent_captures_running", runningCaptures::getAsLong)
                .description("Ticket captures (/v1) running on this agent").register(registry);
        Gauge.builder("pathprobe_agent_probes_in_flight", inFlight, AtomicInteger::get)
                .description("/probe requests being probed now").register(registry);
        Gauge.builder("pathprobe_agent_continuous_series", continuous, ContinuousProber::size)
                .description("Continuous series probed (configured targets x modules)").register(registry);
        Gauge.builder("pathprobe_agent_config_last_reload_successful", lastReloadOk, AtomicInteger::get)
                .description("Whether the last configuration reload was applied").register(registry);
    }

    /**
     * Starts the endpoints and the continuous probes.
     *
     * @throws IllegalArgumentException when a continuous target is denied by the policy or does not resolve
     */
    public static PrometheusEndpoints start(AgentServerConfig agent, ExporterSetup setup, LongSupplier runningCaptures,
                                            Executor blocking) {
        PrometheusEndpoints p = new PrometheusEndpoints(agent, setup, runningCaptures, blocking);
        try {
            p.apply(setup.config());
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Whether {@code path} is one of these endpoints. */
    public boolean handles(String path) {
        return path.equals("/probe") || path.equals("/metrics") || path.equals("/-/reload");
    }

    /** Whether {@code path} is served without authentication ({@code /metrics} when the configuration says so). */
    public boolean open(String path) {
        return path.equals("/metrics") && config.metricsOpen();
    }

    /** Answers {@code req}. */
    public void handle(Request req, Responder out) {
        switch (req.path()) {
            case "/metrics" -> {
                if (!req.method().equals("GET")) {
                    out.send(405, PLAIN, bytes("use GET /metrics\n"), null);
                    return;
                }
                out.send(200, TEXT_FORMAT, bytes(registry.scrape()), null);
            }
            case "/-/reload" -> {
                if (!req.method().equals("POST") && !req.method().equals("PUT")) {
                    out.send(405, PLAIN, bytes("use POST /-/reload\n"), null);
                    return;
                }
                blocking.execute(() -> {
                    try {
                        String what = reload();
                        out.send(200, PLAIN, bytes(what + "\n"), "reloaded");
                    } catch (ConfigException | UnsupportedOperationException e) {
                        out.send(400, PLAIN, bytes("reload failed, the running configuration is kept: "
                                + e.getMessage() + "\n"), "reload failed");
                    }
                });
            }
            default -> probe(req, out);
        }
    }

    /**
     * Reads the configuration file again and applies its modules and continuous probes; ticket captures and
     * {@code /probe} requests running now are not touched.
     *
     * @return one line saying what is now configured
     * @throws ConfigException when the file is wrong (the running configuration is kept)
     * @throws UnsupportedOperationException when the agent was started without a configuration file
     */
    public synchronized String reload() {
        if (setup.reloader() == null) {
            throw new UnsupportedOperationException("the agent was started without --config: nothing to reload");
        }
        try {
            ExporterConfig next = setup.reloader().reload();
            apply(next);
            lastReloadOk.set(1);
            count("reload", "success");
            return "configuration reloaded: " + next.modules().size() + " modules, " + continuous.size()
                    + " continuous series";
        } catch (ConfigException e) {
            lastReloadOk.set(0);
            count("reload", "failure");
            throw e;
        } catch (IllegalArgumentException e) {
            lastReloadOk.set(0);
            count("reload", "failure");
            throw new ConfigException(e.getMessage(), e);
        }
    }

    private synchronized void apply(ExporterConfig c) {
        List<ContinuousProber.Series> series = new ArrayList<>();
        for (ExporterConfig.Continuous t : c.continuous()) {
            Targets.HostPort hp = Targets.parse(t.target());
            for (String name : t.modules()) {
                Module m = c.modules().get(name);
                InetAddress ip = pin(hp, m, "continuous target " + t.target());
                series.add(new ContinuousProber.Series(t.target(), m, ip, hp.port(), t.interval()));
            }
        }
        continuous.apply(series); // only now: a wrong entry leaves the running series as they were
        config = c;
    }

    /** The one address to probe for {@code hp}, allowed by the policy (resolved once; nothing sent on denial). */
    private InetAddress pin(Targets.HostPort hp, Module m, String what) {
        PinnedTarget pinned;
        try {
            pinned = agent.policy().resolve(hp.host(), m.prober() == Module.Prober.TCP ? List.of(hp.port())
                    : List.of(), agent.resolver());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + " does not resolve: " + e.getMessage(), e);
        } catch (TargetDeniedException e) {
            throw new IllegalArgumentException(what + " is denied by the allow rules: " + e.getMessage(), e);
        }
        return choose(pinned.addresses(), m.family());
    }

    private static InetAddress choose(List<InetAddress> addresses, int family) {
        for (InetAddress a : addresses) {
            if (family == 0 || (family == 4) == (a instanceof Inet4Address)) {
                return a;
            }
        }
        return addresses.get(0); // blackbox: the preferred protocol is a preference, the other one is used
    }

    private void probe(Request req, Responder out) {
        if (!req.method().equals("GET")) {
            out.send(405, PLAIN, bytes("use GET /probe?module=NAME&target=HOST[:PORT]\n"), null);
            return;
        }
        ExporterConfig c = config;
        String moduleName = param(req, "module");
        String target = param(req, "target");
        boolean debug = "true".equals(param(req, "debug"));
        if (target == null || target.isEmpty()) {
            reject(out, 400, "unknown", "Target parameter is missing");
            return;
        }
        if (moduleName == null || moduleName.isEmpty()) {
            moduleName = "icmp"; // blackbox's default is http_2xx; pathprobe's first built-in
        }
        Module module = c.modules().get(moduleName);
        if (module == null) {
            reject(out, 400, "unknown", "Unknown module '" + clip(moduleName) + "' (configured: "
                    + String.join(", ", c.modules().keySet().stream().sorted().toList()) + ")");
            return;
        }
        Duration budget;
        try {
            budget = budget(req.scrapeTimeout(), c.timeoutOffset(), module.timeout());
        } catch (IllegalArgumentException e) {
            reject(out, 400, module.name(), e.getMessage());
            return;
        }
        Targets.HostPort hp;
        try {
            hp = Targets.parse(target);
        } catch (IllegalArgumentException e) {
            reject(out, 400, module.name(), e.getMessage());
            return;
        }
        if (module.prober() == Module.Prober.TCP && hp.port() == 0) {
            reject(out, 400, module.name(), "module '" + module.name() + "' connects over TCP: give the target as"
                    + " HOST:PORT");
            return;
        }
        if (inFlight.incrementAndGet() > c.maxConcurrent()) {
            inFlight.decrementAndGet();
            reject(out, 429, module.name(), c.maxConcurrent() + " probes are running (probe.max_concurrent):"
                    + " scrape less often or raise it");
            return;
        }
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        ProbeReport report = new ProbeReport(debug);
        report.log("info", "Beginning probe: module " + module.name() + ", prober " + module.prober().label()
                + ", timeout " + budget.toMillis() + " ms");
        try {
            // Resolving a name blocks: not on the event loop.
            blocking.execute(() -> {
                try {
                    resolveAndRun(module, hp, start, deadline, debug, report, out);
                } catch (RuntimeException e) { // a bug, not the network: say so rather than leave the scrape hanging
                    inFlight.decrementAndGet();
                    out.send(500, PLAIN, bytes("the probe failed inside the agent: " + e + "\n"), e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            reject(out, 429, module.name(), "the agent is busy: try again");
        }
    }

    private void resolveAndRun(Module module, Targets.HostPort hp, long start, long deadline, boolean debug,
                               ProbeReport report, Responder out) {
        PinnedTarget pinned;
        long dnsStart = System.nanoTime();
        try {
            pinned = agent.policy().resolve(hp.host(), module.prober() == Module.Prober.TCP ? List.of(hp.port())
                    : List.of(), agent.resolver());
        } catch (TargetDeniedException e) {
            inFlight.decrementAndGet();
            reject(out, 403, module.name(), "target denied, nothing sent: " + e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            inFlight.decrementAndGet();
            reject(out, 400, module.name(), e.getMessage());
            return;
        } catch (UnknownHostException e) {
            long dns = System.nanoTime() - dnsStart;
            report.gauge("probe_dns_lookup_time_seconds", "Time taken to resolve the target", dns / 1e9);
            report.log("error", "Error resolving target: " + e.getMessage());
            finish(module, start, false, debug, report, out);
            return;
        }
        long dns = System.nanoTime() - dnsStart;
        InetAddress ip = choose(pinned.addresses(), module.family());
        report.gauge("probe_dns_lookup_time_seconds", "Time taken to resolve the target", dns / 1e9);
        if (module.prober() != Module.Prober.TCP) {
            report.gauge("probe_icmp_duration_seconds", "Duration of the probe's phases", dns / 1e9,
                    "phase", "resolve");
        } else {
            report.gauge("probe_tcp_duration_seconds", "Duration of the probe's phases", dns / 1e9,
                    "phase", "resolve");
        }
        report.log("info", "Resolved " + hp.host() + " to " + AddressText.of(ip) + " (pinned; allowed by the policy)");
        runner.run(module, ip, hp.port(), deadline, report)
                .whenComplete((ok, err) -> finish(module, start, Boolean.TRUE.equals(ok), debug, report, out));
    }

    private void finish(Module module, long start, boolean success, boolean debug, ProbeReport report,
                        Responder out) {
        inFlight.decrementAndGet();
        report.gauge("probe_duration_seconds", "How long the probe took to complete in seconds",
                (System.nanoTime() - start) / 1e9);
        report.gauge("probe_success", "Whether the probe succeeded (at least one answer; for mtr the destination"
                + " reached)", success ? 1 : 0);
        report.log(success ? "info" : "error", success ? "Probe succeeded" : "Probe failed");
        count(module.name(), success ? "success" : "failure");
        String metrics = render(report);
        if (!debug) {
            out.send(200, TEXT_FORMAT, bytes(metrics), success ? "probe succeeded" : "probe failed");
            return;
        }
        StringBuilder b = new StringBuilder("Logs for the probe:\n");
        for (String l : report.logLines()) {
            b.append(l).append('\n');
        }
        b.append("\n\nMetrics that would have been returned:\n").append(metrics)
                .append("\n\nModule configuration:\n").append(describe(module));
        out.send(200, PLAIN, bytes(b.toString()), success ? "probe succeeded" : "probe failed");
    }

    /** The report's gauges in the text format, written by a registry of their own (one per probe, as blackbox). */
    static String render(ProbeReport report) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (ProbeReport.Sample s : report.samples()) {
            double v = s.value();
            Gauge.builder(s.name(), () -> v).description(s.help()).tags(s.labels()).register(r);
        }
        String text = r.scrape();
        r.close();
        return text;
    }

    private static String describe(Module m) {
        return "prober: " + m.prober().label() + "\npackets: " + m.packets() + "\ninterval: " + m.interval().toMillis()
                + "ms\npacket_timeout: " + m.packetTimeout().toMillis() + "ms\ntimeout: " + m.timeout().toMillis()
                + "ms\n" + (m.family() == 0 ? "" : "preferred_ip_protocol: ip" + m.family() + "\n")
                + (m.prober() == Module.Prober.MTR ? "max_ttl: " + m.maxTtl() + "\n" : "");
    }

    /**
     * blackbox_exporter's rule: the scrape timeout header minus the offset, capped by the module's timeout; 120 s
     * without the header. An offset as large as the timeout itself leaves half the timeout.
     */
    static Duration budget(String header, Duration offset, Duration moduleTimeout) {
        Duration t = ExporterConfig.NO_HEADER_TIMEOUT;
        if (header != null) {
            double s;
            try {
                s = Double.parseDouble(header.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("X-Prometheus-Scrape-Timeout-Seconds '" + clip(header)
                        + "' is not a number of seconds");
            }
            if (!(s > 0) || s > 86_400) {
                throw new IllegalArgumentException("X-Prometheus-Scrape-Timeout-Seconds " + clip(header)
                        + " must be positive seconds");
            }
            Duration scrape = Duration.ofNanos((long) (s * 1e9));
            t = scrape.compareTo(offset) > 0 ? scrape.minus(offset) : scrape.dividedBy(2);
        }
        return t.compareTo(moduleTimeout) > 0 ? moduleTimeout : t;
    }

    private void reject(Responder out, int status, String module, String message) {
        count(module, switch (status) {
            case 403 -> "denied";
            case 429 -> "rejected";
            default -> "bad_request";
        });
        out.send(status, PLAIN, bytes(message + "\n"), message);
    }

    /** {@code module} is a configured name, "unknown" or "reload": the label stays bounded by the configuration. */
    private void count(String module, String result) {
        outcomes.computeIfAbsent(module + "\u0000" + result, k -> Counter.builder("pathprobe_agent_probe_requests")
                .description("/probe requests and reloads by module and result").tag("module", module)
                .tag("result", result).register(registry)).increment();
    }

    private static String param(Request req, String name) {
        List<String> v = req.params().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String clip(String s) {
        String c = s.replaceAll("\\p{Cntrl}", "?");
        return c.length() <= 64 ? c : c.substring(0, 64) + "...";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        continuous.close();
        gc.close();
        engine.close();
        registry.close();
    }
}
