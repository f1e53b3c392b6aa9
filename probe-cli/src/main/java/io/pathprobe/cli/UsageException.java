package io.pathprobe.cli;

/** Bad input found after parsing (a name that does not resolve, a bad port...): one line on stderr, exit 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }

    UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
