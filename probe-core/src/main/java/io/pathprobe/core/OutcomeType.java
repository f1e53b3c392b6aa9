package io.pathprobe.core;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The kind of a {@link ProbeOutcome}: its lower-case label used in output, JSON and metric tags, and its generic
 * {@link OutcomeCategory}. Open: the seven kinds of the core outcomes are constants here, and a prober module
 * declares its own with {@link #of(String, OutcomeCategory)} (e.g. {@code nxdomain}, an {@code ANSWERED} kind of
 * the DNS prober). One instance per label, so kinds compare with {@code ==}; each has a dense {@link #ordinal()}
 * for counting arrays.
 */
public final class OutcomeType {
    /** How many kinds one process may know: probers declare a handful each; events from elsewhere add no more. */
    static final int MAX_TYPES = 256;
    private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Map<String, OutcomeType> BY_LABEL = new ConcurrentHashMap<>();
    private static volatile OutcomeType[] all = new OutcomeType[0];

    /** An ICMP echo reply from the target ({@link ProbeOutcome.Reply}). */
    public static final OutcomeType REPLY = core("reply", OutcomeCategory.ANSWERED, Decoders::reply);
    /** A completed TCP handshake ({@link ProbeOutcome.Connected}). */
    public static final OutcomeType CONNECTED = core("connected", OutcomeCategory.ANSWERED, Decoders::connected);
    /** A TCP RST ({@link ProbeOutcome.Refused}). */
    public static final OutcomeType REFUSED = core("refused", OutcomeCategory.REFUSED, Decoders::refused);
    /** Nothing answered in time ({@link ProbeOutcome.TimedOut}). */
    public static final OutcomeType TIMED_OUT = core("timed-out", OutcomeCategory.NO_ANSWER, Decoders::timedOut);
    /** An ICMP Destination Unreachable or no route ({@link ProbeOutcome.Unreachable}). */
    public static final OutcomeType UNREACHABLE = core("unreachable", OutcomeCategory.PATH_ERROR, Decoders::unreachable);
    /** An ICMP Time Exceeded from a router ({@link ProbeOutcome.TtlExceeded}). */
    public static final OutcomeType TTL_EXCEEDED = core("ttl-exceeded", OutcomeCategory.PATH_ERROR, Decoders::ttlExceeded);
    /** A local problem ({@link ProbeOutcome.LocalError}). */
    public static final OutcomeType LOCAL_ERROR = core("local-error", OutcomeCategory.LOCAL_ERROR, Decoders::localError);

    /** Rebuilds an outcome of one kind from its serialised parts (the inverse of a codec's writing). */
    @FunctionalInterface
    public interface Decoder {
        /**
         * @throws IllegalArgumentException when the parts are not a valid outcome of this kind
         */
        ProbeOutcome decode(OutcomeType type, long rttNanos, InetAddress responder, OutcomeAttributes attributes,
                            String detail);
    }

    private final String label;
    private final OutcomeCategory category;
    private final int ordinal;
    private final boolean core;
    private final Decoder decoder;

    private OutcomeType(String label, OutcomeCategory category, int ordinal, boolean core, Decoder decoder) {
        this.label = label;
        this.category = category;
        this.ordinal = ordinal;
        this.core = core;
        this.decoder = decoder;
    }

    private static OutcomeType core(String label, OutcomeCategory category, Decoder decoder) {
        return register(label, category, true, decoder);
    }

    /**
     * The kind {@code label} of {@code category}, declared now if it is new; its outcomes decode as
     * {@link ProbeOutcome.Observed}.
     *
     * @throws IllegalArgumentException when the label is not 1 to 32 lower-case letters, digits and '-' starting with
     *                                  a letter, when it is declared with another category, or when too many kinds
     *                                  are declared
     */
    public static OutcomeType of(String label, OutcomeCategory category) {
        return of(label, category, null);
    }

    /**
     * As {@link #of(String, OutcomeCategory)}, with the decoder that rebuilds the prober's own outcome class from
     * events ({@code null}: {@link ProbeOutcome.Observed}).
     */
    public static OutcomeType of(String label, OutcomeCategory category, Decoder decoder) {
        OutcomeType t = BY_LABEL.get(Objects.requireNonNull(label, "label"));
        if (t == null) {
            t = register(label, category, false, decoder);
        }
        if (t.category != Objects.requireNonNull(category, "category")) {
            throw new IllegalArgumentException("outcome type '" + label + "' is " + t.category.label() + ", not "
                    + category.label() + ": a label names one kind");
        }
        return t;
    }

    private static synchronized OutcomeType register(String label, OutcomeCategory category, boolean core,
                                                     Decoder decoder) {
        OutcomeType t = BY_LABEL.get(label);
        if (t != null) {
            return t;
        }
        if (!LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("outcome type '" + label + "' is not a label: use 1 to 32 lower-case"
                    + " letters, digits and '-', starting with a letter");
        }
        if (all.length >= MAX_TYPES) {
            throw new IllegalArgumentException("outcome type '" + label + "' is one too many: at most " + MAX_TYPES
                    + " kinds are known to one process");
        }
        t = new OutcomeType(label, Objects.requireNonNull(category, "category"), all.length, core,
                decoder == null ? Decoders::observed : decoder);
        OutcomeType[] next = Arrays.copyOf(all, all.length + 1);
        next[t.ordinal] = t;
        all = next;
        BY_LABEL.put(label, t);
        return t;
    }

    /** The kind with this label, if one is declared. */
    public static Optional<OutcomeType> find(String label) {
        return Optional.ofNullable(label == null ? null : BY_LABEL.get(label));
    }

    /** Every kind declared so far, in {@link #ordinal()} order: the core ones first. */
    public static List<OutcomeType> values() {
        return List.of(all);
    }

    /** E.g. {@code "timed-out"}. */
    public String label() {
        return label;
    }

    /** The generic category. */
    public OutcomeCategory category() {
        return category;
    }

    /** A dense index from 0 in declaration order, for arrays of counts. */
    public int ordinal() {
        return ordinal;
    }

    /** Whether this is one of the seven kinds of the core outcome records (every reader knows them). */
    public boolean isCore() {
        return core;
    }

    /** Rebuilds an outcome of this kind from its serialised parts. */
    public ProbeOutcome decode(long rttNanos, InetAddress responder, OutcomeAttributes attributes, String detail) {
        return decoder.decode(this, rttNanos, responder, attributes == null ? OutcomeAttributes.EMPTY : attributes,
                detail);
    }

    @Override
    public String toString() {
        return label;
    }

    /** The decoders of the core records, the inverse of their {@link ProbeOutcome#attributes()}. */
    private static final class Decoders {
        private Decoders() {
        }

        static ProbeOutcome reply(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
            return new ProbeOutcome.Reply(rtt, need(t, from), a.getOr(OutcomeAttribute.REPLY_TTL, -1),
                    a.getOr(OutcomeAttribute.BYTES, 0));
        }

        static ProbeOutcome connected(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
            return new ProbeOutcome.Connected(rtt, need(t, from), a.getOr(OutcomeAttribute.SYN_RETRANSMITS, -1),
                    a.get(OutcomeAttribute.BANNER));
        }

        static ProbeOutcome refused(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
            return new ProbeOutcome.Refused(rtt, from, OutcomeAttribute.cause(a));
        }

        static ProbeOutcome timedOut(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
            Double ms = a.get(OutcomeAttribute.TIMEOUT_MS);
            return new ProbeOutcome.TimedOut(ms == null ? 0 : Math.round(ms * 1e6));
        }

        static ProbeOutcome unreachable(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
            return new ProbeOutcome.Unreachable(rtt, from, a.getOr(OutcomeAttribute.ICMP_TYPE, -1),
                    a.getOr(OutcomeAttribute.ICMP_CODE, -1), a.getOr(OutcomeAttribute.MTU, 0),
                    OutcomeAttribute.cause(a), a.getOr(OutcomeAttribute.REPLY_TTL, -1));
        }

        static ProbeOutcome ttlExceeded(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
            return new ProbeOutcome.TtlExceeded(rtt, need(t, from), a.getOr(OutcomeAttribute.ICMP_CODE, 0));
        }

        static ProbeOutcome localError(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
            String message = a.get(OutcomeAttribute.MESSAGE);
            return new ProbeOutcome.LocalError(message == null ? "local error" : message, OutcomeAttribute.cause(a));
        }

        static ProbeOutcome observed(OutcomeType t, long rtt, InetAddress from, OutcomeAttributes a, String d) {
            return new ProbeOutcome.Observed(t, rtt, from, a, d);
        }

        private static InetAddress need(OutcomeType t, InetAddress a) {
            if (a == null) {
                throw new IllegalArgumentException("a '" + t.label() + "' outcome needs a responder");
            }
            return a;
        }
    }
}
