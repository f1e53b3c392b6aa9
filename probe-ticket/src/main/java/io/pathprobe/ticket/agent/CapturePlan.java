package io.pathprobe.ticket.agent;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.pathprobe.core.AddressText;
import io.pathprobe.core.Checks;
import io.pathprobe.ticket.internal.Addresses;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a vantage point measures, as data: the same plan runs on every {@link ProbeAgent} of a capture, so that
 * "only from here" can be told from "from everywhere". Immutable; JSON is its wire form (times in milliseconds).
 *
 * @param target          the target as the user gave it (a name or an address literal)
 * @param address         the address to probe, already resolved by the coordinator (so that every vantage point
 *                        probes the same VIP), or {@code null}: the agent resolves {@code target} once itself, in
 *                        {@code family}, and probes only the addresses it pinned then
 * @param family          {@code 0} any, {@code 4} or {@code 6}: which family a name resolves to
 * @param ports           the listener ports: a TCP connect check and a TCP-mode trace each
 * @param ping            whether to ping the target
 * @param traceModes      the MTR traces to run: {@code icmp} (one), {@code tcp} (one per port); empty for none
 * @param durationMs      how long to capture
 * @param pingIntervalMs  time between pings
 * @param tcpIntervalMs   time between TCP connects (per port)
 * @param traceIntervalMs time between trace rounds
 * @param timeoutMs       how long each probe waits for an answer
 * @param maxTtl          the highest TTL the traces probe
 * @param publicIpUrl     a URL whose body is the vantage point's public address, or {@code null}; only agents on
 *                        this host fetch it (a remote agent reports the public address it was configured with)
 */
