package io.pathprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The seams the module list and the package docs promise, checked over the source tree of every module (main and
 * test sources, the examples included): probe-core knows no prober and none of the native layer's internals,
 * probe-native knows nothing of pathprobe, nobody uses Netty's internal packages, and a module uses another
 * module's {@code internal} packages only where {@link #ALLOWED} says so, and why.
 *
 * <p>A check over sources rather than classes, so that it sees every module from here (probe-cli, the module that
 * depends on all the others, is only where it runs) and names the file. References are the imports and the fully
 * qualified names in code; comments and string literals do not count.
 */
class ModuleSeamsTest {
    /** One module's use of another module's internal class that is allowed for now. */
    record Allowance(String module, String type, String why) {
    }

    /**
     * Every cross-module use of an {@code internal} class that is allowed. Anything else fails; so does an entry
     * that nothing uses any more (then delete it).
     */
    static final List<Allowance> ALLOWED = List.of(
            // The engine's backpressure vocabulary: which errno is a local shortage (a probe the prober hands
            // back with ProbeCall.retryLater) and the "gave up" wording the CLI recognises. Prober-side SPI in
            // substance; it stays beside EngineCalls, its other user, until the SPI takes it.
            new Allowance("probe-icmp", "io.pathprobe.core.internal.ResourceLimits", "backpressure (retryLater)"),
            new Allowance("probe-tcp", "io.pathprobe.core.internal.ResourceLimits", "backpressure (retryLater)"),
            new Allowance("probe-udp", "io.pathprobe.core.internal.ResourceLimits", "backpressure (retryLater)"),
            new Allowance("probe-cli", "io.pathprobe.core.internal.ResourceLimits", "the 'gave up' error line"),
            // Reads net.ipv4.ping_group_range the way core reads its other /proc files.
            new Allowance("probe-icmp", "io.pathprobe.core.internal.ProcFiles", "ping_group_range"),
            // probe-fleet serves the agent's captures over NATS: a second transport of the same agent service,
            // sharing its insides (the service, the hosted capture, the TLS set-up) and the ticket's literals.
            new Allowance("probe-fleet", "io.pathprobe.agent.internal.AgentService", "the agent over NATS"),
            new Allowance("probe-fleet", "io.pathprobe.agent.internal.HostedCapture", "the agent over NATS"),
            new Allowance("probe-fleet", "io.pathprobe.agent.internal.Tls", "the agent over NATS"),
            new Allowance("probe-fleet", "io.pathprobe.ticket.internal.Addresses", "address literals of a job"));

    /** Packages probe-core must not know: the probers and MTR, which build on it. */
    static final List<String> PROBER_PACKAGES = List.of(
            "io.pathprobe.icmp", "io.pathprobe.tcp", "io.pathprobe.udp", "io.pathprobe.dns", "io.pathprobe.mtr");

    static final String NETTY_INTERNAL = "io.netty.util.internal";
    static final String NATIVE_INTERNAL = "io.pathprobe.nativeio.internal";

    @Test
    void theModulesKeepTheirSeams() {
        Path root = repositoryRoot();
        Map<String, List<Source>> modules = modules(root);
        // Not vacuous: the scan found the modules and their sources.
        assertTrue(modules.keySet().containsAll(List.of("probe-native", "probe-core", "probe-icmp", "probe-cli")),
                "modules found under " + root + ": " + modules.keySet());
        assertTrue(modules.values().stream().mapToInt(List::size).sum() > 200, "too few sources found under " + root);

        Set<String> used = new TreeSet<>();
        List<String> violations = violations(modules, ALLOWED, used);
        assertTrue(violations.isEmpty(), () -> "module seams broken:\n" + String.join("\n", violations));

        List<String> stale = ALLOWED.stream().map(a -> a.module() + " -> " + a.type())
                .filter(k -> !used.contains(k)).toList();
        assertTrue(stale.isEmpty(), () -> "allowances nothing uses any more; delete them from ModuleSeamsTest.ALLOWED: "
                + stale);
    }

