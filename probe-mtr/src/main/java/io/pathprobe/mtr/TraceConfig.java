package io.pathprobe.mtr;

import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.core.Checks;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Tracer} does, with mtr's options and defaults: {@code -c} count (10, as {@code mtr -r}), {@code -i}
 * interval (1 s), {@code -f} first TTL (1), {@code -m} max TTL (30), {@code -Z} probe timeout (2 s), {@code -s}
 * packet size (64 bytes, IP header included), {@code -Q} TOS, {@code -P} port, {@code --tcp}/{@code --udp}; plus
 * {@code --paths N} and a duration. Immutable; build with {@link #builder(String)}. Bad values throw
 * {@link IllegalArgumentException} saying what is allowed.
 *
 * <h2>Flows (Paris traceroute) per mode</h2>
 * <ul>
 *   <li><b>UDP</b>: flow i leaves from source port {@link #sourcePort()} + i (bound), to the fixed destination port,
 *       so every probe of a flow has one 5-tuple and follows one load-balanced path; {@code --paths N} probes N
 *       flows, each with its own statistics.</li>
 *   <li><b>ICMP</b> over IPv4: flow i holds the echo checksum 0x8000 + i (the payload is steered to make it come
 *       out), for routers that hash the start of the ICMP header. Over IPv6 the kernel computes the checksum, so
 *       only one flow (whatever checksum each probe gets) and {@code --paths} above 1 is refused. Routers hashing
 *       on addresses and protocol only (Linux with {@code fib_multipath_hash_policy=1} for ICMP) send all ICMP
 *       flows one way.</li>
 *   <li><b>TCP</b>: like {@code mtr --tcp}, every probe is a {@code connect()} from a <em>kernel-chosen source
 *       port</em>: the TTLs of a round run concurrently, and concurrent connect() sockets cannot share one
 *       source port. TCP mode therefore neither holds nor varies a flow; behind a load balancer hashing on ports,
 *       its hops may mix paths (a hop then lists several addresses). {@code --paths} above 1 is refused with a
 *       pointer to UDP or ICMP mode. Its RTTs end when the event loop handles the connect's result, not at the
 *       packet's arrival, so they include event-loop delays (notably in a JVM's first seconds).</li>
 * </ul>
 */
public final class TraceConfig {
    /** mtr's default TCP port ({@code -P}). */
    public static final int DEFAULT_TCP_PORT = 80;
    /** traceroute's first UDP port. */
    public static final int DEFAULT_UDP_PORT = 33434;
    /** Source ports of flows start here for UDP/TCP, one per flow (Paris: one fixed port). */
    public static final int DEFAULT_SOURCE_PORT = 41000;
    /** Most flows {@code --paths} may probe. */
    public static final int MAX_PATHS = 64;

    private final String host;
    private final InetAddress address;
    private final ProbeMode mode;
    private final int port;
    private final long count;
    private final Duration interval;
    private final Duration duration;
    private final int firstTtl;
    private final int maxTtl;
    private final Duration timeout;
    private final int packetSize;
    private final int tos;
    private final int paths;
    private final int sourcePort;
    private final VantagePoint vantagePoint;
    private final String sourceLabel;

    private TraceConfig(Builder b) {
        host = b.host;
        address = b.address;
        mode = b.mode;
        port = b.port != 0 ? b.port : mode == ProbeMode.TCP ? DEFAULT_TCP_PORT : mode == ProbeMode.UDP ? DEFAULT_UDP_PORT : 0;
        count = b.count;
        interval = b.interval;
        duration = b.duration;
        firstTtl = b.firstTtl;
        maxTtl = b.maxTtl;
        timeout = b.timeout;
        packetSize = b.packetSize;
        tos = b.tos;
        paths = b.paths;
        sourcePort = b.sourcePort;
        vantagePoint = b.vantagePoint;
        sourceLabel = b.sourceLabel;
    }

    /** A builder for a trace to {@code host} (a name or an address literal). */
    public static Builder builder(String host) {
        return new Builder().target(host);
    }

    /** A builder for a trace to {@code address}. */
    public static Builder builder(InetAddress address) {
        return new Builder().target(address);
    }

    public String host() {
        return host;
    }

    /** The target address if given, else {@code null} (resolved when the trace starts). */
    public InetAddress address() {
        return address;
    }

    public ProbeMode mode() {
        return mode;
    }

    /** Destination port (UDP/TCP), 0 for ICMP. */
    public int port() {
        return port;
    }

    /** Rounds to send; 0 = until {@link Tracer#stop()} or the duration ends. */
    public long count() {
        return count;
    }

    public Duration interval() {
        return interval;
    }

    /** How long to run at most; {@link Duration#ZERO} = no limit. */
    public Duration duration() {
        return duration;
    }

    public int firstTtl() {
        return firstTtl;
    }

    public int maxTtl() {
        return maxTtl;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Probe packet size in bytes, IP header included (mtr's {@code -s}). */
    public int packetSize() {
        return packetSize;
    }

    /** TOS / traffic class, -1 = system default. */
    public int tos() {
        return tos;
    }

    /** Flow identifiers probed per TTL: 1 = Paris mode. */
    public int paths() {
        return paths;
    }

    /** First source port of the UDP/TCP flows (flow i uses this + i). */
    public int sourcePort() {
        return sourcePort;
    }

    public VantagePoint vantagePoint() {
        return vantagePoint;
    }

    /** The name shown after {@code HOST:}; by default the local host name. */
    public String sourceLabel() {
        return sourceLabel;
    }

    /** Builds a {@link TraceConfig}. */
    public static final class Builder {
        private String host;
        private InetAddress address;
        private ProbeMode mode = ProbeMode.ICMP;
        private int port;
        private long count = 10;
        private Duration interval = Duration.ofSeconds(1);
        private Duration duration = Duration.ZERO;
        private int firstTtl = 1;
        private int maxTtl = 30;
        private Duration timeout = ProbeRequest.DEFAULT_TIMEOUT;
        private int packetSize = 64;
        private int tos = -1;
        private int paths = 1;
        private int sourcePort = DEFAULT_SOURCE_PORT;
        private VantagePoint vantagePoint = VantagePoint.local();
        private String sourceLabel;

        private Builder() {
        }

        public Builder target(String host) {
            this.host = Checks.host(host);
            this.address = null;
            return this;
        }

        public Builder target(InetAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            this.host = address.getHostAddress();
            return this;
        }

        public Builder mode(ProbeMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Destination port for UDP/TCP ({@code -P}); default 80 for TCP, 33434 for UDP. */
        public Builder port(int port) {
            this.port = Checks.port(port);
            return this;
        }

        /** Rounds ({@code -c}); 0 = no limit. */
        public Builder count(long count) {
            if (count < 0) {
                throw new IllegalArgumentException("count " + count + " must be 0 (no limit) or positive");
            }
            this.count = count;
            return this;
        }

        /** Time between the starts of rounds ({@code -i}). */
        public Builder interval(Duration interval) {
            this.interval = Checks.positive(interval, "interval");
            return this;
        }

        /** Longest run time; {@link Duration#ZERO} = no limit. */
        public Builder duration(Duration duration) {
            if (duration == null || duration.isNegative()) {
                throw new IllegalArgumentException("duration must be zero (no limit) or positive, was " + duration);
            }
            this.duration = duration;
            return this;
        }

        /** First TTL ({@code -f}), 1 to 255. */
        public Builder firstTtl(int ttl) {
            this.firstTtl = Checks.ttl(ttl, "first TTL");
            return this;
        }

        /** Max TTL ({@code -m}), 1 to 255. */
        public Builder maxTtl(int ttl) {
            this.maxTtl = Checks.ttl(ttl, "max TTL");
            return this;
        }

        /**
         * How long each probe waits for an answer ({@code -Z}); in TCP mode at most {@link Tracer#TCP_ONE_SYN},
         * so that the kernel's SYN retransmission never turns a lost probe into an answered one.
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.positive(timeout, "timeout");
            return this;
        }

        /** Packet size in bytes including IP and ICMP/UDP headers ({@code -s}); 28 (IPv4 headers only) to 9000. */
        public Builder packetSize(int size) {
            this.packetSize = Checks.range(size, 28, 9000, "packet size", " bytes");
            return this;
        }

        /** TOS / traffic class ({@code -Q}), 0 to 255. */
        public Builder tos(int tos) {
            this.tos = Checks.range(tos, 0, 255, "TOS");
            return this;
        }

        /** Flows to probe per TTL ({@code --paths N}): 1 (Paris, the default) to {@value #MAX_PATHS}. */
        public Builder paths(int paths) {
            this.paths = Checks.range(paths, 1, MAX_PATHS, "paths");
            return this;
        }

        /** First source port of the UDP/TCP flows; flow i uses this + i. */
        public Builder sourcePort(int port) {
            this.sourcePort = Checks.range(port, 1, 65535 - MAX_PATHS, "source port");
            return this;
        }

        public Builder vantagePoint(VantagePoint vantagePoint) {
            this.vantagePoint = Objects.requireNonNull(vantagePoint, "vantagePoint");
            return this;
        }

        /** The name shown after {@code HOST:} (default: the local host name). */
        public Builder sourceLabel(String label) {
            this.sourceLabel = Objects.requireNonNull(label, "label");
            return this;
        }

        public TraceConfig build() {
            if (firstTtl > maxTtl) {
                throw new IllegalArgumentException("first TTL " + firstTtl + " is above max TTL " + maxTtl
                        + ": lower firstTtl or raise maxTtl");
            }
            return new TraceConfig(this);
        }
    }
}
