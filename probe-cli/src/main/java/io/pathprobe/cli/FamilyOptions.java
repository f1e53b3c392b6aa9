package io.pathprobe.cli;

import io.pathprobe.core.NameResolver;
import picocli.CommandLine.Option;

/** {@code -4}/{@code -6}: which address family a host name resolves to, as ping's (picocli mixin). */
final class FamilyOptions {
    @Option(names = "-4", description = "Use IPv4 addresses only.")
    boolean ipv4;

    @Option(names = "-6", description = "Use IPv6 addresses only.")
    boolean ipv6;

    /** The address family the user asked for. */
    NameResolver.Family family() {
        if (ipv4 && ipv6) {
            throw new UsageException("-4 and -6 contradict each other: give one of them");
        }
        return ipv4 ? NameResolver.Family.IPV4 : ipv6 ? NameResolver.Family.IPV6 : NameResolver.Family.ANY;
    }
}
