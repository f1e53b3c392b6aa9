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
 * {@link OutcomeCategory}. Open: the five kinds of the generic outcomes are constants here, and a prober module
 * declares its own with {@link #of(String, OutcomeCategory)} (e.g. {@code nxdomain}, an {@code ANSWERED} kind of
 * the DNS prober) and names them in {@link io.pathprobe.core.spi.ProberProvider#outcomeTypes()}, so that a label
 * read from an event finds its kind (and decoder) before any of the prober's classes ran. One instance per label,
 * so kinds compare with {@code ==}; each has a dense {@link #ordinal()} for counting arrays.
 */
public final class OutcomeType {
    /** How many kinds one process may know: probers declare a handful each; events from elsewhere add no more. */
    static final int MAX_TYPES = 256;
    private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Map<String, OutcomeType> BY_LABEL = new ConcurrentHashMap<>();
    private static final Decoder OBSERVED = (t, rtt, from, a, d) -> new ProbeOutcome.Observed(t, rtt, from, a, d);
    private static volatile OutcomeType[] all = new OutcomeType[0];

    /** The target answered no ({@link ProbeOutcome.Refused}). */
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
    /** Set once: a kind first met in an event (declared without one) gets its prober's when the prober declares it. */
    private volatile Decoder decoder;

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
     * events ({@code null}: {@link ProbeOutcome.Observed}). A kind already declared without a decoder (met in an
     * event first) takes this one; one declared with a decoder keeps its first.
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
        if (decoder != null && t.decoder == OBSERVED) {
            synchronized (OutcomeType.class) {
                if (t.decoder == OBSERVED) {
                    t.decoder = decoder;
                }
            }
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
                decoder == null ? OBSERVED : decoder);
        OutcomeType[] next = Arrays.copyOf(all, all.length + 1);
        next[t.ordinal] = t;
        all = next;
        BY_LABEL.put(label, t);
        return t;
    }

    /**
     * The kind with this label, if one is declared; a label not declared yet is looked for once among the kinds of
     * the probers on the class path ({@link io.pathprobe.core.spi.ProberProvider#outcomeTypes()}).
     */
    public static Optional<OutcomeType> find(String label) {
        if (label == null) {
            return Optional.empty();
        }
        OutcomeType t = BY_LABEL.get(label);
        if (t == null) {
            ProberKinds.declare();
            t = BY_LABEL.get(label);
        }
        return Optional.ofNullable(t);
    }

    /** Every kind declared so far, in {@link #ordinal()} order: the core ones first. */
    public static List<OutcomeType> values() {
        return List.of(all);
    }

    /**
     * Every kind declared so far in the order outputs list them: by {@link OutcomeCategory} (answered first, local
     * errors last), then in declaration order. Unlike the declaration order, it does not depend on which prober's
     * classes happened to load first.
     */
    public static List<OutcomeType> inCategoryOrder() {
        OutcomeType[] sorted = all.clone();
        Arrays.sort(sorted, java.util.Comparator.comparing(OutcomeType::category).thenComparingInt(OutcomeType::ordinal));
        return List.of(sorted);
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

    /** Whether this is one of the five kinds of core's generic outcome records (every reader knows them). */
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

    /** The kinds the probers on the class path declare, looked up once, when a label is first not found. */
    private static final class ProberKinds {
        static {
            var providers = java.util.ServiceLoader.load(io.pathprobe.core.spi.ProberProvider.class,
                    OutcomeType.class.getClassLoader()).iterator();
            for (int i = 0; i < MAX_TYPES; i++) { // bounded: a provider list is short
                try {
                    if (!providers.hasNext()) {
                        break;
                    }
                    providers.next().outcomeTypes(); // naming them declares them
                } catch (java.util.ServiceConfigurationError | RuntimeException | LinkageError e) {
                    // A broken provider leaves its kinds unknown here (events then need their category); the
                    // engine reports the provider itself when it loads it.
                }
            }
        }

        private ProberKinds() {
        }

        /** Runs the look-up above on first use (class initialisation runs it once, and other threads wait for it). */
        static void declare() {
        }
    }

    /** The decoders of the core records, the inverse of their {@link ProbeOutcome#attributes()}. */
    private static final class Decoders {
        private Decoders() {
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

        private static InetAddress need(OutcomeType t, InetAddress a) {
            if (a == null) {
                throw new IllegalArgumentException("a '" + t.label() + "' outcome needs a responder");
            }
            return a;
        }
    }
}
