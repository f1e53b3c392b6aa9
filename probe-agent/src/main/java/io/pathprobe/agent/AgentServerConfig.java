package io.pathprobe.agent;

import io.pathprobe.agent.auth.TokenStore;
import io.pathprobe.agent.policy.Resolver;
import io.pathprobe.agent.prometheus.ExporterSetup;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.agent.quota.Quotas;
import io.pathprobe.ticket.agent.LocalAgent;
import io.pathprobe.ticket.agent.ProbeAgent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link AgentServer} runs: where it listens, who may use it, what it may probe. Immutable; secure by
 * default: loopback only, every {@code /v1} request authenticated, nothing probed that the policy does not allow.
 *
 * @param listen          the address and port to listen on (loopback by default)
 * @param tokens          the bearer tokens accepted, or {@code null} when only mutual TLS authenticates
 * @param policy          what may be probed (default deny)
 * @param quotas          per-token limits
 * @param tlsCert         the server's PEM certificate (chain), or {@code null} for plain HTTP
 * @param tlsKey          its PKCS#8 PEM key
 * @param clientCa        PEM CA certificates whose client certificates are required (mutual TLS), or {@code null}
 * @param name            the agent's name in its info and in the coordinator's report
 * @param publicAddress   this agent's public address, if known, for "whitelist this IP" (never looked up)
 * @param resolver        how the agent resolves target names (once per request; the addresses are pinned)
 * @param vantage         the agent that measures (this host, or a namespace on it: a {@link LocalAgent})
 * @param orphanTimeout   how long a running capture lives on without any request for it (a coordinator that lost
 *                        its connection comes back within it) before it is cancelled
 * @param keepFinished    how many finished captures are kept for their coordinators to fetch
 * @param keepEvents      how many events per capture are kept for a coordinator that resumes its stream
 * @param audit           receives one JSON line per request
 * @param version         the software's version, for {@code /v1/info}
 * @param prometheus      the {@code /probe} and {@code /metrics} endpoints' modules and continuous probes
 */
public record AgentServerConfig(InetSocketAddress listen, TokenStore tokens, TargetPolicy policy, Quotas quotas,
                                Path tlsCert, Path tlsKey, Path clientCa, String name, String publicAddress,
                                Resolver resolver, ProbeAgent vantage, Duration orphanTimeout, int keepFinished,
                                int keepEvents, Consumer<String> audit, String version,
                                ExporterSetup prometheus) {
    public static final int DEFAULT_PORT = 9917;

    public AgentServerConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(quotas, "quotas");
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(vantage, "vantage");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(prometheus, "prometheus");
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("a TLS certificate needs its key, and a key its certificate");
        }
        if (clientCa != null && tlsCert == null) {
            throw new IllegalArgumentException("mutual TLS (a client CA) needs the server's own TLS certificate and key");
        }
        if (tokens == null && clientCa == null) {
            if (!listen.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing to listen on " + listen.getAddress().getHostAddress()
                        + " without authentication: an agent is a traffic generator others could aim; give a token"
                        + " file or a client CA (mutual TLS), or listen on loopback");
            }
        }
        if (keepFinished < 1 || keepEvents < 1000) {
            throw new IllegalArgumentException("keepFinished must be at least 1 and keepEvents at least 1000");
        }
    }

    public static Builder builder(TargetPolicy policy) {
        return new Builder(policy);
    }

    /** Builds an {@link AgentServerConfig}; defaults: 127.0.0.1:9917, default quotas, the system resolver. */
    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT);
        private TokenStore tokens;
        private final TargetPolicy policy;
        private Quotas quotas = Quotas.defaults();
        private Path tlsCert;
        private Path tlsKey;
        private Path clientCa;
        private String name = "agent";
        private String publicAddress;
        private Resolver resolver = Resolver.system();
        private ProbeAgent vantage;
        private Duration orphanTimeout = Duration.ofMinutes(2);
        private int keepFinished = 100;
        private int keepEvents = 1_000_000;
        private Consumer<String> audit = line -> { };
        private String version = "pathprobe";
        private ExporterSetup prometheus = ExporterSetup.defaults();

        private Builder(TargetPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        public Builder listen(InetSocketAddress a) {
            this.listen = Objects.requireNonNull(a, "listen");
            return this;
        }

        public Builder tokens(TokenStore t) {
            this.tokens = t;
            return this;
        }

        public Builder quotas(Quotas q) {
            this.quotas = Objects.requireNonNull(q, "quotas");
            return this;
        }

        public Builder tls(Path cert, Path key, Path clientCa) {
            this.tlsCert = cert;
            this.tlsKey = key;
            this.clientCa = clientCa;
            return this;
        }

        public Builder name(String n) {
            this.name = Objects.requireNonNull(n, "name");
            return this;
        }

        public Builder publicAddress(String a) {
            this.publicAddress = a;
            return this;
        }

        public Builder resolver(Resolver r) {
            this.resolver = Objects.requireNonNull(r, "resolver");
            return this;
        }

        /** The vantage point that measures; default this host ({@link LocalAgent#host()}). */
        public Builder vantage(ProbeAgent v) {
            this.vantage = Objects.requireNonNull(v, "vantage");
            return this;
        }

        public Builder orphanTimeout(Duration d) {
            this.orphanTimeout = Objects.requireNonNull(d, "orphanTimeout");
            return this;
        }

        public Builder keep(int finishedCaptures, int eventsPerCapture) {
            this.keepFinished = finishedCaptures;
            this.keepEvents = eventsPerCapture;
            return this;
        }

        public Builder audit(Consumer<String> sink) {
            this.audit = Objects.requireNonNull(sink, "audit");
            return this;
        }

        public Builder version(String v) {
            this.version = Objects.requireNonNull(v, "version");
            return this;
        }

        /** The Prometheus endpoints' configuration; default: the built-in modules, no continuous probes. */
        public Builder prometheus(ExporterSetup p) {
            this.prometheus = Objects.requireNonNull(p, "prometheus");
            return this;
        }

        public AgentServerConfig build() {
            return new AgentServerConfig(listen, tokens, policy, quotas, tlsCert, tlsKey, clientCa, name,
                    publicAddress, resolver, vantage == null ? LocalAgent.host() : vantage, orphanTimeout,
                    keepFinished, keepEvents, audit, version, prometheus);
        }
    }
}
