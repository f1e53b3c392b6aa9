package io.pathprobe.cli;

import io.pathprobe.mtr.HopNames;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reverse DNS of hop addresses, as mtr has it: on unless {@code -n} (picocli mixin). */
final class DnsOptions {
    /** How long one PTR lookup may take, and how long the final report waits for those still under way. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Option(names = {"-n", "--no-dns"}, description = "Do not resolve hop addresses to names.")
    boolean noDns;

    @Option(names = {"-b", "--show-ips"}, description = "Show both the name and the address of each hop.")
    boolean showIps;

    @Option(names = "--name-server", paramLabel = "ADDR[:PORT]",
            description = "Ask this name server for hop names (repeatable; default: the system's, /etc/resolv.conf). "
                    + "IPv6 with a port: [ADDR]:PORT.")
    List<String> nameServers = new ArrayList<>();

    /**
     * The name-server addresses given; checked before anything is sent.
     *
     * @throws UsageException for one that is not an address (and port)
     */
    List<InetSocketAddress> servers() {
        if (noDns && !nameServers.isEmpty()) {
            throw new UsageException("--name-server and -n contradict each other: give one of them");
        }
        List<InetSocketAddress> list = new ArrayList<>();
        for (String s : nameServers) {
            list.add(HostResolver.socketAddress(s, 53, "--name-server"));
        }
        return list;
    }

    /** The resolver to use, or null with -n. Call after every other check: it may send queries from then on. */
    HopNames open(List<InetSocketAddress> servers) {
        if (noDns) {
            return null;
        }
        return servers.isEmpty() ? HopNames.platform(TIMEOUT) : HopNames.using(servers, TIMEOUT);
    }
}
