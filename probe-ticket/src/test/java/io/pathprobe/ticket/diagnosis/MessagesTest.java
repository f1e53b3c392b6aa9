package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.report.CheckState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks every key of both bundles: the same keys in each (none missing in Chinese, where the English would show
 * through silently), every value a valid MessageFormat pattern with the same arguments in both languages and no
 * stray apostrophe (MessageFormat would swallow the text after it), no key that the code never uses, and no
 * Chinese value left in English.
 */
class MessagesTest {
    private static final Pattern ARG = Pattern.compile("\\{(\\d+)[,}]");
    private static final Pattern LONE_QUOTE = Pattern.compile("(?<!')'(?!')");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    /** Keys whose Chinese text is rightly the same as the English: markers, patterns and technical names. */
    private static final Set<String> SAME_IN_BOTH = Set.of("literal", "checklist.present", "checklist.missing",
            "html.period", "html.fact.vip", "missing.ping", "html.th.p99");

    static Properties load(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream("/io/pathprobe/ticket/" + name)) {
            assertTrue(in != null, name + " is on the class path");
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    static Set<Integer> args(String pattern) {
        Set<Integer> out = new TreeSet<>();
        Matcher m = ARG.matcher(pattern);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    void bothBundlesHaveTheSameKeysAndConsistentPatterns() throws IOException {
        Properties en = load("messages.properties");
        Properties zh = load("messages_zh_CN.properties");
        Set<String> missing = new TreeSet<>(en.stringPropertyNames());
        missing.removeAll(zh.stringPropertyNames());
        Set<String> extra = new TreeSet<>(zh.stringPropertyNames());
        extra.removeAll(en.stringPropertyNames());
        assertEquals(Set.of(), missing, "keys without a Chinese text");
        assertEquals(Set.of(), extra, "Chinese keys without an English text");
        assertTrue(en.size() > 150, "the bundle holds the report's texts: " + en.size());
        List<String> untranslated = new ArrayList<>();
        for (String key : en.stringPropertyNames()) {
            String e = en.getProperty(key);
            String z = zh.getProperty(key);
            for (String[] v : List.of(new String[]{"en", e}, new String[]{"zh-CN", z})) {
                assertTrue(!LONE_QUOTE.matcher(v[1]).find(), v[0] + " " + key + ": a lone ' (write '') in " + v[1]);
                MessageFormat f = new MessageFormat(v[1], Locale.ROOT); // throws on a bad pattern
                Object[] a = new Object[10];
                for (int i = 0; i < a.length; i++) {
                    a[i] = "<A" + i + ">";
                }
                String out = f.format(a);
                for (int i : args(v[1])) {
                    assertTrue(out.contains("<A" + i + ">"), v[0] + " " + key + " loses argument " + i + ": " + out);
                }
            }
            assertEquals(args(e), args(z), key + ": the same arguments in both languages");
            if (e.equals(z) && !SAME_IN_BOTH.contains(key)) {
                untranslated.add(key);
            }
            // A Chinese text without Chinese characters holds English words only where they are names.
            if (z.codePoints().noneMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)) {
                Matcher w = Pattern.compile("[A-Za-z]{4,}").matcher(z);
                while (w.find()) {
                    assertTrue(SAME_IN_BOTH.contains(key) || !e.contains(w.group()),
                            key + " is not Chinese: " + z);
                }
            }
        }
        assertEquals(List.of(), untranslated, "Chinese texts the same as the English");
    }

    @Test
    void everyKeyIsUsedByTheCode() throws IOException {
        Set<String> literals = new HashSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = LITERAL.matcher(Files.readString(p));
                while (m.find()) {
                    literals.add(m.group(1));
                }
            }
        }
        // Parts of keys that come from enums rather than literals.
        Set<String> parts = new HashSet<>();
        for (String l : literals) {
            parts.add(l.replaceAll("^\\.+|\\.+$", ""));
        }
        Stream.of(Confidence.values()).forEach(c -> parts.add(c.label()));
        Stream.of(CheckState.values()).forEach(c -> parts.add(c.label()));
        Stream.of(BackendLoopRule.Identity.values()).forEach(c -> parts.add(c.name().toLowerCase(Locale.ROOT)));
        Stream.of(Cause.values()).forEach(c -> parts.add(c.id()));
        List<String> unused = new ArrayList<>();
        for (String key : load("messages.properties").stringPropertyNames()) {
            if (!used(key, literals, parts)) {
                unused.add(key);
            }
        }
        assertEquals(List.of(), unused, "keys no code asks for");
        assertTrue(!used("no-listener.summary.nowhere", literals, parts), "the check can fail");
    }

    /** The key is a literal, or a literal prefix followed by parts that are literals or enum values. */
    static boolean used(String key, Set<String> literals, Set<String> parts) {
        if (literals.contains(key)) {
            return true;
        }
        for (String p : literals) {
            if (p.isEmpty() || !key.startsWith(p) || key.length() == p.length()
                    || !(p.endsWith(".") || key.charAt(p.length()) == '.')) {
                continue;
            }
            String rest = key.substring(p.length()).replaceAll("^\\.", "");
            if (Stream.of(rest.split("\\.")).allMatch(parts::contains)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void languagesAreParsedAndChosenFromTheLocale() {
        assertEquals(Locale.SIMPLIFIED_CHINESE, Messages.locale("zh-CN"));
        assertEquals(Locale.SIMPLIFIED_CHINESE, Messages.locale("zh_cn"));
        assertEquals(Locale.ENGLISH, Messages.locale("en"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Messages.locale("fr"));
        assertEquals("language 'fr' is not known: use one of en, zh-CN", e.getMessage());
        assertEquals(Locale.SIMPLIFIED_CHINESE, Messages.supported(Locale.forLanguageTag("zh-TW")));
        assertEquals(Locale.ENGLISH, Messages.supported(Locale.GERMANY));
        // The English bundle is the base: a JVM whose default locale is Chinese still renders English for "en".
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.SIMPLIFIED_CHINESE);
            assertEquals("Next steps:", Messages.format(Locale.ENGLISH, "summary.next-steps"));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void textsRoundTripThroughJsonWithNestedArguments() throws Exception {
        Text t = Text.of("headline.cause", 4, Cause.CLIENT_PATH.titleText(), Confidence.HIGH.text());
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        Text back = mapper.readValue(mapper.writeValueAsString(t), Text.class);
        assertEquals(t, back);
        assertEquals("原因 4：客户端网络或运营商链路丢包（置信度：高）", back.render(Locale.SIMPLIFIED_CHINESE));
        assertEquals("Cause 4: Loss on the client's network or the carrier path (high confidence)", back.english());
    }

    @Test
    void englishCauseTitlesAreTheBundles() {
        for (Cause c : Cause.values()) {
            assertEquals(c.title(), c.titleText().english());
        }
    }
}
