package io.pathprobe.agent.policy;

import io.pathprobe.core.NameResolver;
import io.pathprobe.core.UnresolvedHostException;

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

    /**
     * The system's resolver through core's {@link NameResolver#system()} (the JVM's, subject to its DNS cache, and
     * bounded by the resolver's time limit): every address of either family, so that the policy checks them all.
     * A failure reads as the JVM's would ("NAME: reason").
     */
    static Resolver system() {
        return name -> {
            try {
                return NameResolver.system().resolveAllNow(name, NameResolver.Family.ANY);
            } catch (UnresolvedHostException e) {
                UnknownHostException u = new UnknownHostException(name + ": " + e.reason());
                u.initCause(e);
                throw u;
            }
        };
    }
}
