package io.pathprobe.agent.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Looks up a DNS name's addresses for {@link TargetPolicy#resolve}. It is only ever given names that
 * {@link HostSyntax} accepted as names (never a literal or a numeric-looking string), once per request.
 */
@FunctionalInterface
public interface Resolver {
    /**
     * The name's addresses, in preference order.
     *
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String name) throws UnknownHostException;

    /** The JVM's resolver ({@link InetAddress#getAllByName}: the system's, subject to the JVM's DNS cache). */
    static Resolver system() {
        return name -> List.of(InetAddress.getAllByName(name));
    }
}
