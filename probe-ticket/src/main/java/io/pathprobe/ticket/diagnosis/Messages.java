package io.pathprobe.ticket.diagnosis;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The report's words in each language: the resource bundle {@value #BUNDLE} ({@code messages.properties}, English,
 * and {@code messages_zh_CN.properties}, Simplified Chinese), read as UTF-8. Every message is a
 * {@link MessageFormat} pattern (so a literal apostrophe is written {@code ''}); its arguments are literals
 * (addresses, numbers, ports, tool output) or other messages.
 */
public final class Messages {
    /** The bundle's base name. */
    public static final String BUNDLE = "io.pathprobe.ticket.messages";
    /** The languages there are texts for, as {@code --lang} takes them. */
    public static final List<String> LANGUAGES = List.of("en", "zh-CN");

    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private Messages() {
    }

    /**
     * The locale of a language tag from {@link #LANGUAGES} (case-insensitive, {@code zh_CN} too).
     *
     * @throws IllegalArgumentException for any other
     */
    public static Locale locale(String tag) {
        String t = tag == null ? "" : tag.trim().replace('_', '-');
        for (String l : LANGUAGES) {
            if (l.equalsIgnoreCase(t)) {
                return Locale.forLanguageTag(l);
            }
        }
        throw new IllegalArgumentException("language '" + tag + "' is not known: use one of "
                + String.join(", ", LANGUAGES));
    }

    /** The supported locale nearest to {@code l}: Simplified Chinese for any Chinese, else English. */
    public static Locale supported(Locale l) {
        return l != null && "zh".equals(l.getLanguage()) ? Locale.SIMPLIFIED_CHINESE : Locale.ENGLISH;
    }

    /** The bundle for a locale ({@link #supported} first); the English one never falls back to the JVM's locale. */
    public static ResourceBundle bundle(Locale l) {
        return ResourceBundle.getBundle(BUNDLE, supported(l), Messages.class.getClassLoader(), NO_FALLBACK);
    }

    /**
     * Formats message {@code key} in locale {@code l} with {@code args}.
     *
     * @throws MissingResourceException when the key is in neither bundle (a bug: a test walks every key)
     */
    public static String format(Locale l, String key, Object... args) {
        MessageFormat f = new MessageFormat(bundle(l).getString(key), supported(l));
        return f.format(args);
    }
}
