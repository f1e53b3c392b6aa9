package io.pathprobe.ticket.agent;

/**
 * An agent refused a request or could not be reached: the message says which agent, what happened and what to
 * do. {@link #status()} is the HTTP-like status (400 bad plan, 401 not authenticated, 403 denied by the target
 * policy, 413 too large, 429 over quota, 503 unreachable).
 */
public final class AgentException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final long retryAfterSeconds;

    public AgentException(int status, String message) {
        this(status, message, -1);
    }

    /** A refusal that may succeed when retried after {@code retryAfterSeconds} (429), or -1. */
    public AgentException(int status, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public AgentException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryAfterSeconds = -1;
    }

    public int status() {
        return status;
    }

    /** Seconds after which a retry may succeed, or -1 when retrying the same request cannot. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
