package io.pathprobe.fleet;

import io.pathprobe.core.Availability;

import java.time.Instant;
import java.util.Map;

/**
 * An agent as its last heartbeat described it.
 *
 * @param name          its name (the subject token)
 * @param labels        its labels
 * @param version       its software version
 * @param publicAddress the public address it was configured with, or {@code null}
 * @param queueGroup    the queue group it takes shared work from, or {@code null}
 * @param probers       its probers with whether they run there
 * @param running       captures it runs
 * @param lastHeartbeat when its last heartbeat arrived (this host's clock)
 */
public record FleetAgent(String name, Map<String, String> labels, String version, String publicAddress,
                         String queueGroup, Map<String, Availability> probers, long running, Instant lastHeartbeat) {
    public FleetAgent {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        probers = probers == null ? Map.of() : Map.copyOf(probers);
    }

    /**
     * Whether it matches {@code selector}: its name, or {@code key=value[,key=value...]} (all must match), or
     * {@code *} (every agent).
     */
    public boolean matches(String selector) {
        String s = selector.trim();
        if (s.equals("*")) {
            return true;
        }
        if (!s.contains("=")) {
            return name.equals(s);
        }
        for (String part : s.split(",")) {
            Map.Entry<String, String> kv = NatsAgentConfig.label(part.trim());
            if (!kv.getValue().equals(labels.get(kv.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