    @Test
    void referencesAreImportsAndQualifiedNamesInCodeNotCommentsOrStrings() {
        String src = """
                package io.pathprobe.icmp.internal;

                import io.netty.util.internal.PlatformDependent;
                import static io.pathprobe.core.internal.ResourceLimits.isShortage;
                import io.pathprobe.core.internal.*;

                /** See {@link io.pathprobe.mtr.internal.Hidden}. */
                class X { // io.pathprobe.tcp.internal.Commented
                    String s = "io.pathprobe.udp.internal.InAString";
                    char c = '"';
                    Object o = new io.pathprobe.ticket.internal.Addresses.Inner();
                    /* io.pathprobe.dns.internal.Blocked */
                    String t = \"""
                        io.pathprobe.agent.internal.InATextBlock
                        \""";
                }
                """;
        assertEquals(List.of("io.netty.util.internal.PlatformDependent", "io.pathprobe.core.internal.ResourceLimits",
                "io.pathprobe.core.internal", "io.pathprobe.ticket.internal.Addresses"), references(src));
        assertEquals("io.pathprobe.icmp.internal", declaredPackage(src));
    }

    @Test
    void eachRuleFailsWhereItShould() {
        Map<String, List<Source>> modules = new TreeMap<>();
        modules.put("probe-native", List.of(
                source("probe-native", "io.pathprobe.nativeio", "import io.pathprobe.core.ErrnoCause;"),
                source("probe-native", "io.pathprobe.nativeio.internal", "")));
        modules.put("probe-core", List.of(
                source("probe-core", "io.pathprobe.core.internal", "import io.pathprobe.icmp.IcmpProberProvider;"),
                source("probe-core", "io.pathprobe.core", "import io.pathprobe.nativeio.internal.LibC;")));
        modules.put("probe-icmp", List.of(
                source("probe-icmp", "io.pathprobe.icmp",
                        "import io.pathprobe.core.internal.ResourceLimits; import io.pathprobe.core.internal.Pacer;"
                                + " import io.netty.util.internal.PlatformDependent;"
                                + " import io.pathprobe.icmp.internal.Own;"),
                source("probe-icmp", "io.pathprobe.icmp.internal", "")));
        modules.put("probe-tcp", List.of(source("probe-tcp", "io.pathprobe.tcp", "")));

        Set<String> used = new TreeSet<>();
        List<String> v = violations(modules, List.of(
                new Allowance("probe-icmp", "io.pathprobe.core.internal.ResourceLimits", "test")), used);
        assertEquals(5, v.size(), String.join("\n", v));
        assertTrue(v.get(0).startsWith("probe-core/") && v.get(0).contains("io.pathprobe.icmp.IcmpProberProvider")
                && v.get(0).contains("prober"), v.get(0));
        assertTrue(v.get(1).contains("io.pathprobe.nativeio.internal.LibC"), v.get(1));
        assertTrue(v.get(2).startsWith("probe-icmp/") && v.get(2).contains("io.pathprobe.core.internal.Pacer"), v.get(2));
        assertTrue(v.get(3).contains(NETTY_INTERNAL), v.get(3));
        assertTrue(v.get(4).startsWith("probe-native/") && v.get(4).contains("io.pathprobe.core.ErrnoCause"), v.get(4));
        assertEquals(Set.of("probe-icmp -> io.pathprobe.core.internal.ResourceLimits"), used);
    }

    // ---- the check

    /** One source file: its module, its path for messages, its package and what it references. */
    record Source(String module, String path, String pkg, List<String> references) {
    }

    static List<String> violations(Map<String, List<Source>> modules, List<Allowance> allowed, Set<String> used) {
        Map<String, String> owner = new HashMap<>(); // package -> module whose main sources declare it
        modules.forEach((m, sources) -> sources.stream().filter(s -> s.path().contains("/src/main/"))
                .forEach(s -> owner.putIfAbsent(s.pkg(), m)));
        Set<String> allowedKeys = allowed.stream().map(a -> a.module() + " -> " + a.type())
                .collect(Collectors.toSet());

        List<String> core = new ArrayList<>();
        List<String> other = new ArrayList<>();
        List<String> netty = new ArrayList<>();
        List<String> nativeio = new ArrayList<>();
        for (List<Source> sources : modules.values()) {
            for (Source s : sources) {
                for (String ref : s.references()) {
                    String pkg = packageOf(ref);
                    String refOwner = owner.get(pkg);
                    if (pkg.equals(NETTY_INTERNAL) || pkg.startsWith(NETTY_INTERNAL + ".")) {
                        netty.add(s.path() + ": uses " + ref + ", Netty's internal package; use its public API (or"
                                + " the JDK's, jnr-ffi's)");
                    } else if (s.module().equals("probe-core") && PROBER_PACKAGES.stream().anyMatch(p -> within(pkg, p))) {
                        core.add(s.path() + ": probe-core uses " + ref + "; core knows no prober: move the code to"
                                + " the prober, or make core's API generic enough for it");
                    } else if (s.module().equals("probe-core") && within(pkg, NATIVE_INTERNAL)) {
                        core.add(s.path() + ": probe-core uses " + ref + ", probe-native's internals; use the API of"
                                + " io.pathprobe.nativeio");
                    } else if (s.module().equals("probe-native") && pkg.startsWith("io.pathprobe.")
                            && !within(pkg, "io.pathprobe.nativeio")) {
                        nativeio.add(s.path() + ": probe-native uses " + ref + "; the native layer knows nothing of"
                                + " pathprobe (report errno values and NativeSupport; core translates)");
                    } else if (refOwner != null && !refOwner.equals(s.module()) && isInternal(pkg)) {
                        String key = s.module() + " -> " + ref;
                        if (allowedKeys.contains(key)) {
                            used.add(key);
                        } else {
                            other.add(s.path() + ": uses " + ref + ", an internal class of " + refOwner + "; use its"
                                    + " API, or give the class a public home (or, with the reason, list it in"
                                    + " ModuleSeamsTest.ALLOWED)");
                        }
                    }
                }
            }
        }
        List<String> all = new ArrayList<>(core);
        all.addAll(other);
        all.addAll(netty);
        all.addAll(nativeio);
        return all;
    }

