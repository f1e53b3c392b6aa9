package io.pathprobe.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The typed attributes of one outcome, in the order the prober put them (codecs write them in that order). Immutable;
 * attributes without a value are absent. Equal when they hold the same attributes and values, in any order.
 */
public final class OutcomeAttributes {
    /** No attributes. */
    public static final OutcomeAttributes EMPTY = new OutcomeAttributes(Map.of());

    private final Map<OutcomeAttribute<?>, Object> values;

    private OutcomeAttributes(Map<OutcomeAttribute<?>, Object> values) {
        this.values = values;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Attributes from flat keys and scalar values, as a codec reads them: each becomes the attribute of its key and
     * value type ({@link OutcomeAttribute} equality is by key and type).
     *
     * @throws IllegalArgumentException naming a key whose value is no scalar, or that is no attribute key
     */
    public static OutcomeAttributes fromKeys(Map<String, ?> flat) {
        Builder b = builder();
        flat.forEach((k, v) -> {
            if (v != null) {
                b.putUnchecked(OutcomeAttribute.forValue(k, v), v);
            }
        });
        return b.build();
    }

    /** The value, or {@code null} when absent. */
    public <T> T get(OutcomeAttribute<T> attribute) {
        return attribute.type().cast(values.get(attribute));
    }

    /** The value, or {@code otherwise} when absent. */
    public <T> T getOr(OutcomeAttribute<T> attribute, T otherwise) {
        T v = get(attribute);
        return v == null ? otherwise : v;
    }

    /** Each attribute and its value, in order. */
    public void forEach(BiConsumer<OutcomeAttribute<?>, Object> action) {
        values.forEach(action);
    }

    /** Keys to values, in order, as a JSON codec writes them. */
    public Map<String, Object> byKey() {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((a, v) -> m.put(a.key(), v));
        return Collections.unmodifiableMap(m);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public int size() {
        return values.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutcomeAttributes a && a.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return byKey().toString();
    }

    /** Builds attributes; a {@code null} value leaves the attribute out. */
    public static final class Builder {
        private final Map<OutcomeAttribute<?>, Object> values = new LinkedHashMap<>();

        private Builder() {
        }

        public <T> Builder put(OutcomeAttribute<T> attribute, T value) {
            return putUnchecked(Objects.requireNonNull(attribute, "attribute"), value);
        }

        /** The errno attributes of {@code cause}, when not null. */
        public Builder cause(ErrnoCause cause) {
            if (cause != null) {
                put(OutcomeAttribute.ERRNO, cause.errno());
                put(OutcomeAttribute.ERRNO_NAME, cause.name());
                put(OutcomeAttribute.ERRNO_MESSAGE, cause.message());
            }
            return this;
        }

        private Builder putUnchecked(OutcomeAttribute<?> attribute, Object value) {
            if (value != null) {
                values.put(attribute, attribute.type().cast(value));
            }
            return this;
        }

        public OutcomeAttributes build() {
            return values.isEmpty() ? EMPTY : new OutcomeAttributes(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
        }
    }
}
