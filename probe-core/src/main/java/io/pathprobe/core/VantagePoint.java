package io.pathprobe.core;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Where probes are sent from. The first form is the local host, optionally bound to a source address or an
 * interface; other forms (a network namespace, a remote agent) implement this interface too, so requests
 * and statistics carry a vantage point without knowing which kind it is.
 */
public interface VantagePoint {
    /** A short stable identifier used in output and as a metric tag, e.g. {@code "local"}, {@code "src:10.0.0.2"}. */
    String id();

    /** The local host, with the kernel choosing source address and interface. */
    static LocalVantagePoint local() {
        return LocalVantagePoint.DEFAULT;
    }

    /** The local host, probes sent from {@code source} (bind before connect/send). */
    static LocalVantagePoint fromAddress(InetAddress source) {
        return new LocalVantagePoint(Optional.of(source), Optional.empty());
    }

    /** The local host, probes bound to interface {@code name} (SO_BINDTODEVICE where the transport supports it). */
    static LocalVantagePoint fromInterface(String name) {
        return new LocalVantagePoint(Optional.empty(), Optional.of(name));
    }
}
