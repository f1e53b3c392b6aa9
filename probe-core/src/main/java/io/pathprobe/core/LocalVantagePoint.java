package io.pathprobe.core;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The local host as a vantage point, optionally bound to a source address and/or an interface.
 *
 * @param sourceAddress the address to bind probes to
 * @param interfaceName the interface to bind probes to (SO_BINDTODEVICE)
 */
public record LocalVantagePoint(Optional<InetAddress> sourceAddress, Optional<String> interfaceName)
        implements VantagePoint {
    static final LocalVantagePoint DEFAULT = new LocalVantagePoint(Optional.empty(), Optional.empty());

    public LocalVantagePoint {
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        Objects.requireNonNull(interfaceName, "interfaceName");
        interfaceName.ifPresent(n -> {
            if (n.isEmpty() || n.length() > 15 || n.contains("/") || n.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("interface name '" + n
                        + "' is not valid: 1 to 15 characters, no spaces or '/' (see 'ip link')");
            }
        });
    }

    /**
     * The request's vantage point, for a prober that probes from this host only.
     *
     * @param kind the prober's kind, for the message
     * @throws IllegalArgumentException when the request names another vantage point
     */
    public static LocalVantagePoint required(ProbeRequest request, String kind) {
        if (request.vantagePoint() instanceof LocalVantagePoint local) {
            return local;
        }
        throw new IllegalArgumentException(kind + " probes run from the local host only, not from vantage point "
                + request.vantagePoint().id());
    }

    @Override
    public String id() {
        if (sourceAddress.isEmpty() && interfaceName.isEmpty()) {
            return "local";
        }
        StringBuilder sb = new StringBuilder();
        sourceAddress.ifPresent(a -> sb.append("src:").append(AddressText.of(a)));
        interfaceName.ifPresent(n -> sb.append(sb.length() > 0 ? "," : "").append("dev:").append(n));
        return sb.toString();
    }
}
