package io.pathprobe.core;


import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One probe to send: which prober ({@link #kind()}), to which target and port, from which vantage point, with
 * what timeout and options. Immutable; build with {@link #builder(String)}. Values are checked when built, and a
 * bad value throws {@link IllegalArgumentException} naming the value and what is allowed.
 */
public final class ProbeRequest {
    /** Default time to wait for an answer, like ping's {@code -W} and mtr's {@code -Z}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final String kind;
    private final String host;
    private final InetAddress address;
    private final int port;
    private final Duration timeout;
    private final VantagePoint vantagePoint;
    private final Map<ProbeOption<?>, Object> options;
    /** The options' values by {@link ProbeOption#index} (null where unset), for {@link #option}. */
    private final Object[] values;

    private ProbeRequest(Builder b) {
        this.kind = b.kind;
        this.host = b.host;
        this.address = b.address;
        this.port = b.port;
        this.timeout = b.timeout;
        this.vantagePoint = b.vantagePoint;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        int n = 0;
        for (ProbeOption<?> o : b.options.keySet()) {
            n = Math.max(n, o.index + 1);
        }
        this.values = new Object[n];
        b.options.forEach((o, v) -> values[o.index] = v);
    }

    private ProbeRequest(ProbeRequest r, int port) {
        this.kind = r.kind;
        this.host = r.host;
        this.address = r.address;
        this.port = Checks.port(port);
        this.timeout = r.timeout;
        this.vantagePoint = r.vantagePoint;
        this.options = r.options; // immutable: shared
        this.values = r.values;
    }

    /**
     * This request to another port, sharing everything else (a port sweep makes one a port: without a builder and
     * a copy of the options each, 65,535 of them cost a few milliseconds rather than a JVM's first 0.1 s).
     */
    public ProbeRequest withPort(int port) {
        return port == this.port ? this : new ProbeRequest(this, port);
    }

    /** A builder for a request to the prober of {@code kind} (e.g. {@code "tcp"}, {@code "icmp"}). */
    public static Builder builder(String kind) {
        return new Builder(kind);
    }

    /** The prober kind, e.g. {@code "tcp"}. */
    public String kind() {
        return kind;
    }

    /** The target as the user gave it: a host name or an address literal. */
    public String host() {
        return host;
    }

    /** The target's address if already known, else {@code null} and the engine resolves {@link #host()}. */
    public InetAddress address() {
        return address;
    }

    /** Destination port, or 0 for probers without ports. */
    public int port() {
        return port;
    }

    public Duration timeout() {
        return timeout;
    }

    public VantagePoint vantagePoint() {
        return vantagePoint;
    }

    /** The option's value, or its default when unset. */
    @SuppressWarnings("unchecked") // validated against the option's type when set
    public <T> T option(ProbeOption<T> option) {
        int i = option.index;
        Object v = i < values.length ? values[i] : null;
        return v == null ? option.defaultValue() : (T) v;
    }

    /** The options set explicitly on this request. */
    public Map<ProbeOption<?>, Object> options() {
        return options;
    }

    /** A builder starting from this request's values, to make a variant (e.g. another port or TTL). */
    public Builder toBuilder() {
        Builder b = new Builder(kind);
        b.host = host;
        b.address = address;
        b.port = port;
        b.timeout = timeout;
        b.vantagePoint = vantagePoint;
        b.options.putAll(options);
        return b;
    }

    /** The target as {@code host} or {@code host:port}, IPv6 literals in brackets when a port follows. */
    public String targetLabel() {
        if (port == 0) {
            return host;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return kind + " " + targetLabel() + " from " + vantagePoint.id() + " timeout " + timeout.toMillis() + "ms"
                + (options.isEmpty() ? "" : " " + options);
    }

    /** Builds a {@link ProbeRequest}. */
    public static final class Builder {
        private final String kind;
        private String host;
        private InetAddress address;
        private int port;
        private Duration timeout = DEFAULT_TIMEOUT;
        private VantagePoint vantagePoint = VantagePoint.local();
        private final Map<ProbeOption<?>, Object> options = new LinkedHashMap<>();

        private Builder(String kind) {
            if (kind == null || kind.isBlank()) {
                throw new IllegalArgumentException("probe kind must be given, e.g. \"tcp\" or \"icmp\"");
            }
            this.kind = kind;
        }

        /** The target host name or address literal; resolved by the engine when the probe starts. */
        public Builder target(String host) {
            this.host = Checks.host(host);
            this.address = null;
            return this;
        }

        /** The target address (no resolution needed). */
        public Builder target(InetAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            this.host = address.getHostAddress();
            return this;
        }

        /** The target address, shown to users under the name {@code host}. */
        public Builder target(String host, InetAddress address) {
            target(address);
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            Checks.port(port);
            this.port = port;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Checks.positive(Objects.requireNonNull(timeout, "timeout"), "timeout");
            return this;
        }

        public Builder vantagePoint(VantagePoint vantagePoint) {
            this.vantagePoint = Objects.requireNonNull(vantagePoint, "vantagePoint");
            return this;
        }

        /** Sets an option; the value is checked now. */
        public <T> Builder option(ProbeOption<T> option, T value) {
            Objects.requireNonNull(option, "option");
            options.put(option, option.validate(value));
            return this;
        }

        public ProbeRequest build() {
            if (host == null) {
                throw new IllegalArgumentException("a target is required: call target(host) or target(address)");
            }
            return new ProbeRequest(this);
        }
    }
}