    private static boolean within(String pkg, String prefix) {
        return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
    }

    private static boolean isInternal(String pkg) {
        return ("." + pkg + ".").contains(".internal.");
    }

    /** The package part of a qualified name: its segments up to the first that starts with a capital. */
    static String packageOf(String qualified) {
        String[] parts = qualified.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (!p.isEmpty() && Character.isUpperCase(p.charAt(0))) {
                break;
            }
            sb.append(sb.length() == 0 ? "" : ".").append(p);
        }
        return sb.toString();
    }

    // ---- reading sources

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** A qualified name of pathprobe's or Netty's internals: lower-case segments, then at most one type name. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "\\b(?:io\\.pathprobe|io\\.netty\\.util\\.internal)(?:\\.[a-z_][a-z0-9_]*)*(?:\\.[A-Z]\\w*)?");

    /** What a source references: qualified names in code, in order, each once (the type only, not its members). */
    static List<String> references(String source) {
        String code = codeOnly(source);
        Matcher pm = PACKAGE.matcher(code);
        if (pm.find()) {
            code = code.substring(0, pm.start()) + code.substring(pm.end()); // its own package is no reference
        }
        Set<String> refs = new LinkedHashSet<>();
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            refs.add(m.group());
        }
        return new ArrayList<>(refs);
    }

    static String declaredPackage(String source) {
        Matcher m = PACKAGE.matcher(codeOnly(source));
        return m.find() ? m.group(1) : "";
    }

    /** The source with comments, string and char literals (text blocks included) blanked out. */
    static String codeOnly(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                while (end > 0 && s.charAt(end - 1) == '\\') { // an escaped quote inside the block
                    end = s.indexOf("\"\"\"", end + 1);
                }
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static Source source(String module, String pkg, String body) {
        String text = "package " + pkg + ";\n" + body + "\nclass X {}\n";
        return new Source(module, module + "/src/main/java/" + pkg.replace('.', '/') + "/X.java", pkg,
                references(text));
    }

    // ---- the tree

    /** The repository: the first directory up from here whose pom.xml lists modules. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path pom = p.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>probe-native</module>")) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no pathprobe checkout above " + Path.of("").toAbsolutePath());
    }

    /** Each module (a directory with a pom.xml and src/, up to two levels down) with its Java sources. */
    static Map<String, List<Source>> modules(Path root) {
        Map<String, List<Source>> modules = new TreeMap<>();
        try (Stream<Path> poms = Files.find(root, 3, (p, a) -> p.getFileName().toString().equals("pom.xml")
                && Files.isDirectory(p.resolveSibling("src")) && !p.toString().contains("/target/"))) {
            for (Path pom : poms.toList()) {
                Path dir = pom.getParent();
                String module = root.relativize(dir).toString();
                List<Source> sources = new ArrayList<>();
                try (Stream<Path> files = Files.walk(dir.resolve("src"))) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                        String text = Files.readString(f, StandardCharsets.UTF_8);
                        sources.add(new Source(module, root.relativize(f).toString(), declaredPackage(text),
                                references(text)));
                    }
                }
                modules.put(module, sources);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return modules;
    }
}
