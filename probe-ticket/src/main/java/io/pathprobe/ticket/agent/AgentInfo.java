package io.pathprobe.ticket.agent;

import io.pathprobe.core.Availability;

import java.util.Map;
import java.util.Objects;

/**
 * What an agent is and what it can run.
 *
 * @param id            the agent's identifier (its vantage point id, or its configured name)
 * @param kind          {@code local}, {@code netns}, {@code agent}
 * @param version       the software's version, e.g. {@code pathprobe 0.1.0}
 * @param clock         the agent's clock when it answered (ISO-8601), for the coordinator's offset estimate
 * @param probers       every prober kind it has, with whether it can run there (reasons and fixes when not)
 * @param publicAddress the public address it was configured with, or {@code null}
 */
public record AgentInfo(String id, String kind, String version, String clock, Map<String, Availability> probers,
                        String publicAddress) {
    public AgentInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        probers = probers == null ? Map.of() : Map.copyOf(probers);
    }
}
