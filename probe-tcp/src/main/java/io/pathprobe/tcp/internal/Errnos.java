package io.pathprobe.tcp.internal;

import io.netty.channel.unix.Errors;
import io.pathprobe.core.ErrnoCause;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recovers the errno behind a connect failure from what the transports throw. Netty's epoll transport throws a
 * {@code ConnectException} whose message holds {@code error(-111)}, a {@code NativeIoException} carrying the
 * negative errno, or a message-less {@code NoRouteToHostException} (ENETUNREACH and EHOSTUNREACH alike); the JDK
 * (NIO) throws exceptions whose message is the C library's {@code strerror} text.
 */
final class Errnos {
    static final int EPERM = 1;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETDOWN = 100;
    static final int ENETUNREACH = 101;
    static final int ECONNRESET = 104;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTDOWN = 112;
    static final int EHOSTUNREACH = 113;

    private record Known(int errno, String name, String text) {
    }

    // Linux errno values a connect() meets, with glibc's strerror text (what the exception messages carry).
    private static final Known[] KNOWN = {
        new Known(EPERM, "EPERM", "Operation not permitted"),
        new Known(11, "EAGAIN", "Resource temporarily unavailable"),
        new Known(12, "ENOMEM", "Cannot allocate memory"),
        new Known(EACCES, "EACCES", "Permission denied"),
        new Known(ENODEV, "ENODEV", "No such device"),
        new Known(EINVAL, "EINVAL", "Invalid argument"),
        new Known(23, "ENFILE", "Too many open files in system"),
        new Known(24, "EMFILE", "Too many open files"),
        new Known(64, "ENONET", "Machine is not on the network"),
        new Known(71, "EPROTO", "Protocol error"),
        new Known(92, "ENOPROTOOPT", "Protocol not available"),
        new Known(97, "EAFNOSUPPORT", "Address family not supported by protocol"),
        new Known(98, "EADDRINUSE", "Address already in use"),
        new Known(EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address"),
        new Known(ENETDOWN, "ENETDOWN", "Network is down"),
        new Known(ENETUNREACH, "ENETUNREACH", "Network is unreachable"),
        new Known(ECONNRESET, "ECONNRESET", "Connection reset by peer"),
        new Known(105, "ENOBUFS", "No buffer space available"),
        new Known(ETIMEDOUT, "ETIMEDOUT", "Connection timed out"),
        new Known(ECONNREFUSED, "ECONNREFUSED", "Connection refused"),
        new Known(EHOSTDOWN, "EHOSTDOWN", "Host is down"),
        new Known(EHOSTUNREACH, "EHOSTUNREACH", "No route to host"),
    };

    private static final Pattern NETTY_ERRNO = Pattern.compile("error\\((-?\\d+)\\)");
    private static final int MAX_DEPTH = 8;

    private Errnos() {
    }

    /** The cause for {@code errno} (positive), named when it is one this table knows. */
    static ErrnoCause cause(int errno) {
        for (Known k : KNOWN) {
            if (k.errno == errno) {
                return new ErrnoCause(errno, k.name, k.text);
            }
        }
        return new ErrnoCause(errno, "", "errno " + errno);
    }

    /**
     * The errno-level cause of {@code failure} (or of an exception in its cause chain), or {@code null} when no
     * errno can be recovered from it.
     */
    static ErrnoCause of(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof Errors.NativeIoException) {
                return cause(-((Errors.NativeIoException) t).expectedErr());
            }
            String msg = t.getMessage();
            if (msg == null) {
                continue;
            }
            Matcher m = NETTY_ERRNO.matcher(msg);
            if (m.find()) {
                return cause(Math.abs(Integer.parseInt(m.group(1))));
            }
            for (Known k : KNOWN) {
                if (msg.contains(k.text)) {
                    return new ErrnoCause(k.errno, k.name, k.text);
                }
            }
        }
        return null;
    }
}
