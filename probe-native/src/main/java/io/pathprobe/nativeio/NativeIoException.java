package io.pathprobe.nativeio;

import java.io.IOException;

/**
 * A libc call failed. Checked (an {@link IOException}, like Netty's {@code Errors.NativeIoException}) so that
 * callers turn it into an outcome rather than let it escape. The message reads
 * {@code "operation: ENAME (text)"}, optionally followed by a hint, e.g.
 * {@code "bind 10.0.0.1:0: EADDRNOTAVAIL (Cannot assign requested address)"}.
 */
public final class NativeIoException extends IOException {
    private final int errno;
    private final String operation;

    public NativeIoException(String operation, int errno) {
        this(operation, errno, null);
    }

    /**
     * @param operation what was being done, e.g. "setsockopt IP_TTL"
     * @param errno     the positive errno value
     * @param hint      what a person can do about it, or null
     */
    public NativeIoException(String operation, int errno, String hint) {
        super(operation + ": " + NativeIo.errnoName(errno) + " (" + NativeIo.strerror(errno) + ")"
                + (hint == null ? "" : ": " + hint));
        this.errno = errno;
        this.operation = operation;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. "EPERM". */
    public String errnoName() {
        return NativeIo.errnoName(errno);
    }

    /** The platform's text for the errno, e.g. "Operation not permitted". */
    public String errnoText() {
        return NativeIo.strerror(errno);
    }

    /** What was being done when it failed. */
    public String operation() {
        return operation;
    }
}
