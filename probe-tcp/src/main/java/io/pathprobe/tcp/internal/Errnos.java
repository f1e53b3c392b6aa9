package io.pathprobe.tcp.internal;

import io.netty.channel.unix.Errors;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.spi.NativeTerms;
import io.pathprobe.nativeio.SocketConstants;

import java.util.Arrays;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recovers the errno behind a connect failure from what the transports throw. Netty's epoll transport throws a
 * {@code ConnectException} whose message holds {@code error(-111)}, a {@code NativeIoException} carrying the
 * negative errno, or a message-less {@code NoRouteToHostException} (ENETUNREACH and EHOSTUNREACH alike); the JDK
 * (NIO) throws exceptions whose message is the C library's {@code strerror} text.
 */
final class Errnos {
    /** The errno values a connect() meets; their causes are made once, so a failed probe allocates none. */
    private static final int[] CANDIDATES = {
        SocketConstants.EPERM, SocketConstants.EAGAIN, SocketConstants.ENOMEM, SocketConstants.EACCES,
        19 /* ENODEV */, SocketConstants.EINVAL, 23 /* ENFILE */, 24 /* EMFILE */, SocketConstants.ENONET,
        SocketConstants.EPROTO, SocketConstants.ENOPROTOOPT, SocketConstants.EAFNOSUPPORT, SocketConstants.EADDRINUSE,
        SocketConstants.EADDRNOTAVAIL, SocketConstants.ENETDOWN, SocketConstants.ENETUNREACH,
        SocketConstants.ECONNRESET, SocketConstants.ENOBUFS, SocketConstants.ETIMEDOUT, SocketConstants.ECONNREFUSED,
        SocketConstants.EHOSTDOWN, SocketConstants.EHOSTUNREACH,
    };
    /** Candidate causes, longest text first so that "Too many open files in system" wins over its prefix. */
    private static final ErrnoCause[] KNOWN = Arrays.stream(CANDIDATES).mapToObj(NativeTerms::cause)
            .sorted(Comparator.comparingInt((ErrnoCause c) -> c.message().length()).reversed())
            .toArray(ErrnoCause[]::new);

    private static final Pattern NETTY_ERRNO = Pattern.compile("error\\((-?\\d+)\\)");
    private static final int MAX_DEPTH = 8;

    private Errnos() {
    }

    /** The cause for {@code errno} (positive). */
    static ErrnoCause cause(int errno) {
        for (ErrnoCause k : KNOWN) {
            if (k.errno() == errno) {
                return k;
            }
        }
        return NativeTerms.cause(errno);
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
            if (t instanceof io.pathprobe.nativeio.NativeIoException) {
                return cause(((io.pathprobe.nativeio.NativeIoException) t).errno());
            }
            String msg = t.getMessage();
            if (msg == null) {
                continue;
            }
            Matcher m = NETTY_ERRNO.matcher(msg);
            if (m.find()) {
                return cause(Math.abs(Integer.parseInt(m.group(1))));
            }
            for (ErrnoCause k : KNOWN) {
                if (msg.contains(k.message())) {
                    return k;
                }
            }
        }
        return null;
    }
}
