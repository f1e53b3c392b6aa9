package io.pathprobe.core;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A typed option of a probe request, like Netty's {@code ChannelOption}: a name, a value type, a default and a
 * check of the value. Options common to several probers live here; each prober module declares its own
 * (for example {@code TcpOptions.BANNER_BYTES}).
 *
 * @param <T> the value type
 */
public final class ProbeOption<T> {
    /** Options made so far: the next one's index. First, so the constants below find it set. */
    private static final AtomicInteger COUNT = new AtomicInteger();

    /** IP TTL / IPv6 hop limit of outgoing probes; 0 means the system default. */
    public static final ProbeOption<Integer> TTL =
            new ProbeOption<>("ttl", Integer.class, 0, v -> v >= 0 && v <= 255, "0 (system default) to 255");
    /** IP TOS byte / IPv6 traffic class; -1 means the system default. */
    public static final ProbeOption<Integer> TOS =
            new ProbeOption<>("tos", Integer.class, -1, v -> v >= -1 && v <= 255, "0 to 255");

    private final String name;
    /** This option's slot in a request's values (probers read options per probe: an array, not a map lookup). */
    final int index = COUNT.getAndIncrement();
    private final Class<T> type;
    private final T defaultValue;
    private final Predicate<T> check;
    private final String allowed;

    /**
     * @param name         option name as users see it in error messages
     * @param type         value type
     * @param defaultValue value when the request does not set it
     * @param check        what values are allowed
     * @param allowed      the allowed values in words, for the error message
     */
    public ProbeOption(String name, Class<T> type, T defaultValue, Predicate<T> check, String allowed) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.check = Objects.requireNonNull(check, "check");
        this.allowed = Objects.requireNonNull(allowed, "allowed");
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** Returns the value if allowed, else throws {@link IllegalArgumentException} saying what is allowed. */
    public T validate(Object value) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("option " + name + " takes a " + type.getSimpleName() + ", not " + value);
        }
        T v = type.cast(value);
        if (!check.test(v)) {
            throw new IllegalArgumentException("option " + name + " = " + v + " is out of range: allowed " + allowed);
        }
        return v;
    }

    /**
     * The value written as {@code text} (for front ends that take options by name): an integer, a decimal,
     * {@code true}/{@code false} or a string, as the option's type is; checked as {@link #validate} checks.
     *
     * @throws IllegalArgumentException saying what was wrong and what is allowed
     */
    public T parse(String text) {
        Object v;
        try {
            if (type == Integer.class) {
                v = Integer.valueOf(text.trim());
            } else if (type == Long.class) {
                v = Long.valueOf(text.trim());
            } else if (type == Double.class) {
                v = Double.valueOf(text.trim());
            } else if (type == Boolean.class) {
                if (!text.equals("true") && !text.equals("false")) {
                    throw new IllegalArgumentException("option " + name + " takes true or false, not '" + text + "'");
                }
                v = Boolean.valueOf(text);
            } else if (type == String.class) {
                v = text;
            } else {
                throw new IllegalArgumentException("option " + name + " cannot be set from text");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + name + " takes a number, not '" + text + "': allowed "
                    + allowed, e);
        }
        return validate(v);
    }

    @Override
    public String toString() {
        return name;
    }
}
