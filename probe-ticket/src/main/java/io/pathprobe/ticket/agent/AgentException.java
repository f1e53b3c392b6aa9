package io.pathprobe.ticket.agent;

/**
 * An agent refused a request or could not be reached: the message says which agent, what happened and what to
 * do. {@link #status()} is the HTTP-like status (400 bad plan, 401 not authenticated, 403 denied by the target
 * policy, 413 too large, 429 over quota, 503 unreachable).
 */
public final class AgentException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public AgentException(int status, String message) {
        super(message);
        this.status = status;
    }

    public AgentException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
