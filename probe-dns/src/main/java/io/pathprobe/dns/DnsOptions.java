package io.pathprobe.dns;

import io.pathprobe.core.ProbeOption;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The options of {@code dns} probes: what to ask the resolver. */
public final class DnsOptions {
    /** The query types a probe may ask. */
    static final Set<String> TYPES = Set.of("A", "AAAA", "NS", "SOA", "MX", "TXT", "CNAME", "PTR", "SRV", "CAA");
    private static final Pattern NAME_SYNTAX = Pattern.compile("(\\.|([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.)*"
            + "[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.?)");

    /** The name to ask for; default {@code .} (the root: every resolver has an answer for {@code . NS}). */
    public static final ProbeOption<String> NAME = new ProbeOption<>("name", String.class, ".",
            n -> n.length() <= 253 && NAME_SYNTAX.matcher(n).matches(), "a domain name such as example.com (at most 253"
            + " characters, labels of letters, digits, '-' and '_')");
    /** The query type; default {@code NS}. */
    public static final ProbeOption<String> TYPE = new ProbeOption<>("type", String.class, "NS",
            t -> TYPES.contains(t.toUpperCase(Locale.ROOT)), "one of " + String.join(", ", new java.util.TreeSet<>(TYPES)));
    /** Whether to ask for recursion (the RD bit); default true, as a stub resolver asks. */
    public static final ProbeOption<Boolean> RECURSION = new ProbeOption<>("recursion", Boolean.class, true,
            r -> true, "true or false");

    /** Every option {@code dns} probes take. */
    public static final List<ProbeOption<?>> ALL = List.of(NAME, TYPE, RECURSION);

    private DnsOptions() {
    }
}
