package io.pathprobe.testkit;

/**
 * A lab could not be built or torn down: a command failed (the message holds its command line and stderr),
 * a wait timed out, or the namespaces could not be entered.
 */
public class NetLabException extends RuntimeException {
    public NetLabException(String message) {
        super(message);
    }

    public NetLabException(String message, Throwable cause) {
        super(message, cause);
    }
}
