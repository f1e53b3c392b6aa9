package io.pathprobe.fleet;

import io.pathprobe.ticket.agent.AgentCredentials;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.agent.VantageFactory;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --vantage nats:NAME} (one agent) and {@code nats:KEY=VALUE[,KEY=VALUE]} (every agent with those labels)
 * through a NATS broker. The broker is {@value #URL_PROPERTY} (system property, set by the CLI's {@code --nats}),
 * else {@value NatsConnection#URL_ENV}, else {@code nats://127.0.0.1:4222}; its credentials come from the file
 * {@value #AUTH_PROPERTY} (the CLI's {@code --nats-auth}), else the environment ({@link NatsConnection}).
 */
public final class NatsVantageFactory implements VantageFactory {
    public static final String URL_PROPERTY = "pathprobe.nats.url";
    public static final String AUTH_PROPERTY = "pathprobe.nats.auth";

    @Override
    public List<String> forms() {
        return List.of("nats:NAME", "nats:KEY=VALUE[,KEY=VALUE]");
    }

    @Override
    public boolean accepts(String spec) {
        return spec.startsWith("nats:");
    }

    @Override
    public ProbeAgent create(String spec, AgentCredentials credentials) {
        List<ProbeAgent> all = createAll(spec, credentials);
        if (all.size() != 1) {
            all.forEach(ProbeAgent::close);
            throw new IllegalArgumentException("'" + spec + "' matches " + all.size() + " agents where one is wanted:"
                    + " name one agent (nats:NAME)");
        }
        return all.get(0);
    }

    @Override
    public List<ProbeAgent> createAll(String spec, AgentCredentials credentials) {
        String selector = spec.substring("nats:".length()).trim();
        if (selector.isEmpty()) {
            throw new IllegalArgumentException("'" + spec + "' names no agent: give nats:NAME or nats:KEY=VALUE");
        }
        if (!selector.contains("=") && !selector.equals("*")) {
            Subjects.name(selector, "agent name");
        }
        Fleet fleet;
        try {
            fleet = Fleet.connect(connection());
        } catch (AgentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        try {
            List<ProbeAgent> out = new ArrayList<>(fleet.select(selector));
            return out;
        } catch (AgentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } finally {
            fleet.close(); // the agents hold their own references
        }
    }

    /** The broker and credentials as configured (class comment). */
    public static NatsConnection connection() {
        String url = System.getProperty(URL_PROPERTY);
        String auth = System.getProperty(AUTH_PROPERTY);
        NatsConnection c = url == null ? NatsConnection.fromEnvironment()
                : NatsConnection.to(URI.create(url)).withEnvironmentAuth();
        return auth == null ? c : NatsConnection.to(c.url()).withAuthFile(Path.of(auth));
    }
}
