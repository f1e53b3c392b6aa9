package io.pathprobe.tcp;

import io.pathprobe.core.ProbeOption;

import java.util.List;

/**
 * Options of {@code "tcp"} probes, set with {@link io.pathprobe.core.ProbeRequest.Builder#option}. TCP probes also
 * take the common {@link ProbeOption#TTL} (epoll transport only: NIO cannot set a TCP socket's TTL) and
 * {@link ProbeOption#TOS}.
 */
public final class TcpOptions {
    /**
     * Close each probe's connection with a RST ({@code SO_LINGER} 0) instead of a FIN. Default {@code true}.
     *
     * <p>Why: the side that closes a TCP connection first keeps it in TIME_WAIT for 60 s, holding its local port
     * for that pair of addresses. At thousands of probes per second towards one {@code host:port} a graceful close
     * would fill the ephemeral port range (about 28,000 ports by default) within seconds and later connects would
     * fail with EADDRNOTAVAIL. A RST leaves no TIME_WAIT on either side; the price is that the server sees a
     * connection reset instead of an orderly close (most servers log neither). Set {@code false} to behave
     * exactly like {@code telnet} quitting, for example towards a server that alarms on resets.
     */
    public static final ProbeOption<Boolean> ABORTIVE_CLOSE =
            new ProbeOption<>("abortive-close", Boolean.class, Boolean.TRUE, v -> true, "true or false");

    /**
     * Milliseconds to wait, after the handshake, for what the server sends first (an SSH, SMTP or FTP banner, as
     * {@code telnet} would show it); 0 (default) closes right after the handshake. The wait is not part of the
     * round-trip time and must end within the request's timeout.
     */
    public static final ProbeOption<Integer> BANNER_MILLIS =
            new ProbeOption<>("banner-millis", Integer.class, 0, v -> v >= 0 && v <= 60_000, "0 (no banner read) to 60000");

    /** Most banner bytes kept (the read ends when this many arrived); default 256. */
    public static final ProbeOption<Integer> BANNER_BYTES =
            new ProbeOption<>("banner-bytes", Integer.class, 256, v -> v >= 1 && v <= 65_536, "1 to 65536");

    /** Every option a tcp request may carry, the common ones included. */
    public static final List<ProbeOption<?>> ALL =
            List.of(ProbeOption.TTL, ProbeOption.TOS, ABORTIVE_CLOSE, BANNER_MILLIS, BANNER_BYTES);

    private TcpOptions() {
    }
}
