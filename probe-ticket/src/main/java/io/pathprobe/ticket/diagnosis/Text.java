package io.pathprobe.ticket.diagnosis;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A sentence for people, kept language-neutral: a message key of the report's resource bundle and its arguments.
 * An argument is a literal (an address, a number, a port list: shown as it is in every language) or another
 * {@code Text} (a cause's title, a list of parts), rendered first in the same language. In {@code results.json} a
 * text is {@code {"key": ..., "args": [...]}}, so a report can be rendered again in another language.
 *
 * @param key  the message key (see {@link Messages})
 * @param args literals as strings, or nested texts
 */
public record Text(String key, List<Object> args) {
    public Text {
        Objects.requireNonNull(key, "key");
        List<Object> a = new ArrayList<>();
        for (Object o : args == null ? List.of() : args) {
            a.add(arg(o));
        }
        args = List.copyOf(a);
    }

    @JsonCreator
    static Text fromJson(@JsonProperty("key") String key, @JsonProperty("args") List<Object> args) {
        return new Text(key, args);
    }

    /** A text with literal arguments (numbers and addresses as {@link String#valueOf}) or nested texts. */
    public static Text of(String key, Object... args) {
        return new Text(key, List.of(args));
    }

    /**
     * The items joined by the list pattern {@code listKey} (a two-argument message such as {@code "{0}, {1}"}),
     * folded from the right; one item is itself. @throws IllegalArgumentException for no items
     */
    public static Text join(String listKey, List<Text> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("nothing to join");
        }
        Text t = items.get(items.size() - 1);
        for (int i = items.size() - 2; i >= 0; i--) {
            t = of(listKey, items.get(i), t);
        }
        return t;
    }

    /** The sentence in {@code locale} (English when the language is not one of {@link Messages#LANGUAGES}). */
    public String render(Locale locale) {
        Object[] values = new Object[args.size()];
        for (int i = 0; i < values.length; i++) {
            Object a = args.get(i);
            values[i] = a instanceof Text t ? t.render(locale) : a;
        }
        return Messages.format(locale, key, values);
    }

    /** The English sentence. */
    public String english() {
        return render(Locale.ENGLISH);
    }

    private static Object arg(Object o) {
        if (o instanceof Text) {
            return o;
        }
        if (o instanceof Map<?, ?> m && m.get("key") instanceof String k) { // a nested text read from JSON
            Object a = m.get("args");
            return new Text(k, a instanceof List<?> l ? new ArrayList<>(l) : List.of());
        }
        return String.valueOf(o);
    }
}
