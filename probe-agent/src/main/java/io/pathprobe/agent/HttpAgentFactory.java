package io.pathprobe.agent;

import io.pathprobe.ticket.agent.AgentCredentials;
import io.pathprobe.ticket.agent.ProbeAgent;
import io.pathprobe.ticket.agent.VantageFactory;

import java.net.URI;
import java.util.List;

/** {@code --vantage agent:https://HOST:PORT} (or {@code http://}): a remote {@code pathprobe agent}. */
public final class HttpAgentFactory implements VantageFactory {
    @Override
    public List<String> forms() {
        return List.of("agent:https://HOST:PORT", "agent:http://HOST:PORT");
    }

    @Override
    public boolean accepts(String spec) {
        return spec.startsWith("agent:");
    }

    @Override
    public ProbeAgent create(String spec, AgentCredentials credentials) {
        String url = spec.substring("agent:".length()).trim();
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: give agent:https://HOST:PORT", e);
        }
        return HttpAgent.of(u, credentials);
    }
}
