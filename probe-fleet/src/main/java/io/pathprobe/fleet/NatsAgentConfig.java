package io.pathprobe.fleet;

import io.pathprobe.agent.AgentServerConfig;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How a {@link NatsAgentServer} runs: the broker it dials out to, the labels coordinators select it by, the queue
 * group it takes shared work from, and — the same as an HTTP agent's — its name, target policy, quotas and vantage
 * ({@link AgentServerConfig}; its listen address and tokens are not used: nothing listens).
 *
 * @param broker     where the broker is and how to authenticate
 * @param labels     {@code key=value} labels, e.g. {@code region=eu}, {@code net=office}
 * @param queueGroup the queue group for shared jobs, or {@code null} to take none
 * @param agent      name, policy, quotas, vantage, version, public address, audit sink
 */
public record NatsAgentConfig(NatsConnection broker, Map<String, String> labels, String queueGroup,
                              AgentServerConfig agent) {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public NatsAgentConfig {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(agent, "agent");
        Subjects.name(agent.name(), "agent name");
        if (queueGroup != null) {
            Subjects.name(queueGroup, "queue group");
        }
        labels = labels == null ? Map.of() : Map.copyOf(new TreeMap<>(labels));
        for (var e : labels.entrySet()) {
            label(e.getKey() + "=" + e.getValue());
        }
    }

    /**
     * One {@code key=value} label, checked.
     *
     * @throws IllegalArgumentException when it is not {@code key=value} of letters, digits, '.', '-', '_'
     */
    public static Map.Entry<String, String> label(String kv) {
        int eq = kv == null ? -1 : kv.indexOf('=');
        if (eq < 0 || !LABEL.matcher(kv.substring(0, eq)).matches() || !LABEL.matcher(kv.substring(eq + 1)).matches()) {
            throw new IllegalArgumentException("label '" + kv + "' must be key=value, each 1 to 64 letters, digits,"
                    + " '.', '-' or '_', e.g. region=eu");
        }
        return Map.entry(kv.substring(0, eq), kv.substring(eq + 1));
    }
}
