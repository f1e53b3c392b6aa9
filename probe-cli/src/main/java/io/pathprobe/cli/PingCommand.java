package io.pathprobe.cli;

import io.pathprobe.core.NameResolver;
import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.core.stats.StatsSnapshot;
import io.pathprobe.icmp.IcmpOptions;
import io.pathprobe.icmp.IcmpSocketMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code pathprobe ping}: ICMP echo to many targets at once (like fping), printed as iputils ping prints. */
@Command(name = PingCommand.NAME, mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send ICMP echo requests to every target at the same time, as ping does for one: a line per "
                + "reply, and ping's summary per target. Uses an unprivileged ping socket where "
                + "net.ipv4.ping_group_range allows, else a raw socket (root or CAP_NET_RAW).",
                "Exit status (as ping, also after Ctrl-C): 0 every target answered at least once (with -w and -c: "
                        + "-c times), 1 some target did not, 2 bad input, 3 internal error."},
        footer = {"", "Examples:", "  pathprobe ping -c 4 10.0.0.1", "  pathprobe ping -c 3 -i 0.2 -q 192.168.1.0/24",
                "  pathprobe ping -c 10 -s 1400 -t 8 -W 0.5 ::1 example.com"})
final class PingCommand implements Callable<Integer> {
    static final String NAME = "ping";
    static final String KIND = "icmp";
    /** ping's largest {@code -s}: 65535 less the IPv4 (20) and ICMP (8) headers. */
    static final int MAX_PAYLOAD = 65507;

    @Parameters(paramLabel = "HOST|CIDR", arity = "1..*",
            description = "Targets: host names, IPv4 or IPv6 addresses, IPv4 ranges (10.0.0.0/24).")
    List<String> targets;