public record CapturePlan(String target, String address, int family, List<Integer> ports, boolean ping,
                          List<String> traceModes, long durationMs, long pingIntervalMs, long tcpIntervalMs,
                          long traceIntervalMs, long timeoutMs, int maxTtl, URI publicIpUrl) {
    /** The trace modes a plan may name. */
    public static final List<String> TRACE_MODES = List.of("icmp", "tcp");

    public CapturePlan {
        target = Checks.host(target);
        if (address != null && Addresses.literal(address) == null) {
            throw new IllegalArgumentException("plan address '" + address + "' is not an IP address literal");
        }
        if (family != 0 && family != 4 && family != 6) {
            throw new IllegalArgumentException("plan family " + family + " is not known: use 0 (any), 4 or 6");
        }
        ports = ports == null ? List.of() : List.copyOf(new LinkedHashSet<>(ports));
        ports.forEach(Checks::port);
        traceModes = traceModes == null ? List.of() : List.copyOf(new LinkedHashSet<>(traceModes));
        for (String m : traceModes) {
            if (!TRACE_MODES.contains(m)) {
                throw new IllegalArgumentException("trace mode '" + m + "' is not known: use " + TRACE_MODES);
            }
        }
        if (!ping && ports.isEmpty()) {
            throw new IllegalArgumentException("a plan measures nothing without a port or the ping: give a port");
        }
        positive(durationMs, "duration");
        positive(pingIntervalMs, "ping interval");
        positive(tcpIntervalMs, "TCP interval");
        positive(traceIntervalMs, "trace interval");
        positive(timeoutMs, "timeout");
        Checks.ttl(maxTtl, "max TTL");
        if (publicIpUrl != null && !("http".equals(publicIpUrl.getScheme()) || "https".equals(publicIpUrl.getScheme()))) {
            throw new IllegalArgumentException("public IP URL " + publicIpUrl + " must be an http or https URL");
        }
    }

    private static void positive(long ms, String what) {
        if (ms <= 0) {
            throw new IllegalArgumentException(what + " must be positive, was " + ms + " ms");
        }
    }

    /** A plan for {@code target}, probed at {@code address} (resolved by the caller), or by name when null. */
    public static Builder builder(String target, InetAddress address) {
        return new Builder(target, address);
    }

    @JsonIgnore
    public Duration duration() {
        return Duration.ofMillis(durationMs);
    }

    @JsonIgnore
    public Duration timeout() {
        return Duration.ofMillis(timeoutMs);
    }

    /** The address to probe as an {@link InetAddress}, or {@code null} when the agent resolves the name. */
    @JsonIgnore
    public InetAddress resolvedAddress() {
        return address == null ? null : Addresses.literal(address);
    }

    /** The same plan probing {@code resolved} (an agent pins the address it resolved). */
    public CapturePlan pinnedTo(InetAddress resolved) {
        return new CapturePlan(target, AddressText.of(resolved), family, ports, ping, traceModes, durationMs,
                pingIntervalMs, tcpIntervalMs, traceIntervalMs, timeoutMs, maxTtl, publicIpUrl);
    }

    /** The same plan without the public IP URL (what a remote agent is sent). */
    public CapturePlan withoutPublicIpUrl() {
        return new CapturePlan(target, address, family, ports, ping, traceModes, durationMs, pingIntervalMs,
                tcpIntervalMs, traceIntervalMs, timeoutMs, maxTtl, null);
    }

    /** Probes a plan sends per second at most (pings, connects and trace probes): for quotas. */
    public double probesPerSecond() {
        double traces = 0;
        for (String m : traceModes) {
            traces += (m.equals("tcp") ? ports.size() : 1) * (double) maxTtl;
        }
        return (ping ? 1000.0 / pingIntervalMs : 0) + ports.size() * 1000.0 / tcpIntervalMs
                + traces * 1000.0 / traceIntervalMs;
    }

    /** Builds a {@link CapturePlan}; defaults: ping, ICMP and TCP traces, 10 minutes, 1 s intervals, 2 s timeout. */
    public static final class Builder {
        private final String target;
        private final InetAddress address;
        private int family;
        private List<Integer> ports = List.of();
        private boolean ping = true;
        private List<String> traceModes = TRACE_MODES;
        private Duration duration = Duration.ofMinutes(10);
        private Duration pingInterval = Duration.ofSeconds(1);
        private Duration tcpInterval = Duration.ofSeconds(1);
        private Duration traceInterval = Duration.ofSeconds(1);
        private Duration timeout = Duration.ofSeconds(2);
        private int maxTtl = 30;
        private URI publicIpUrl;

        private Builder(String target, InetAddress address) {
            this.target = Checks.host(target);
            this.address = address;
        }

        public Builder family(int family) {
            this.family = family;
            return this;
        }

        public Builder ports(List<Integer> ports) {
            this.ports = Objects.requireNonNull(ports, "ports");
            return this;
        }

        public Builder ping(boolean ping) {
            this.ping = ping;
            return this;
        }

        /** The MTR traces: {@code icmp}, {@code tcp}; an empty list for none. */
        public Builder traceModes(List<String> modes) {
            this.traceModes = Objects.requireNonNull(modes, "modes");
            return this;
        }

        public Builder duration(Duration d) {
            this.duration = Checks.positive(d, "duration");
            return this;
        }

        public Builder pingInterval(Duration d) {
            this.pingInterval = Checks.positive(d, "ping interval");
            return this;
        }

        public Builder tcpInterval(Duration d) {
            this.tcpInterval = Checks.positive(d, "TCP interval");
            return this;
        }

        public Builder traceInterval(Duration d) {
            this.traceInterval = Checks.positive(d, "trace interval");
            return this;
        }

        public Builder timeout(Duration d) {
            this.timeout = Checks.positive(d, "timeout");
            return this;
        }

        public Builder maxTtl(int ttl) {
            this.maxTtl = Checks.ttl(ttl, "max TTL");
            return this;
        }

        public Builder publicIpUrl(URI url) {
            this.publicIpUrl = url;
            return this;
        }

        public CapturePlan build() {
            return new CapturePlan(target, address == null ? null : AddressText.of(address), family, ports, ping,
                    traceModes, duration.toMillis(), pingInterval.toMillis(), tcpInterval.toMillis(),
                    traceInterval.toMillis(), timeout.toMillis(), maxTtl, publicIpUrl);
        }
    }
}
