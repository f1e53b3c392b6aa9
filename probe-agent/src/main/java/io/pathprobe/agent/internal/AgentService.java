package io.pathprobe.agent.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pathprobe.agent.AgentServerConfig;
import io.pathprobe.agent.policy.PinnedTarget;
import io.pathprobe.agent.policy.TargetDeniedException;
import io.pathprobe.agent.quota.Admission;
import io.pathprobe.agent.quota.Lease;
import io.pathprobe.agent.quota.QuotaLedger;
import io.pathprobe.agent.quota.Rejection;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.AgentInfo;
import io.pathprobe.ticket.agent.CapturePlan;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's state behind its HTTP face: the captures it hosts, who owns them, the policy and quota checks a
 * plan passes before anything is sent, and the sweeper that ends orphaned captures and forgets old ones.
 */
public final class AgentService implements AutoCloseable {
    /** The wire's schema name: every JSON body the agent sends carries it. */
    public static final String SCHEMA = "pathprobe.agent/1";

    /** Plans are read strictly: an unknown key is a mistake (or a probe for one), not something to ignore. */
    static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private final AgentServerConfig config;
    private final AuditLog audit;
    private final QuotaLedger ledger;
    private final Map<String, HostedCapture> captures = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final String prefix = Long.toString(System.nanoTime() & 0xffffff, 36);
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-sweeper");
        t.setDaemon(true);
        return t;
    });
    private final ObjectWriter eventWriter = MAPPER.writer();
    private volatile boolean closing;

    public AgentService(AgentServerConfig config) {
        this.config = config;
        this.audit = new AuditLog(config.audit());
        this.ledger = new QuotaLedger(config.quotas());
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    public AgentServerConfig config() {
        return config;
    }

    public AuditLog audit() {
        return audit;
    }

    public boolean ready() {
        return !closing;
    }

    /** What {@code GET /v1/info} says. */
    public AgentInfo info() {
        AgentInfo local = config.vantage().info();
        return new AgentInfo(config.name(), "agent", config.version(), Instant.now().toString(), local.probers(),
                config.publicAddress());
    }

    /**
     * Checks a plan against the policy and the owner's quotas, pins its target, and starts it.
     *
     * @throws AgentException 400, 403 or 429 with the reason
     */
    public HostedCapture start(String owner, CapturePlan plan) {
        if (plan.publicIpUrl() != null) {
            throw new AgentException(400, "an agent does not fetch URLs for a plan: leave publicIpUrl out (the"
                    + " agent reports the public address it was configured with)");
        }
        Duration length = Duration.ofMillis(plan.durationMs());
        Optional<Rejection> shape = ledger.quotas(owner).checkPlan(length, 1, plan.ports().size(),
                plan.probesPerSecond());
        if (shape.isPresent()) {
            throw refused(shape.get());
        }
        InetAddress target = pin(plan);
        HostedCapture h = new HostedCapture(prefix + "-" + ids.incrementAndGet(), owner, plan.pinnedTo(target),
                config.keepEvents(), eventWriter);
        Admission admission = ledger.admit(owner, length, Map.of(target, plan.probesPerSecond()));
        if (admission instanceof Rejection r) {
            throw refused(r);
        }
        Lease lease = (Lease) admission;
        try {
            h.attach(config.vantage().start(h.plan(), h::onEvent));
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        h.capture().evidence().whenComplete((ev, t) -> lease.close());
        captures.put(h.id(), h);
        return h;
    }

    /**
     * Admits one-shot probes that are not a capture (a fleet job's work item: each target probed once, at
     * {@code probesPerSecond} in total) under the same target policy and quotas as {@link #start}: every
     * address and port must be allowed, the item's size and rates within {@code owner}'s quotas. Close the lease when
     * the probes are done.
     *
     * @throws AgentException 403 naming the first denied target (nothing may be sent then), or 429
     */
    public Lease admitProbes(String owner, List<java.net.InetSocketAddress> targets, double probesPerSecond) {
        for (java.net.InetSocketAddress t : targets) {
            var d = config.policy().decide(t.getAddress(), t.getPort());
            if (!d.allowed()) {
                throw new AgentException(403, d.reason());
            }
        }
        Duration length = Duration.ofMillis(Math.max(1000, (long) Math.ceil(1000.0 * targets.size()
                / probesPerSecond)));
        double each = probesPerSecond / targets.size();
        Optional<Rejection> shape = ledger.quotas(owner).checkPlan(length, targets.size(), 1, each);
        if (shape.isPresent()) {
            throw refused(shape.get());
        }
        Map<InetAddress, Double> rates = new java.util.LinkedHashMap<>();
        for (java.net.InetSocketAddress t : targets) {
            rates.merge(t.getAddress(), each, Double::sum);
        }
        Admission admission = ledger.admit(owner, length, rates);
        if (admission instanceof Rejection r) {
            throw refused(r);
        }
        return (Lease) admission;
    }

    private static AgentException refused(Rejection r) {
        return new AgentException(429, r.message(), r.retryAfterSeconds().orElse(-1));
    }

    /** The target's one address to probe: the plan's literal, or the name resolved once; all of them allowed. */
    private InetAddress pin(CapturePlan plan) {
        String host = plan.address() != null ? plan.address() : plan.target();
        PinnedTarget pinned;
        try {
            pinned = config.policy().resolve(host, plan.ports(), config.resolver());
        } catch (TargetDeniedException e) {
            throw new AgentException(403, e.getMessage(), e);
        } catch (UnknownHostException e) {
            throw new AgentException(400, "target " + host + " does not resolve here: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // A spelling the policy refuses to resolve (hex, octal, decimal, zone ids, ...) is a denial too.
            throw new AgentException(403, e.getMessage(), e);
        }
        // Port-less probes (ping, ICMP traces) are allowed wherever a rule covers the address (TargetPolicy).
        for (InetAddress a : pinned.addresses()) {
            if (plan.family() == 0 || (plan.family() == 4) == (a instanceof java.net.Inet4Address)) {
                return a;
            }
        }
        throw new AgentException(400, "target " + host + " has no IPv" + plan.family() + " address");
    }

    /** The capture with {@code id} if {@code owner} may see it (others' captures do not exist for them). */
    public HostedCapture find(String owner, String id) {
        HostedCapture h = captures.get(id);
        if (h == null || !h.owner().equals(owner)) {
            return null;
        }
        h.touch();
        return h;
    }

    /** Running captures, for health metrics. */
    public long running() {
        return captures.values().stream().filter(h -> !h.ended()).count();
    }

    private void sweep() {
        long now = System.nanoTime();
        long orphan = config.orphanTimeout().toNanos();
        for (HostedCapture h : captures.values()) {
            if (!h.ended() && now - h.lastContactNanos() > orphan && h.capture() != null) {
                h.capture().cancel(); // its coordinator did not come back
            }
        }
        List<HostedCapture> finished = new ArrayList<>();
        for (HostedCapture h : captures.values()) {
            if (h.ended()) {
                finished.add(h);
            }
        }
        if (finished.size() > config.keepFinished()) {
            finished.sort(Comparator.comparing(HostedCapture::endedAt));
            for (int i = 0; i < finished.size() - config.keepFinished(); i++) {
                captures.remove(finished.get(i).id());
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        for (HostedCapture h : captures.values()) {
            if (h.capture() != null) {
                h.capture().cancel();
            }
        }
        sweeper.shutdownNow();
    }
}