    @Option(names = {"-c", "--count"}, paramLabel = "N",
            description = "Echo requests per target (default: until Ctrl-C or the -w deadline, as ping).")
    String count;

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS",
            description = "Time between requests to one target: seconds (0.2) or with a unit (500ms); default: 1, "
                    + "with -f as fast as replies come; below 0.002 (0: as fast as replies come) needs root, as ping.")
    String interval;

    @Option(names = "-n", description = "Numeric output: no reverse lookups (without it, a target given by name has "
            + "its responders shown as 'name (address)', as ping).")
    boolean numeric;

    @Option(names = "-D", description = "Print the time (UNIX seconds.microseconds) before each line, as ping -D.")
    boolean timestamps;

    @Option(names = "-O", description = "Print 'no answer yet for icmp_seq=N' when the next request goes out before "
            + "request N was answered, as ping -O.")
    boolean outstanding;

    @Option(names = "-a", description = "Audible ping: a bell with each reply.")
    boolean audible;

    @Option(names = "-f", description = "Flood ping (root): a dot per request, a backspace per reply; the next "
            + "request goes as soon as a reply came, and at least every 10 ms (or -i).")
    boolean flood;

    @Option(names = {"-w", "--deadline"}, paramLabel = "SECONDS",
            description = "Stop after this long, whatever the count (30, 30s, 10m).")
    String deadline;

    @Option(names = {"-W", "--timeout"}, paramLabel = "SECONDS", defaultValue = "2",
            description = "How long to wait for each reply; default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = {"-s", "--size"}, paramLabel = "BYTES", defaultValue = "56",
            description = "Payload bytes per request (0 to 65507); default: ${DEFAULT-VALUE}.")
    String size;

    @Option(names = {"-t", "--ttl"}, paramLabel = "TTL", description = "IP time to live / IPv6 hop limit (1 to 255).")
    String ttl;

    @Option(names = {"-Q", "--tos"}, paramLabel = "TOS",
            description = "IP type of service / IPv6 traffic class, decimal or hex (0x10), 0 to 255.")
    String tos;

    @Option(names = {"-p", "--pattern"}, paramLabel = "HEX",
            description = "Fill the payload with these bytes, hex digits read in pairs as ping reads them (abc is "
                    + "ab 0c), up to 16 bytes.")
    String pattern;

    @Option(names = "-I", paramLabel = "IFACE|ADDR",
            description = "Send from this interface, or from this local address (as ping's -I).")
    String from;

    @Option(names = "--socket", paramLabel = "MODE", defaultValue = "auto",
            description = "ICMP socket: auto (ping socket if allowed, else raw), dgram or raw; default: ${DEFAULT-VALUE}.")
    String socket;

    @Option(names = "--max-targets", paramLabel = "N",
            description = "Refuse more targets than this (CIDR ranges count each address), 1 to "
                    + PingTargets.MAX_MAX_TARGETS + "; default: " + PingTargets.DEFAULT_MAX_TARGETS + ".")
    String maxTargets;

    @Mixin
    VantageOptions vantage;

    @Mixin
    ReportOptions report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        // Every option first, then the prober, then names: the cheap checks before the slow ones.
        boolean paced = pacedByReplies();
        SessionPlan plan = SessionOptions.plan(count, false, paced ? FLOOD_INTERVAL : interval == null ? "1" : interval,
                deadline, 0, "leave -c out to ping until Ctrl-C");
        Duration wait = SessionOptions.positive("--timeout", timeout);
        long rate = report.rate();
        int payload = (int) range("--size", size, 0, MAX_PAYLOAD);
        NameResolver.Family family = vantage.family();
        // -I is ping's: an address literal is the source, anything else an interface.
        boolean fromAddress = from != null && HostResolver.isLiteral(from.trim());
        VantagePoint vp = vantage.vantagePoint("-I", fromAddress ? from : null, "-I", fromAddress ? null : from);
        long max = PingTargets.maxTargets(maxTargets);
        List<String> hosts = PingTargets.expand(targets, max);
        PingTargets.checkHeap(hosts.size(), Runtime.getRuntime().maxMemory());
        ProbeRequest.Builder template = template(wait, payload, vp);
        SessionRun.checkProber(KIND, "probe-icmp");
        List<ProbeRequest> requests = new ArrayList<>();
        for (String host : hosts) {
            InetAddress a = HostResolver.resolve(host, family);
            vantage.checkTarget(host, a);
            if (vantage.source == null && vantage.interfaceName == null) {
                checkRoute(host, a);
            }
            requests.add(template.target(host, HostResolver.thisHostAsProbed(a, vp)).build());
        }
        PingLines lines = new PingLines(new PingLines.Flags(numeric, timestamps, outstanding, audible, flood, payload,
                pattern == null || report.quiet ? null : pattern(pattern))); // ping -q: no PATTERN line
        if (!report.json && !report.quiet) {
            requests.forEach(lines::prepare);
        }
        SessionRun.Style style = new SessionRun.Style(NAME, lines,
                (t, stats) -> TextFormat.pingSummary(t.request.host(), stats, t.activeTime(), t.pipe,
                        paced ? t.ewmaNanos / 1e6 : null),
                (StatsSnapshot s) -> s.received() > 0
                        // ping's rule: with a deadline and a count, fewer replies than the count is a failure
                        && (plan.deadline().isZero() || plan.count() == 0 || s.received() >= plan.count()));
        SessionRun run = new SessionRun(style, requests, plan, rate, report.json, report.quiet,
                spec.commandLine().getOut()).sigintEndsRun().inRounds(PingTargets.inRounds(requests.size()));
        return (paced ? run.paceByAnswers() : run).run();
    }

    /** ping -f's pace without -i: the next request when a reply came, and at least this often. */
    private static final String FLOOD_INTERVAL = "0.01";

    /**
     * Whether requests go as fast as replies come (-f without -i, or -i 0), which ping allows root only.
     *
     * @throws UsageException for a user who is not root
     */
    private boolean pacedByReplies() {
        boolean zero = interval != null && isZero(interval);
        if (!flood && !zero) {
            return false;
        }
        if (flood && interval != null && !zero) {
            return false; // -f -i N: flood output at a fixed pace
        }
        if (!io.pathprobe.nativeio.Privileges.isRoot()) {
            throw new UsageException((flood ? "-f (flood)" : "-i 0") + " sends as fast as replies come, which needs "
                    + "root (as ping): run as root, or give -i " + ProbeEngine.MIN_UNPRIVILEGED_INTERVAL.toMillis() / 1000.0
                    + " or more");
        }
        return true;
    }

    private static boolean isZero(String text) {
        try {
            return Durations.parse(text).isZero();
        } catch (IllegalArgumentException e) {
            return false; // the plan names what is wrong with it
        }
    }

    /**
     * ping's first step: a UDP connect() to the target (which sends nothing) finds the route, and without one ping
     * stops with "connect: Network is unreachable" and exit status 2 rather than pinging.
     */
    private static void checkRoute(String host, InetAddress a) {
        java.net.ProtocolFamily family = a instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET;
        try (java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open(family)) {
            ch.connect(new java.net.InetSocketAddress(a, 1025));
        } catch (UnsupportedOperationException | java.nio.channels.UnsupportedAddressTypeException e) {
            return; // the JDK cannot tell here (e.g. IPv6 off for it): the probes will
        } catch (java.io.IOException e) {
            throw new UsageException("connect to " + host + (host.equals(io.pathprobe.core.AddressText.of(a)) ? ""
                    : " (" + io.pathprobe.core.AddressText.of(a) + ")") + ": " + e.getMessage()
                    + ": this host has no route there; check the address and the routes (ip route get "
                    + io.pathprobe.core.AddressText.of(a) + ")", e);
        }
    }

    /**
     * The echo request every target of a ping or fping run shares (the target set per host later).
     *
     * @param ttl null for the system's default
     */
    static ProbeRequest.Builder echoTemplate(Duration wait, VantagePoint vp, int payload, Integer ttl) {
        ProbeRequest.Builder b = ProbeRequest.builder(KIND).target("0.0.0.0").timeout(wait).vantagePoint(vp)
                .option(IcmpOptions.PAYLOAD_SIZE, payload);
        if (ttl != null) {
            b.option(ProbeOption.TTL, ttl);
        }
        return b;
    }

    /** The request every target shares, with the ICMP options checked now. */
    private ProbeRequest.Builder template(Duration wait, int payload, VantagePoint vp) {
        ProbeRequest.Builder b = echoTemplate(wait, vp, payload, ttl == null ? null : (int) range("--ttl", ttl, 1, 255));
        if (tos != null) {
            b.option(ProbeOption.TOS, (int) range("--tos", tos, 0, 255));
        }
        if (pattern != null) {
            b.option(IcmpOptions.PATTERN, pattern(pattern));
        }
        IcmpSocketMode mode;
        try {
            mode = IcmpSocketMode.valueOf(socket.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--socket '" + socket.trim() + "' is not a socket mode: give auto, dgram or raw", e);
        }
        return b.option(IcmpOptions.SOCKET_MODE, mode);
    }

    /** iputils ping's most pattern bytes; digits past them are not read. */
    static final int MAX_PATTERN_BYTES = 16;

    /**
     * {@code -p} as iputils ping reads it (its fill()): hex digits only, read in pairs from the left, an odd last
     * digit a byte of its own ({@code abc} is ab 0c), at most 16 bytes; empty means ping's usual payload.
     *
     * @return the bytes as two lower-case hex digits each
     * @throws UsageException in ping's words, naming the text from the first character that is not a hex digit
     */
    static String pattern(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.digit(text.charAt(i), 16) < 0 || text.charAt(i) > 'f') { // ASCII only, as isxdigit()
                throw new UsageException("patterns must be specified as hex digits: " + text.substring(i));
            }
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < text.length() && hex.length() < 2 * MAX_PATTERN_BYTES; i += 2) {
            String pair = text.substring(i, Math.min(i + 2, text.length()));
            hex.append(pair.length() == 1 ? "0" : "").append(pair.toLowerCase(Locale.ROOT));
        }
        return hex.toString();
    }

    /** A whole number (decimal, or hex with 0x) from {@code min} to {@code max}. */
    private static long range(String name, String text, int min, int max) {
        String t = text.trim();
        long v;
        try {
            v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " '" + t + "' is not a whole number: give e.g. " + Math.max(min, 1), e);
        }
        return inRange(name, v, min, max);
    }

    /** {@code v} if it is from {@code min} to {@code max}. @throws UsageException naming the option otherwise */
    static long inRange(String name, long v, int min, int max) {
        if (v < min || v > max) {
            throw new UsageException(name + " " + v + " is out of range: give " + min + " to " + max);
        }
        return v;
    }
}
