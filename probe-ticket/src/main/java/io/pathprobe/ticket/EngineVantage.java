package io.pathprobe.ticket;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.internal.nativeio.NetworkNamespaces;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A vantage point on this host, measured with a {@link ProbeEngine}: the host's own network stack, or a Linux
 * network namespace (an engine built with {@link ProbeEngine.Builder#networkNamespace(String)}), each optionally
 * bound to a source address or an interface.
 *
 * @param namespace the network namespace, or {@code null} for the host's own
 * @param point     the source address / interface binding inside it
 */
public record EngineVantage(String namespace, LocalVantagePoint point) implements TicketVantage {
    public EngineVantage {
        Objects.requireNonNull(point, "point");
        if (namespace != null) {
            NetworkNamespaces.path(namespace);
        }
    }

    public static EngineVantage local(LocalVantagePoint point) {
        return new EngineVantage(null, point);
    }

    public static EngineVantage namespace(String name, LocalVantagePoint point) {
        return new EngineVantage(Objects.requireNonNull(name, "namespace"), point);
    }

    @Override
    public String id() {
        if (namespace == null) {
            return point.id();
        }
        String inner = point.id();
        return "netns:" + namespace + (inner.equals("local") ? "" : "," + inner);
    }

    @Override
    public String kind() {
        return namespace == null ? "local" : "netns";
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        if (namespace != null) {
            d.put("namespace", namespace);
        }
        point.sourceAddress().ifPresent(a -> d.put("bound address", AddressText.of(a)));
        point.interfaceName().ifPresent(n -> d.put("interface", n));
        return d;
    }

    /** An engine builder set up for this vantage point. */
    ProbeEngine.Builder engineBuilder() {
        ProbeEngine.Builder b = ProbeEngine.builder();
        if (namespace != null) {
            b.networkNamespace(namespace).threads(1);
        }
        return b;
    }

    /** Runs a blocking task (a socket lookup, an HTTP request) inside this vantage point's network namespace. */
    <T> T callInside(Callable<T> task) throws Exception {
        return namespace == null ? task.call() : NetworkNamespaces.callInNamespace(namespace, task);
    }
}
