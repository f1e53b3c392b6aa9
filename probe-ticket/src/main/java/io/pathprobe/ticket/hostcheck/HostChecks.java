package io.pathprobe.ticket.hostcheck;

import io.pathprobe.core.AddressText;
import io.pathprobe.nativeio.NetworkNamespaces;
import io.pathprobe.ticket.internal.Addresses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code pathprobe hostcheck}: run on a backend of a layer-4 load balancer, it reads the reverse-path filter of
 * {@code all}, {@code default} and every interface (cause 2) and tells whether this host owns any of the load
 * balancer's backend addresses (cause 3, a backend that is a client of its own load balancer).
 *
 * <p>Everything is read from files that follow the <em>calling thread's</em> network namespace, so a check run on
 * a thread that entered a namespace ({@link #checkNamespace}) sees that namespace: {@code /proc/sys/net} (sysctl
 * looks up the caller's namespace), {@code /proc/thread-self/net/fib_trie} and {@code .../if_inet6} for the
 * addresses. Not {@code /proc/net} (it follows the process's main thread) and not
 * {@link java.net.NetworkInterface} (it mixes the thread's IPv4 addresses with the process's IPv6 ones): both were
 * tried and show the wrong namespace.
 */
public final class HostChecks {
    /** The lines the issue gives as the fix: {@code all}, {@code default} and {@code eth0}. */
    private static final List<String> STANDARD_FIX = List.of("net.ipv4.conf.all.rp_filter = 0",
            "net.ipv4.conf.default.rp_filter = 0", "net.ipv4.conf.eth0.rp_filter = 0");

    /** Where sysctl(8) and systemd-sysctl read configuration from, besides /etc/sysctl.conf. */
    private static final List<String> SYSCTL_DIRS = List.of("/etc/sysctl.d", "/run/sysctl.d",
            "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d");

    private HostChecks() {
    }

    /**
     * Checks this host (the calling thread's network namespace).
     *
     * @param backends the load balancer's backend addresses to look for among this host's own; may be empty
     * @throws IllegalArgumentException when a backend is not an address literal
     */
    public static HostCheckReport check(List<String> backends) {
        List<Path> files = new ArrayList<>();
        files.add(Path.of("/etc/sysctl.conf"));
        SYSCTL_DIRS.forEach(d -> files.add(Path.of(d)));
        return check(Path.of("/proc"), backends, files, null);
    }

    /**
     * Checks network namespace {@code name} (as {@code ip netns exec NAME pathprobe hostcheck} would), from a
     * thread that enters it. Needs root.
     *
     * @throws IllegalArgumentException when there is no such namespace, or a backend is not an address literal
     */
    public static HostCheckReport checkNamespace(String name, List<String> backends) {
        checkBackends(backends);
        try {
            HostCheckReport r = NetworkNamespaces.callInNamespace(name, () -> check(backends));
            return withNamespace(r, name);
        } catch (RuntimeException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("checking network namespace " + name + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("checking network namespace " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The check over a {@code /proc}-like tree (for tests): {@code proc/sys/net/ipv4/conf/NAME/rp_filter},
     * {@code proc/thread-self/net/fib_trie}, {@code proc/thread-self/net/if_inet6},
     * {@code proc/sys/kernel/hostname}; {@code sysctlFiles} are files or directories of {@code *.conf} files.
     */
    static HostCheckReport check(Path proc, List<String> backends, List<Path> sysctlFiles, String namespace) {
        checkBackends(backends);
        List<RpFilterSetting> settings = readRpFilter(proc.resolve("sys/net/ipv4/conf"));
        List<RpFilterSetting> problems = new ArrayList<>();
        for (RpFilterSetting s : settings) {
            boolean loopback = s.name().equals("lo");
            if (s.name().equals("all") ? s.value() != 0 : !s.isPseudo() && !loopback && s.effective() != 0) {
                problems.add(s);
            }
        }
        List<String> lines = new ArrayList<>();
        if (!problems.isEmpty()) {
            // The runbook's form: 'all' and 'default' off, and every interface that filters now named explicitly
            // (its own value may be 0 while 'all' makes it filter: writing 0 for it is harmless and explicit).
            lines.add("net.ipv4.conf.all.rp_filter = 0");
            lines.add("net.ipv4.conf.default.rp_filter = 0");
            problems.stream().filter(p -> !p.isPseudo())
                    .forEach(p -> lines.add("net.ipv4.conf." + p.name() + ".rp_filter = 0"));
        } else if (settings.get(1).value() != 0) {
            lines.add("net.ipv4.conf.default.rp_filter = 0"); // nothing filters now; interfaces added later would
        }
        List<String> mentions = sysctlMentions(sysctlFiles);
        List<String> steps = new ArrayList<>();
        if (!lines.isEmpty()) {
            steps.add("Add these lines to /etc/sysctl.conf (change any rp_filter lines already there):");
            lines.forEach(l -> steps.add("    " + l));
            steps.add("Apply them now: sysctl -p");
            if (!mentions.isEmpty()) {
                steps.add("Other sysctl files set rp_filter too (listed above) and are applied at boot: set them to"
                        + " 0 as well, then apply everything with 'sysctl --system'.");
            }
            steps.add("Check again: pathprobe hostcheck");
        }
        List<String> addresses = readAddresses(proc.resolve("thread-self/net"));
        List<String> mine = new ArrayList<>();
        for (String b : backends) {
            if (addresses.stream().anyMatch(a -> Addresses.same(a, b.trim()))) {
                mine.add(AddressText.of(Addresses.literal(b.trim())));
            }
        }
        return new HostCheckReport(hostname(proc), namespace, Instant.now().toString(), settings, problems, lines,
                steps, mentions, addresses, backends.stream().map(String::trim).toList(), mine);
    }

    private static void checkBackends(List<String> backends) {
        for (String b : backends) {
            Addresses.require(b, "backend");
        }
    }

    private static HostCheckReport withNamespace(HostCheckReport r, String ns) {
        return new HostCheckReport(r.host(), ns, r.checkedAt(), r.rpFilter(), r.problems(), r.sysctlConfLines(),
                r.fixSteps(), r.sysctlFileMentions(), r.addresses(), r.backendsChecked(), r.backendsOnThisHost());
    }

    /** {@code all}, {@code default}, then the interfaces sorted by name, with effective = max(all, own). */
    static List<RpFilterSetting> readRpFilter(Path conf) {
        if (!Files.isDirectory(conf)) {
            throw new IllegalStateException(conf + " does not exist: hostcheck reads Linux's"
                    + " /proc/sys/net/ipv4/conf and runs on Linux only");
        }
        int all = readInt(conf.resolve("all/rp_filter"));
        List<RpFilterSetting> out = new ArrayList<>();
        out.add(new RpFilterSetting("all", all, all));
        int def = readInt(conf.resolve("default/rp_filter"));
        out.add(new RpFilterSetting("default", def, def));
        try (Stream<Path> dirs = Files.list(conf)) {
            for (String name : dirs.map(p -> p.getFileName().toString()).sorted().toList()) {
                if (name.equals("all") || name.equals("default")) {
                    continue;
                }
                Path f = conf.resolve(name).resolve("rp_filter");
                if (Files.isReadable(f)) {
                    int v = readInt(f);
                    out.add(new RpFilterSetting(name, v, Math.max(all, v)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + conf + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static int readInt(Path f) {
        try {
            return Integer.parseInt(Files.readString(f).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + f + ": " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(f + " does not hold a number: " + e.getMessage(), e);
        }
    }

    /**
     * This namespace's own addresses: IPv4 from {@code fib_trie} (the "/32 host LOCAL" entries), IPv6 from
     * {@code if_inet6}. Missing files (e.g. IPv6 disabled) give no addresses of that family.
     */
    static List<String> readAddresses(Path net) {
        Set<String> out = new LinkedHashSet<>();
        Path trie = net.resolve("fib_trie");
        try {
            if (Files.isReadable(trie)) {
                String last = null;
                for (String line : Files.readAllLines(trie)) {
                    String t = line.trim();
                    if (t.startsWith("|-- ")) {
                        last = t.substring(4).trim();
                    } else if (last != null && t.startsWith("/32 host LOCAL")) {
                        out.add(last);
                    }
                }
            }
            Path v6 = net.resolve("if_inet6");
            if (Files.isReadable(v6)) {
                for (String line : Files.readAllLines(v6)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 1 && f[0].length() == 32) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 0; i < 32; i += 4) {
                            sb.append(i == 0 ? "" : ":").append(f[0], i, i + 4);
                        }
                        InetAddress a = Addresses.literal(sb.toString());
                        if (a != null) {
                            out.add(AddressText.of(a));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading addresses under " + net + ": " + e.getMessage(), e);
        }
        return List.copyOf(out);
    }

    private static String hostname(Path proc) {
        try {
            return Files.readString(proc.resolve("sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Non-comment lines that set an rp_filter, as {@code FILE:LINE: text}. */
    static List<String> sysctlMentions(List<Path> places) {
        List<Path> files = new ArrayList<>();
        for (Path p : places) {
            if (Files.isDirectory(p)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "*.conf")) {
                    ds.forEach(files::add);
                } catch (IOException e) {
                    // an unreadable directory holds nothing we can report
                }
            } else if (Files.isReadable(p)) {
                files.add(p);
            }
        }
        files.sort(null);
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            try {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String t = lines.get(i).trim();
                    if (!t.startsWith("#") && !t.startsWith(";") && t.contains("rp_filter")) {
                        out.add(f + ":" + (i + 1) + ": " + t);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // unreadable or not text: skip
            }
        }
        return out;
    }

    // ---- shared by the report and the diagnosis ----

    /** The fix as the runbook gives it, for when the backend's own settings are not known. */
    public static List<String> standardFixLines() {
        return STANDARD_FIX;
    }

    /** The checked host for people: {@code web1}, or {@code web1 (netns ns1)}. */
    public static String where(HostCheckReport r) {
        return r.host() + (r.networkNamespace() == null ? "" : " (netns " + r.networkNamespace() + ")");
    }

    /** One line: where rp_filter is on, or that it is off everywhere. */
    public static String problemLine(HostCheckReport r) {
        if (!r.rpFilterOn()) {
            return "rp_filter is off on every interface";
        }
        List<String> parts = new ArrayList<>();
        for (RpFilterSetting s : r.problems()) {
            parts.add(s.name() + "=" + s.effective() + " (" + RpFilterSetting.mode(s.effective()) + ")");
        }
        return "rp_filter is on: " + String.join(", ", parts);
    }

    /**
     * Whether the reports cover every backend: at least one report, and each backend address given is among some
     * report's host addresses (when no backends are known, any report counts).
     */
    public static boolean coverAllBackends(List<HostCheckReport> reports, List<String> backends) {
        if (reports.isEmpty()) {
            return false;
        }
        for (String b : backends) {
            if (reports.stream().noneMatch(r -> r.addresses().stream().anyMatch(a -> Addresses.same(a, b)))) {
                return false;
            }
        }
        return true;
    }

    /** The report as {@code pathprobe hostcheck} prints it. */
    public static List<String> render(HostCheckReport r) {
        List<String> out = new ArrayList<>();
        out.add("hostcheck on " + where(r) + " at " + r.checkedAt());
        out.add("");
        out.add("rp_filter (0 off, 1 strict, 2 loose; effective on an interface = max(all, interface)):");
        for (RpFilterSetting s : r.rpFilter()) {
            String eff = s.isPseudo() || s.effective() == s.value() ? ""
                    : "  -> effective " + s.effective() + " (" + RpFilterSetting.mode(s.effective()) + ")";
            boolean problem = r.problems().contains(s);
            out.add(String.format(Locale.ROOT, "  %-16s %d %-7s%s%s", s.name(), s.value(),
                    RpFilterSetting.mode(s.value()), eff, problem ? "   <- filters" : ""));
        }
        out.add("");
        if (r.rpFilterOn()) {
            out.add("Reverse-path filtering is ON. Behind a layer-4 load balancer, clients' packets can reach this"
                    + " host by a path its route back does not use, and rp_filter then drops them: health checks"
                    + " pass while clients time out.");
        } else {
            out.add("Reverse-path filtering is off on every interface" + (r.sysctlConfLines().isEmpty() ? "."
                    : " (but 'default' is on: interfaces added later will filter)."));
        }
        if (!r.sysctlFileMentions().isEmpty()) {
            out.add("Sysctl files that set rp_filter:");
            r.sysctlFileMentions().forEach(m -> out.add("  " + m));
        }
        if (!r.fixSteps().isEmpty()) {
            out.add("");
            out.add("Fix:");
            r.fixSteps().forEach(s -> out.add("  " + s));
        }
        if (!r.backendsChecked().isEmpty()) {
            out.add("");
            out.add("Backends given: " + String.join(", ", r.backendsChecked()));
            out.add("This host's addresses: " + String.join(", ", r.addresses()));
            if (r.backendsOnThisHost().isEmpty()) {
                out.add("None of the backends is this host.");
            } else {
                out.add("This host IS backend " + String.join(", ", r.backendsOnThisHost()) + ". If it connects to"
                        + " its own load balancer's VIP, a layer-4 listener forwards some of those connections back"
                        + " to this host, and they fail (about 1 in N, N backends). Call the service locally or"
                        + " through a layer-7 listener instead.");
            }
        }
        return out;
    }
}
