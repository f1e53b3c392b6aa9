package io.pathprobe.testkit;

import io.pathprobe.testkit.internal.Commands;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The nftables rules of one {@link Node}, kept in its own table {@code inet pathprobe} with four base chains
 * ({@link Chain}). Filter rules ({@link #dropTcpPort}, {@link #rejectTcpPort}, {@link #blockSource},
 * {@link #rejectAdminProhibited}) go into both the input and the forward chain, so they act the same on a host
 * (traffic to it) and on a router (traffic through it). Rules are appended in call order; methods return
 * {@code this} for chaining. No rule needs netem or conntrack.
 */
public final class Nft {
    /** The base chains of the table, named after their hooks. */
    public enum Chain {
        /** Every packet arriving from a link, before routing (and before a router's TTL check). */
        PREROUTING,
        /** Packets addressed to this node. */
        INPUT,
        /** Packets routed through this node (not those whose TTL expires here). */
        FORWARD,
        /** Packets this node sends, including the ICMP errors it generates. */
        OUTPUT;

        String nftName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final String TABLE = "inet pathprobe";
    private static final String ICMP_ERRORS = "{ destination-unreachable, time-exceeded, parameter-problem }";

    private final Node node;
    private boolean tableMade;

    Nft(Node node) {
        this.node = node;
    }

    /**
     * Drops {@code percent}% of the packets arriving at this node from any link, chosen at random
     * ({@code numgen random mod 100}), in both directions: a lossy link into this node. Hooked before routing, so
     * it hits forwarded packets, packets to the node, and probes whose TTL would expire here alike. IPv6
     * neighbour discovery is exempt (otherwise addresses would stop resolving).
     *
     * @param percent 0..100
     */
    public Nft dropRandomPercent(int percent) {
        return add(List.of(Chain.PREROUTING), randomDrop(percent));
    }

    /** The statement dropping {@code percent}% (nft refuses {@code < 100} after {@code mod 100}: 100 is all). */
    private static String randomDrop(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("drop percentage " + percent + " is outside 0..100");
        }
        return percent == 100 ? "drop" : "numgen random mod 100 < " + percent + " drop";
    }

    /**
     * As {@link #dropRandomPercent(int)}, for the packets to or from {@code peer} only: a path that loses the
     * traffic to one destination while other traffic through this node (e.g. an agent's control connection) is
     * left whole. A packet is judged once, whichever of the two addresses matches.
     *
     * @param percent 0..100
     */
    public Nft dropRandomPercent(int percent, InetAddress peer) {
        String drop = randomDrop(percent);
        String f = family(peer);
        String a = peer.getHostAddress();
        return add(List.of(Chain.PREROUTING), f + " daddr " + a + " " + drop)
                .add(List.of(Chain.PREROUTING), f + " saddr " + a + " " + drop);
    }

    /** Silently drops TCP to {@code port} (a firewall that drops: connects time out). */
    public Nft dropTcpPort(int port) {
        return filter("tcp dport " + checkPort(port) + " drop");
    }

    /** Rejects TCP to {@code port} with a TCP reset (connects are refused, as by a closed port). */
    public Nft rejectTcpPort(int port) {
        return filter("tcp dport " + checkPort(port) + " reject with tcp reset");
    }

    /** Silently drops everything from {@code source}. */
    public Nft blockSource(InetAddress source) {
        return filter(family(source) + " saddr " + source.getHostAddress() + " drop");
    }

    /**
     * Rejects packets to {@code destination} with ICMP "communication administratively prohibited"
     * (type 3 code 13; ICMPv6 type 1 code 1), sent by this node.
     */
    public Nft rejectAdminProhibited(InetAddress destination) {
        boolean v4 = destination instanceof Inet4Address;
        return filter((v4 ? "ip" : "ip6") + " daddr " + destination.getHostAddress()
                + (v4 ? " reject with icmp type admin-prohibited" : " reject with icmpv6 type admin-prohibited"));
    }

    /**
     * Limits the ICMP errors this node sends (destination unreachable, time exceeded, parameter problem; IPv4 and
     * IPv6 counted separately) to {@code perSecond} with a burst of {@code burst}: the rest are dropped, as by a
     * router that rate-limits ICMP generation. (Lab nodes have the kernel's own ICMP rate limits off, so this is
     * the only limit.) Rejections by nft rules of this node are ICMP errors too and count.
     */
    public Nft limitIcmpErrors(int perSecond, int burst) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("ICMP error limit " + perSecond + "/second burst " + burst
                    + " is not valid: both must be at least 1");
        }
        String limit = " limit rate over " + perSecond + "/second burst " + burst + " packets drop";
        add(List.of(Chain.OUTPUT), "icmp type " + ICMP_ERRORS + limit);
        return add(List.of(Chain.OUTPUT), "icmpv6 type " + ICMP_ERRORS + limit);
    }

    /**
     * Appends a rule in nft syntax (e.g. {@code "udp dport 53 drop"}) to {@code chain}. The escape hatch for
     * anything the other methods do not cover.
     *
     * @throws NetLabException when nft rejects it (the message holds nft's error)
     */
    public Nft rule(Chain chain, String rule) {
        Objects.requireNonNull(chain, "chain");
        if (Objects.requireNonNull(rule, "rule").isBlank() || rule.contains("\n") || rule.contains(";")) {
            throw new IllegalArgumentException("'" + rule + "' is not one nft rule (no newlines or ';')");
        }
        return add(List.of(chain), rule);
    }

    /**
     * Counts the packets that match {@code match} (nft syntax, e.g. {@code "ip daddr 10.0.0.9"}) in {@code chain},
     * without changing what happens to them; read the count with {@link #packets(String)}.
     *
     * @param name a label for the counter: letters, digits and '-'
     */
    public Nft count(Chain chain, String match, String name) {
        if (!name.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("counter name '" + name + "': letters, digits and '-' only");
        }
        return rule(chain, match + " counter comment \"" + name + "\"");
    }

    /** The packets counted so far by every rule named {@code name} (see {@link #count}). */
    public long packets(String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("packets (\\d+) bytes \\d+ comment \""
                + java.util.regex.Pattern.quote(name) + "\"").matcher(ruleset());
        long total = 0;
        boolean found = false;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalArgumentException("no counter named '" + name + "' in " + node.name() + "'s rules");
        }
        return total;
    }

    /** Removes every rule this object added (deletes the table). */
    public synchronized Nft flush() {
        if (tableMade) {
            apply("delete table " + TABLE + "\n");
            tableMade = false;
        }
        return this;
    }

    /** The table as {@code nft list table inet pathprobe} prints it (empty when no rule was added). */
    public synchronized String ruleset() {
        return tableMade ? node.exec(node.lab().nftPath(), "list", "table", "inet", "pathprobe") : "";
    }

    private Nft filter(String rule) {
        return add(List.of(Chain.INPUT, Chain.FORWARD), rule);
    }

    private synchronized Nft add(List<Chain> chains, String rule) {
        StringBuilder script = new StringBuilder();
        if (!tableMade) {
            script.append("add table ").append(TABLE).append('\n');
            for (Chain c : Chain.values()) {
                // Priority 0 ("filter") in every hook; the ND exemption below keeps IPv6 neighbours resolvable.
                script.append("add chain ").append(TABLE).append(' ').append(c.nftName()).append(" { type filter hook ")
                        .append(c.nftName()).append(" priority 0; policy accept; }\n");
            }
            script.append("add rule ").append(TABLE).append(" prerouting icmpv6 type { nd-neighbor-solicit,"
                    + " nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept\n");
        }
        for (Chain c : chains) {
            script.append("add rule ").append(TABLE).append(' ').append(c.nftName()).append(' ').append(rule)
                    .append('\n');
        }
        apply(script.toString());
        tableMade = true;
        return this;
    }

    private void apply(String script) {
        node.lab().checkOpen();
        List<String> cmd = new ArrayList<>(List.of(node.lab().ipPath(), "netns", "exec", node.namespace(),
                node.lab().nftPath(), "-f", "-"));
        CommandResult r = Commands.run(NetLab.COMMAND_TIMEOUT, script, cmd);
        if (!r.ok()) {
            throw new NetLabException("nft rejected rules for " + node.name() + " (" + r.commandLine() + "):\n"
                    + script + "stderr: " + r.stderr().strip());
        }
    }

    private static String family(InetAddress a) {
        return Objects.requireNonNull(a, "address") instanceof Inet4Address ? "ip" : "ip6";
    }

    private static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        return port;
    }
}
