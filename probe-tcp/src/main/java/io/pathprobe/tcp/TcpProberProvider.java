package io.pathprobe.tcp;

import io.pathprobe.core.Availability;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.core.spi.ProberProvider;
import java.util.List;
import io.pathprobe.tcp.internal.TcpProber;

/**
 * The {@code "tcp"} prober: a TCP connect to {@code host:port}, what {@code telnet host port} tells a person.
 * Outcomes: {@link TcpConnected} (handshake time, SYN retransmits on epoll), core's {@code Refused} (RST),
 * {@code TimedOut} (silent drop), {@code Unreachable} (ICMP error, with the reporting router on epoll),
 * {@code TtlExceeded} (with {@link io.pathprobe.core.ProbeOption#TTL}), {@code LocalError}. Needs no privilege.
 * Options: {@link TcpOptions}.
 */
public final class TcpProberProvider implements ProberProvider {
    /** The kind name of TCP connect probes. */
    public static final String KIND = "tcp";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "TCP connect to host:port (like telnet/paping): connected, refused, timed out or unreachable";
    }

    @Override
    public Availability availability() {
        return Availability.ok(); // an ordinary connect() needs no privilege
    }

    @Override
    public List<OutcomeType> outcomeTypes() {
        return List.of(TcpConnected.TYPE);
    }

    @Override
    public Prober create(ProberContext context) {
        return new TcpProber(context);
    }
}
