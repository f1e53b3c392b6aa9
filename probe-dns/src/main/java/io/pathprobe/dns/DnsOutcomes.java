package io.pathprobe.dns;

import io.pathprobe.core.OutcomeAttribute;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.OutcomeType;

/**
 * What a {@code dns} probe finds, in the open outcome model: its own kinds and attributes, no change to core. A
 * response is one of the kinds below with the attributes {@link #RCODE}, {@link #ANSWERS} and {@link #AUTHORITATIVE};
 * silence is the core {@code timed-out}; an ICMP port unreachable (nothing listens) the core {@code refused}.
 */
public final class DnsOutcomes {
    /** NOERROR: the resolver answered (with {@link #ANSWERS} records, maybe none). */
    public static final OutcomeType NOERROR = OutcomeType.of("noerror", OutcomeCategory.ANSWERED);
    /** NXDOMAIN: the resolver answered that the name does not exist (it works: it answered). */
    public static final OutcomeType NXDOMAIN = OutcomeType.of("nxdomain", OutcomeCategory.ANSWERED);
    /** SERVFAIL: the resolver is up but could not get an answer from the servers behind it. */
    public static final OutcomeType SERVFAIL = OutcomeType.of("servfail", OutcomeCategory.PATH_ERROR);
    /** REFUSED: the resolver will not answer this client (an ACL, recursion not offered). */
    public static final OutcomeType DNS_REFUSED = OutcomeType.of("dns-refused", OutcomeCategory.REFUSED);
    /** Any other response code (FORMERR, NOTIMP, ...): {@link #RCODE} says which. */
    public static final OutcomeType DNS_ERROR = OutcomeType.of("dns-error", OutcomeCategory.PATH_ERROR);

    /** The response code's name, e.g. {@code NXDOMAIN}. */
    public static final OutcomeAttribute<String> RCODE = OutcomeAttribute.of("dns", "rcode", String.class);
    /** How many records the answer section holds. */
    public static final OutcomeAttribute<Integer> ANSWERS = OutcomeAttribute.of("dns", "answers", Integer.class);
    /** Whether the server answered authoritatively (the AA bit). */
    public static final OutcomeAttribute<Boolean> AUTHORITATIVE = OutcomeAttribute.of("dns", "authoritative",
            Boolean.class);

    private DnsOutcomes() {
    }
}
