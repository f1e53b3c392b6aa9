package io.pathprobe.udp;

import io.pathprobe.core.Availability;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.core.spi.ProberProvider;
import io.pathprobe.core.spi.NativeTerms;
import io.pathprobe.udp.internal.UdpProber;

/**
 * The {@code "udp"} prober: traceroute-style UDP datagrams to a port, with a TTL. A router where the TTL runs out
 * answers Time Exceeded ({@code TtlExceeded}); the destination answers "port unreachable" when nothing listens on
 * the port (an {@code Unreachable} from the target: the trace's arrival, so probe a closed port, e.g. traceroute's
 * 33434). Works unprivileged: the answers are read from the socket's error queue ({@code IP_RECVERR} /
 * {@code IPV6_RECVERR}), which gives the reporting router and the quoted probe, matched by a key and a random token
 * in the payload. (A router that quotes only the 8 bytes of the UDP header, as pre-RFC 1812 routers may, cannot be
 * matched this way; its hop shows as silent.) Needs the epoll transport (Linux). Options: {@link UdpOptions}.
 */
public final class UdpProberProvider implements ProberProvider {
    /** The kind name requests use. */
    public static final String KIND = "udp";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "traceroute-style UDP probes to a port (unprivileged, via the socket error queue), IPv4 and IPv6";
    }

    @Override
    public Availability availability() {
        try {
            return NativeTerms.availability();
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("the native socket layer cannot be loaded: " + e,
                    new String[] {"run on Linux with a glibc or musl libc"});
        }
    }

    @Override
    public Prober create(ProberContext context) {
        return new UdpProber(context);
    }
}
