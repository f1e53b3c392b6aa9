package io.pathprobe.agent.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.function.Consumer;

/** One JSON line per request: who asked what, from where, and what the agent decided and why. */
public final class AuditLog {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Consumer<String> sink;

    public AuditLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /**
     * @param token  the token id (never the secret), or {@code null} when not authenticated
     * @param plan   a short summary of the plan, or {@code null}
     * @param status the HTTP status answered
     */
    public void record(String peer, String token, String method, String path, String plan, int status,
                       String reason) {
        ObjectNode n = mapper.createObjectNode();
        n.put("t", Instant.now().toString());
        n.put("peer", peer);
        n.put("token", token);
        n.put("method", method);
        n.put("path", path.length() > 200 ? path.substring(0, 200) + "..." : path);
        if (plan != null) {
            n.put("plan", plan);
        }
        n.put("status", status);
        n.put("decision", status < 400 ? "allowed" : "denied");
        if (reason != null) {
            n.put("reason", reason);
        }
        try {
            sink.accept(n.toString());
        } catch (RuntimeException e) {
            // an audit sink that fails must not take the agent down; the line is lost
        }
    }
}
