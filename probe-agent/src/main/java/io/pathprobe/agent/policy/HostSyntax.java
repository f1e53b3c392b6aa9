package io.pathprobe.agent.policy;

import io.pathprobe.core.AddressText;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * Classifies a target host string from a request, without any lookup: an address literal, a DNS name to resolve,
 * or refused.
 * <ul>
 *   <li>A canonical IPv4 dotted quad (four decimal numbers 0-255, no leading zeros) or an IPv6 literal (RFC 4291
 *       text, with or without brackets; a trailing dotted quad must be canonical) is a {@link Literal}. An
 *       IPv4-mapped IPv6 literal is its IPv4 address. Zone ids ({@code fe80::1%eth0}) are refused.</li>
 *   <li>A string that ends in a number ({@code 127.1}, {@code 0177.0.0.1}, {@code 0x7f.1}, {@code 2130706433},
 *       {@code 127.0.0.01}, {@code 127.0.0.1.}, {@code example.123}) is refused: inet_aton and resolvers read such
 *       spellings (hex, octal, decimal, short forms) as real addresses, so they are never handed to one.</li>
 *   <li>Whitespace, control and non-ASCII characters (Unicode digits, IDN dots) and percent-encoding are refused:
 *       internationalised names must be given in their ASCII ({@code xn--}) form.</li>
 *   <li>Anything else must be a DNS name (letters, digits and hyphens; labels of 1 to 63 characters not starting or
 *       ending with a hyphen; at most 253 characters; one trailing dot allowed) and becomes a lower-case
 *       {@link Name}.</li>
 * </ul>
 */
public final class HostSyntax {
    private HostSyntax() {
    }

    /** A classified host: a {@link Literal} or a {@link Name}. */
    public sealed interface Host permits Literal, Name {
    }

    /** An address literal, canonical (IPv4-mapped IPv6 as IPv4). */
    public record Literal(InetAddress address) implements Host {
        /** @param address the address; not null */
        public Literal {
            Objects.requireNonNull(address, "address");
        }
    }

    /** A syntactically valid DNS name in lower case, to be resolved. */
    public record Name(String name) implements Host {
        /** @param name the name; not null */
        public Name {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Classifies {@code host}.
     *
     * @throws IllegalArgumentException saying what was wrong with the host and what to give instead
     */
    public static Host parse(String host) {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the target host is empty: give an IP address or a DNS name");
        }
        String q = Literals.quote(host);
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                throw refused(q, "contains whitespace or a control character: give the address or name alone");
            }
            if (c >= 0x80) {
                throw refused(q, Character.isDigit(c)
                        ? "contains non-ASCII digits: write an address as a canonical dotted quad in ASCII, e.g."
                                + " 192.0.2.10"
                        : "contains non-ASCII characters: give an internationalised name in its ASCII form"
                                + " (xn--...)");
            }
            if (c == '%') {
                throw refused(q, host.indexOf(':') >= 0
                        ? "has a zone id (%...): give a global IPv6 address without a zone"
                        : "is percent-encoded: decode it first");
            }
        }
        if (host.length() > 254) {
            throw refused(q, "is longer than a DNS name can be (253 characters)");
        }
        if (host.startsWith("[")) {
            byte[] b = host.endsWith("]") ? AddressText.ipv6Bytes(host.substring(1, host.length() - 1)) : null;
            if (b == null) {
                throw refused(q, "is not a bracketed IPv6 address: write e.g. [2001:db8::10] or 2001:db8::10,"
                        + " without a port");
            }
            return new Literal(Literals.address(b));
        }
        if (host.indexOf(':') >= 0) {
            byte[] b = AddressText.ipv6Bytes(host);
            if (b != null) {
                return new Literal(Literals.address(b));
            }
            throw refused(q, host.indexOf(':') == host.lastIndexOf(':')
                    ? "looks like host:port: give the host alone, the ports separately"
                    : "is not a valid IPv6 address");
        }
        byte[] v4 = AddressText.ipv4Bytes(host);
        if (v4 != null) {
            return new Literal(Literals.address(v4));
        }
        String bare = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String last = bare.substring(bare.lastIndexOf('.') + 1);
        if (last.matches("[0-9]+|0[xX][0-9a-fA-F]*")) {
            throw refused(q, "looks like a numeric address but is not a canonical dotted quad (four decimal numbers"
                    + " 0-255 without leading zeros or a trailing dot, e.g. 192.0.2.10); hex, octal, decimal and"
                    + " short spellings are refused, not guessed");
        }
        if (bare.length() > 253) {
            throw refused(q, "is longer than a DNS name can be (253 characters)");
        }
        for (String label : bare.split("\\.", -1)) {
            if (label.isEmpty()) {
                throw refused(q, "has an empty label (two dots in a row, or a leading dot): give a DNS name such as"
                        + " lb.example.com");
            }
            if (label.length() > 63) {
                throw refused(q, "has a label longer than 63 characters");
            }
            if (!label.matches("[A-Za-z0-9-]+")) {
                throw refused(q, "is neither an IP address nor a DNS name: names have letters, digits, hyphens"
                        + " and dots only");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw refused(q, "has a label starting or ending with a hyphen");
            }
        }
        return new Name(host.toLowerCase(Locale.ROOT));
    }

    private static IllegalArgumentException refused(String quoted, String why) {
        return new IllegalArgumentException("target host " + quoted + " " + why);
    }
}
