package io.pathprobe.cli;

import io.pathprobe.agent.AgentServer;
import io.pathprobe.agent.AgentServerConfig;
import io.pathprobe.agent.DnsResolver;
import io.pathprobe.agent.auth.TokenStore;
import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.agent.prometheus.ConfigException;
import io.pathprobe.agent.prometheus.ConfigFile;
import io.pathprobe.agent.prometheus.ExporterSetup;
import io.pathprobe.fleet.NatsAgentConfig;
import io.pathprobe.fleet.NatsAgentServer;
import io.pathprobe.ticket.agent.LocalAgent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code pathprobe agent}: a vantage point others can run ticket captures on, over HTTP(S). Secure by default: it
 * listens on loopback, refuses a non-loopback address without a token file or a client CA, and probes only what
 * {@code --allow} names.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a pathprobe agent: an HTTP(S) server that runs ticket capture plans for a coordinator "
                + "('pathprobe ticket ... --vantage agent:https://HOST:PORT'). Every /v1 request needs a bearer token "
                + "(or a client certificate with --client-ca); only targets inside --allow are probed (default deny; "
                + "loopback, link-local, private and reserved ranges only when a rule names them). One JSON audit line "
                + "per request goes to stdout (or --audit-log). Stop it with Ctrl-C or SIGTERM.",
                "Exit status: 0 stopped, 2 bad input (nothing listens), 3 internal error."},
        footer = {"", "Examples:",
                "  pathprobe agent --token-file /etc/pathprobe/tokens --allow 203.0.113.0/24:80,443",
                "  pathprobe agent --listen 10.0.0.7:9917 --token-file tokens --allow 10.20.0.10/32 \\",
                "      --tls-cert agent.pem --tls-key agent.key --name eu-1",
                "  pathprobe agent --token-file tokens --config agent.yml    # Prometheus: GET /probe?module=&target=, /metrics",
                "  pathprobe agent --nats nats://broker.example.net:4222 --nats-auth office-1.auth --name office-1 \\",
                "      --label region=eu --label net=office --allow 203.0.113.10/32:443",
                "With --nats the agent listens on nothing: it dials out to the broker (it works behind NAT) and takes",
                "capture plans from coordinators there ('pathprobe ticket ... --vantage nats:office-1').",
                "Token file: one 'ID SECRET' per line (chmod 600); a coordinator (or Prometheus) sends"
                        + " 'Authorization: Bearer SECRET'."})
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:9917",
            description = "Where to listen; default: ${DEFAULT-VALUE} (loopback). [::1]:9917 for IPv6.")
    String listen;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Bearer tokens, one 'ID SECRET' a line (mode 600); or set PATHPROBE_AGENT_TOKEN.")
    Path tokenFile;

    @Option(names = "--allow", paramLabel = "CIDR[:PORTS]",
            description = "Targets this agent may probe, repeatable: 203.0.113.0/24, 10.0.0.5/32:80,443, "
                    + "[2001:db8::/32]:443. Nothing else is probed.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE",
            description = "A YAML (or JSON) file: name, allow, token_file, tls, quotas, metrics, probe, modules, "
                    + "continuous (see the README's Prometheus section). Options given here win (allow rules add up). "
                    + "POST /-/reload or SIGHUP reads its modules and continuous probes again.")
    Path config;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate (chain).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's unencrypted PKCS#8 key.")
    Path tlsKey;

    @Option(names = "--client-ca", paramLabel = "PEM",
            description = "Require client certificates signed by this CA (mutual TLS).")
    Path clientCa;

    @Option(names = "--name", paramLabel = "NAME", description = "This agent's name in reports; default: agent.")
    String name;

    @Option(names = "--public-ip", paramLabel = "ADDR",
            description = "This network's public address, for the report (the agent never looks it up).")
    String publicIp;

    @Option(names = "--netns", paramLabel = "NAME", description = "Measure from this network namespace (root).")
    String netns;

    @Option(names = "--name-server", paramLabel = "ADDR[:PORT]",
            description = "Resolve target names with this DNS server (default: the system's resolver).")
    String nameServer;

    @Option(names = "--audit-log", paramLabel = "FILE", description = "Append the audit lines here instead of stdout.")
    Path auditLog;

    @Mixin
    NatsOptions nats;

    @Option(names = "--label", paramLabel = "KEY=VALUE",
            description = "With --nats: a label coordinators select this agent by (nats:KEY=VALUE), repeatable.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--queue", paramLabel = "GROUP",
            description = "With --nats: take shared probe jobs from this queue group.")
    String queue;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<String> rules = new ArrayList<>(allow);
        String agentName = name;
        ConfigFile file = null;
        if (config != null) {
            file = ConfigFile.read(config); // one line naming the line and key on a mistake: exit 2
            rules.addAll(file.allow());
            if (agentName == null) {
                agentName = file.name();
            }
            if (tokenFile == null) {
                tokenFile = file.tokenFile();
            }
            if (tlsCert == null && file.tls() != null) {
                tlsCert = file.tls().cert();
                tlsKey = file.tls().key();
                clientCa = file.tls().clientCa();
            }
        }
        TargetPolicy policy;
        try {
            policy = TargetPolicy.of(rules);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--allow: " + e.getMessage(), e);
        }
        if (nats.given()) {
            if (tokenFile != null || tlsCert != null || clientCa != null || !listen.equals("127.0.0.1:9917")) {
                throw new UsageException("--nats agents listen on nothing: leave out --listen, --token-file and"
                        + " --tls-cert/--client-ca (the broker authenticates coordinators)");
            }
            if (agentName == null) {
                throw new UsageException("--nats needs --name NAME: the agent's subject on the broker (and its user"
                        + " there)");
            }
        } else if (!labels.isEmpty() || queue != null) {
            throw new UsageException("--label and --queue are for an agent on a broker: give --nats URL too");
        }
        TokenStore tokens = nats.given() ? null : tokens();
        InetSocketAddress address = listenAddress();
        if (publicIp != null && HostResolver.isLiteral(publicIp.trim())) {
            publicIp = publicIp.trim();
        } else if (publicIp != null) {
            throw new UsageException("--public-ip '" + publicIp + "' is not an IP address");
        }
        LocalAgent.Builder vantage = LocalAgent.builder().version("pathprobe " + Main.version());
        if (netns != null) {
            try {
                vantage.namespace(netns);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--netns: " + e.getMessage(), e);
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        Writer audit = auditLog == null ? out : Files.newBufferedWriter(auditLog, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        AgentServerConfig cfg;
        try {
            AgentServerConfig.Builder b = AgentServerConfig.builder(policy).listen(address).tokens(tokens)
                    .tls(tlsCert, tlsKey, clientCa).name(agentName == null ? "agent" : agentName)
                    .publicAddress(publicIp).vantage(vantage.build()).version("pathprobe " + Main.version())
                    .audit(line -> {
                        synchronized (audit) {
                            try {
                                audit.write(line);
                                audit.write('\n');
                                audit.flush();
                            } catch (IOException e) {
                                // the audit file became unwritable: the line is lost, the agent goes on
                            }
                        }
                    });
            if (file != null) {
                ConfigFile first = file;
                Path path = config;
                b.quotas(file.quotas()).prometheus(new ExporterSetup(file.exporter(), () -> {
                    ConfigFile next = ConfigFile.read(path);
                    List<String> changed = first.restartOnlyDifferences(next);
                    if (!changed.isEmpty()) {
                        throw new ConfigException(path + ": " + String.join(", ", changed) + " changed; these take"
                                + " effect only when the agent is restarted", null);
                    }
                    return next.exporter();
                }));
            }
            if (nameServer != null) {
                b.resolver(DnsResolver.using(HostResolver.socketAddress(nameServer, 53, "--name-server")));
            }
            cfg = b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage().replace("a token file or a client CA",
                    "--token-file (or PATHPROBE_AGENT_TOKEN) or --client-ca"), e);
        }
        if (nats.given()) {
            return runOnBroker(cfg, policy, err);
        }
        // The SIGHUP handler goes in before the port opens: the JVM's own handling of SIGHUP ends the process, and
        // whoever sees the agent answer may signal it at once (a signal while it starts is dropped: it reads its
        // file as it starts).
        AtomicReference<AgentServer> started = new AtomicReference<>();
        String hangupNotice = reloadOnHangup(started, err);
        AgentServer server;
        try {
            server = AgentServer.start(cfg);
            started.set(server);
        } catch (IOException e) {
            throw new UsageException(e.getMessage() + ": is another agent running there, or is the address not"
                    + " this host's?", e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Interrupts ctrlC = Interrupts.during(() -> {
            server.close();
            stopped.countDown();
        }, Interrupts.Status.SIGNALLED);
        err.println("pathprobe agent listening on " + (cfg.tlsCert() == null ? "http" : "https")
                + "://" + HostResolver.hostPort(server.address()) + " (name " + cfg.name() + ", "
                + policy.rules().size() + " allow rule"
                + (policy.rules().size() == 1 ? "" : "s") + ", " + (tokens == null ? "no" : tokens.ids().size())
                + " token" + (tokens != null && tokens.ids().size() == 1 ? "" : "s")
                + (clientCa == null ? "" : ", mutual TLS") + ")");
        if (hangupNotice != null) {
            err.println(hangupNotice); // once it runs: a configuration it refused is the only line then
        }
        err.flush();
        try (ctrlC) {
            stopped.await();
            return ctrlC.status(0);
        }
    }

    /**
     * SIGHUP reloads the configuration file, as for Prometheus and its exporters.
     *
     * @return why it cannot (to print once the agent listens), or null
     */
    @SuppressWarnings("sunapi")
    private static String reloadOnHangup(AtomicReference<AgentServer> started, PrintWriter err) {
        try {
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
                AgentServer server = started.get();
                if (server == null) {
                    return; // still starting
                }
                String line;
                try {
                    line = server.reload();
                } catch (RuntimeException e) {
                    line = "reload failed, the running configuration is kept: " + e.getMessage();
                }
                synchronized (err) {
                    err.println(line);
                    err.flush();
                }
            });
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // Ignored when the agent started (nohup, some supervisors): the JVM then leaves it ignored.
                return "SIGHUP is ignored in this process (started under nohup?), so it reloads nothing: use"
                        + " POST /-/reload";
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "SIGHUP cannot be handled here (" + e.getMessage() + "); use POST /-/reload";
        }
    }

    /** The agent on a broker: dials out, announces itself, answers until stopped. */
    private int runOnBroker(AgentServerConfig cfg, TargetPolicy policy, PrintWriter err) throws InterruptedException {
        Map<String, String> labelMap = new LinkedHashMap<>();
        NatsAgentConfig fleet;
        try {
            for (String l : labels) {
                var kv = NatsAgentConfig.label(l);
                labelMap.put(kv.getKey(), kv.getValue());
            }
            fleet = new NatsAgentConfig(nats.connection(), labelMap, queue, cfg);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage().replace("agent name", "--name").replace("queue group", "--queue")
                    .replace("label '", "--label '"), e);
        }
        NatsAgentServer server;
        try {
            server = NatsAgentServer.start(fleet);
        } catch (IOException e) {
            throw new UsageException(e.getMessage().replace("the auth file", "--nats-auth"), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Interrupts ctrlC = Interrupts.during(() -> {
            server.close();
            stopped.countDown();
        }, Interrupts.Status.SIGNALLED);
        err.println("pathprobe agent " + cfg.name() + " connected to " + fleet.broker().url() + " ("
                + policy.rules().size() + " allow rule" + (policy.rules().size() == 1 ? "" : "s") + ", labels "
                + labelMap + (queue == null ? "" : ", queue group " + queue) + ")");
        err.flush();
        try (ctrlC) {
            stopped.await();
            return ctrlC.status(0);
        }
    }

    private TokenStore tokens() {
        if (tokenFile != null) {
            try {
                return TokenStore.load(tokenFile);
            } catch (IOException e) {
                throw new UsageException("--token-file " + tokenFile + ": cannot read it (" + e.getMessage() + ")", e);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--token-file " + e.getMessage(), e);
            }
        }
        String env = System.getenv(TokenStore.ENVIRONMENT_VARIABLE);
        if (env != null && !env.isBlank()) {
            try {
                return TokenStore.fromEnvironment(env);
            } catch (IllegalArgumentException e) {
                throw new UsageException(TokenStore.ENVIRONMENT_VARIABLE + ": " + e.getMessage(), e);
            }
        }
        return null;
    }

    private InetSocketAddress listenAddress() {
        InetSocketAddress a = HostResolver.socketAddress(listen, AgentServerConfig.DEFAULT_PORT, "--listen");
        InetAddress host = a.getAddress();
        if (host == null) {
            throw new UsageException("--listen " + listen + ": give an address literal, e.g. 127.0.0.1:9917");
        }
        return a;
    }
}
