package io.pathprobe.core;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A typed, namespaced attribute of a {@link ProbeOutcome}, like Netty's {@code AttributeKey}: what one prober knows
 * beyond the generic fields (an ICMP code, a TCP prober's SYN retransmits, a DNS response code). It has a namespaced {@link #id()}
 * ({@code icmp.code}) and the flat {@link #key()} it has in JSON events ({@code icmpCode}); values are
 * {@code Integer}, {@code Double}, {@code String} or {@code Boolean}, the scalars a JSON codec carries without
 * loss, so an attribute read back from an event equals the one written. Two attributes with the same key and
 * value type are equal: the key is the identity on the wire.
 *
 * @param <T> the value type
 */
public final class OutcomeAttribute<T> {
    private static final Pattern KEY = Pattern.compile("[a-z][A-Za-z0-9]{0,39}");
    private static final Set<Class<?>> TYPES = Set.of(Integer.class, Double.class, String.class, Boolean.class);
    /** The generic fields of an event: no attribute may take their keys. */
    private static final Set<String> RESERVED = Set.of("eventSeq", "t", "ms", "vantage", "check", "port", "seq", "ttl",
            "outcome", "category", "rttMs", "responder", "detail");

    /** The TTL / hop limit with which an answer arrived. */
    public static final OutcomeAttribute<Integer> REPLY_TTL = keyed("ip.replyTtl", "replyTtl", Integer.class);
    /** ICMP (v4 or v6) type of an error. */
    public static final OutcomeAttribute<Integer> ICMP_TYPE = keyed("icmp.type", "icmpType", Integer.class);
    /** ICMP code of an error. */
    public static final OutcomeAttribute<Integer> ICMP_CODE = keyed("icmp.code", "icmpCode", Integer.class);
    /** Next-hop MTU of a "fragmentation needed" / "packet too big". */
    public static final OutcomeAttribute<Integer> MTU = keyed("icmp.mtu", "mtu", Integer.class);
    /** The errno of a failure ({@link ErrnoCause#errno()}). */
    public static final OutcomeAttribute<Integer> ERRNO = keyed("errno.number", "errno", Integer.class);
    /** The errno's symbolic name. */
    public static final OutcomeAttribute<String> ERRNO_NAME = keyed("errno.name", "errnoName", String.class);
    /** The errno's text. */
    public static final OutcomeAttribute<String> ERRNO_MESSAGE = keyed("errno.message", "errnoMessage", String.class);
    /** A local error's message. */
    public static final OutcomeAttribute<String> MESSAGE = keyed("local.message", "message", String.class);
    /** How long a probe that got no answer waited, in milliseconds. */
    public static final OutcomeAttribute<Double> TIMEOUT_MS = keyed("probe.timeoutMs", "timeoutMs", Double.class);

    private final String id;
    private final String key;
    private final Class<T> type;

    private OutcomeAttribute(String id, String key, Class<T> type) {
        this.id = id;
        this.key = key;
        this.type = type;
    }

    /**
     * An attribute {@code namespace.name} with the key {@code namespace + Name}, e.g. {@code of("dns", "rcode",
     * String.class)} is {@code dns.rcode}, key {@code dnsRcode}.
     */
    public static <T> OutcomeAttribute<T> of(String namespace, String name, Class<T> type) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an attribute needs a name");
        }
        return keyed(namespace + "." + name, namespace + Character.toUpperCase(name.charAt(0)) + name.substring(1), type);
    }

    /**
     * An attribute with the namespaced {@code id} and the JSON {@code key}.
     *
     * @throws IllegalArgumentException when the key is not camelCase (letters and digits, up to 40, starting with a
     *                                  lower-case letter), is one of an event's generic fields, or the type is not
     *                                  Integer, Double, String or Boolean
     */
    public static <T> OutcomeAttribute<T> keyed(String id, String key, Class<T> type) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("attribute key '" + key + "' is not camelCase letters and digits"
                    + " (at most 40, starting with a lower-case letter)");
        }
        if (RESERVED.contains(key)) {
            throw new IllegalArgumentException("attribute key '" + key + "' is a generic field of an outcome event;"
                    + " name the attribute after its prober (e.g. dnsRcode)");
        }
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("attribute " + id + " has type " + type.getSimpleName()
                    + ": use Integer, Double, String or Boolean, which JSON carries without loss");
        }
        return new OutcomeAttribute<>(id, key, type);
    }

    /**
     * The attribute a codec finds under {@code key} with a scalar {@code value} it does not know the declaration of.
     *
     * @throws IllegalArgumentException when the key or value is not one an attribute can have
     */
    static OutcomeAttribute<?> forValue(String key, Object value) {
        Class<?> type = value instanceof Integer ? Integer.class : value instanceof Double ? Double.class
                : value instanceof String ? String.class : value instanceof Boolean ? Boolean.class : null;
        if (type == null) {
            throw new IllegalArgumentException("attribute '" + key + "' has a value that is not an integer, a"
                    + " decimal, a string or a boolean: " + value);
        }
        return keyed(key, key, type);
    }

    /** The namespaced name, e.g. {@code icmp.code}. */
    public String id() {
        return id;
    }

    /** The flat key in JSON events, e.g. {@code icmpCode}. */
    public String key() {
        return key;
    }

    public Class<T> type() {
        return type;
    }

    /** The errno cause the {@link #ERRNO} attributes carry, or {@code null}. */
    public static ErrnoCause cause(OutcomeAttributes a) {
        Integer errno = a.get(ERRNO);
        String name = a.get(ERRNO_NAME);
        return errno == null && name == null ? null
                : new ErrnoCause(errno == null ? 0 : errno, name, a.get(ERRNO_MESSAGE));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutcomeAttribute<?> a && a.key.equals(key) && a.type == type;
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}
