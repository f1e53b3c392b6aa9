package io.pathprobe.cli;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.IcmpCodes;
import io.pathprobe.core.ProbeOutcome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** fping's target lists ({@code -f}, {@code -g}) and its wording of ICMP errors. Pure: nothing is resolved here. */
final class FpingTargets {
    /** fping's names of the ICMP Destination Unreachable codes 0 to 15 (RFC 792, RFC 1812). */
    private static final String[] UNREACHABLE = {
        "ICMP Network Unreachable", "ICMP Host Unreachable", "ICMP Protocol Unreachable", "ICMP Port Unreachable",
        "ICMP Unreachable (Fragmentation Needed)", "ICMP Unreachable (Source Route Failed)",
        "ICMP Unreachable (Destination Network Unknown)", "ICMP Unreachable (Destination Host Unknown)",
        "ICMP Unreachable (Source Host Isolated)", "ICMP Unreachable (Communication with Network Prohibited)",
        "ICMP Unreachable (Communication with Host Prohibited)",
        "ICMP Unreachable (Network Unreachable For Type Of Service)",
        "ICMP Unreachable (Host Unreachable For Type Of Service)",
        "ICMP Unreachable (Communication Administratively Prohibited)",
        "ICMP Unreachable (Host Precedence Violation)", "ICMP Unreachable (Precedence cutoff in effect)",
    };

    private FpingTargets() {
    }

    /**
     * The targets in file {@code name} ({@code -} for stdin), as {@link #parseList} reads them.
     *
     * @param flag the option that named the file, for the messages (fping's {@code -f}, mtr's {@code -F})
     * @throws UsageException when the file cannot be read
     */
    static List<String> readFile(String flag, String name) {
        try (Reader r = name.equals("-")
                ? new InputStreamReader(System.in, Charset.defaultCharset())
                : Files.newBufferedReader(Path.of(name))) {
            return parseList(new BufferedReader(r).lines().toList());
        } catch (NoSuchFileException e) {
            throw new UsageException(flag + " " + name + ": no such file: give a file of targets, one a line", e);
        } catch (IOException | UncheckedIOException e) {
            throw new UsageException(flag + " " + name + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    /** The targets of a {@code -f} file: one a line, blank lines and lines starting with {@code #} left out. */
    static List<String> parseList(List<String> lines) {
        List<String> hosts = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            int space = t.indexOf(' ');
            String host = space >= 0 ? t.substring(0, space) : t; // fping takes the first word of a line
            if (!host.isEmpty() && !host.startsWith("#")) {
                hosts.add(host);
            }
        }
        return hosts;
    }

    /**
     * The targets {@code -g} generates from its arguments: one CIDR range (as {@link PingTargets#expand}), or a
     * first and a last IPv4 address, both included.
     *
     * @throws UsageException when the arguments are neither, or name more than {@code max} addresses
     */
    static List<String> generate(List<String> args, long max) {
        if (args.size() == 1 && args.get(0).contains("/")) {
            return PingTargets.expand(args, max);
        }
        if (args.size() != 2) {
            throw new UsageException("-g takes one CIDR range (10.0.0.0/24) or a first and a last address "
                    + "(10.0.0.1 10.0.0.254), got " + args.size() + " arguments");
        }
        long first = ipv4(args.get(0));
        long last = ipv4(args.get(1));
        if (last < first) {
            throw new UsageException("-g " + args.get(0) + " " + args.get(1) + ": the last address comes before the "
                    + "first: give the lower one first");
        }
        if (last - first + 1 > max) {
            throw new UsageException("-g " + args.get(0) + " " + args.get(1) + " is " + (last - first + 1)
                    + " addresses, more than " + max + ": narrow the range");
        }
        List<String> hosts = new ArrayList<>();
        for (long a = first; a <= last; a++) {
            hosts.add((a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255));
        }
        return hosts;
    }

    private static long ipv4(String text) {
        String t = text.trim();
        byte[] b = AddressText.ipv4Bytes(t);
        if (b == null) {
            throw new UsageException("-g '" + t + "' is not an IPv4 address: give e.g. -g 10.0.0.1 10.0.0.254");
        }
        return ((b[0] & 255L) << 24) | ((b[1] & 255L) << 16) | ((b[2] & 255L) << 8) | (b[3] & 255L);
    }

    /** fping's warning for an ICMP error: {@code ICMP Host Unreachable from 10.0.0.1 for ICMP Echo sent to HOST}. */
    static String icmpError(ProbeOutcome o, String host) {
        String what;
        InetAddress from;
        if (o instanceof ProbeOutcome.Unreachable u) {
            from = u.responder();
            boolean v4 = u.icmpType() == IcmpCodes.ICMP_DEST_UNREACH;
            what = v4 && u.icmpCode() >= 0 && u.icmpCode() < UNREACHABLE.length ? UNREACHABLE[u.icmpCode()]
                    : v4 ? "ICMP Unreachable (Invalid Code)" : "ICMP Unreachable";
        } else if (o instanceof ProbeOutcome.TtlExceeded t) {
            from = t.responder();
            what = "ICMP Time Exceeded";
        } else {
            throw new IllegalArgumentException("not an ICMP error: " + o);
        }
        return what + " from " + (from != null ? AddressText.of(from) : "this host") + " for ICMP Echo sent to " + host;
    }
}
