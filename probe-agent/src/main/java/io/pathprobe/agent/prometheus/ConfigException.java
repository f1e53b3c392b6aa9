package io.pathprobe.agent.prometheus;

/** The configuration file is wrong; the message is one line naming the file, the line and the key. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
