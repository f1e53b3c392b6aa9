package io.pathprobe.cli;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.SessionPlan;

import java.net.InetAddress;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code pathprobe ping} prints per probe, as iputils ping does with the same flags: {@code -D} timestamps,
 * {@code -O} "no answer yet" lines, {@code -a} bells, {@code -f} dots and backspaces, and names without {@code -n}.
 * Called under the run's output lock, so its state needs no locking of its own.
 */
final class PingLines implements SessionRun.Lines {
    /** ping's table of answered sequence numbers: one bit per 16-bit ICMP sequence. */
    private static final int SEQ_SPACE = 1 << 16;
    private static final char BELL = '\u0007';

    /** Which flags shape the lines. */
    record Flags(boolean numeric, boolean timestamps, boolean outstanding, boolean audible, boolean flood,
                 int payload, String pattern) {
    }

    private final Flags flags;
    /** Per target: which sequence numbers got a reply (ping's {@code -O} asks about the one before each send). */
    private final Map<String, BitSet> answered = new HashMap<>();
    /** Names of responders (ping without {@code -n} looks each up once and keeps showing it). */
    private final Map<InetAddress, String> names = new HashMap<>();
    /** Targets given by name: ping shows names only then (a literal target means numeric output). */
    private final Map<String, Boolean> byName = new HashMap<>();

    PingLines(Flags flags) {
        this.flags = flags;
    }

    /**
     * Looks up the target's own name before the first probe, so that the first reply line does not wait for it.
     * Does nothing with {@code -n} or for a target given as an address.
     */
    void prepare(ProbeRequest r) {
        boolean named = !flags.numeric() && !HostResolver.isLiteral(r.host());
        byName.put(r.targetLabel(), named);
        if (named && r.address() != null) {
            who(r.address());
        }
    }

    @Override
    public String header(ProbeRequest r, SessionPlan p) {
        String h = TextFormat.pingHeader(r, flags.payload());
        if (r.vantagePoint() instanceof LocalVantagePoint vp
                && (vp.sourceAddress().isPresent() || vp.interfaceName().isPresent())) {
            // ping -I: "PING host (addr) from SOURCE DEVICE: 56(84) bytes of data.", the device empty for an address
            InetAddress src = vp.sourceAddress().orElseGet(() -> interfaceAddress(vp.interfaceName().get(), r.address()));
            String from = "from " + (src == null ? "" : AddressText.of(src)) + " " + vp.interfaceName().orElse("") + ": ";
            int cut = h.indexOf(") ") + 2;
            h = h.substring(0, cut) + from + h.substring(cut);
        }
        return flags.pattern() == null ? h : "PATTERN: 0x" + patternBytes(flags.pattern()) + "\n" + h;
    }

    /** ping's echo of -p: the pattern's bytes, two hex digits each, read in pairs as ping reads them. */
    static String patternBytes(String hex) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            int b = Integer.parseInt(hex.substring(i, Math.min(i + 2, hex.length())), 16);
            sb.append(String.format(java.util.Locale.ROOT, "%02x", b));
        }
        return sb.toString();
    }

    /** The first address of the target's family on interface {@code name} (the source ping -I IFACE reports). */
    private static InetAddress interfaceAddress(String name, InetAddress target) {
        try {
            java.net.NetworkInterface nif = java.net.NetworkInterface.getByName(name);
            if (nif == null) {
                return null;
            }
            return nif.inetAddresses().filter(a -> (a instanceof java.net.Inet6Address) == (target instanceof java.net.Inet6Address))
                    .filter(a -> !a.isLinkLocalAddress() || target.isLinkLocalAddress())
                    .findFirst().orElse(null);
        } catch (java.net.SocketException e) {
            return null;
        }
    }

    @Override
    public String sent(SessionRun.Track t, long seq) {
        BitSet got = answered.computeIfAbsent(t.label(), k -> new BitSet(SEQ_SPACE));
        got.clear((int) (seq % SEQ_SPACE));
        if (flags.flood()) {
            return ".";
        }
        long previous = seq - 1;
        if (flags.outstanding() && previous >= 1 && !got.get((int) (previous % SEQ_SPACE))) {
            return stamp() + "no answer yet for icmp_seq=" + previous;
        }
        return null;
    }

    @Override
    public String outcome(String label, long seq, ProbeOutcome o) {
        boolean reply = o.category() == OutcomeCategory.ANSWERED;
        if (reply) {
            answered.computeIfAbsent(label, k -> new BitSet(SEQ_SPACE)).set((int) (seq % SEQ_SPACE));
        }
        if (flags.flood()) {
            // ping -f: a dot per request, erased by its reply; an E for an ICMP error
            if (reply) {
                return flags.audible() ? "\b \b" + BELL : "\b \b";
            }
            return o instanceof ProbeOutcome.TtlExceeded || o instanceof ProbeOutcome.Unreachable ? "\bE" : null;
        }
        String line = TextFormat.pingLine(label, seq, o, a -> Boolean.TRUE.equals(byName.get(label)) ? who(a) : AddressText.of(a));
        if (line == null) {
            return null;
        }
        return stamp() + line + (reply && flags.audible() ? String.valueOf(BELL) : "");
    }

    @Override
    public String duplicate(String label, long seq) {
        if (flags.flood()) {
            return "\b \b";
        }
        return stamp() + TextFormat.pingDuplicate(label, seq) + (flags.audible() ? String.valueOf(BELL) : "");
    }

    @Override
    public String late(String label, long seq, long rttNanos) {
        return flags.flood() ? null : stamp() + TextFormat.pingLate(label, seq, rttNanos);
    }

    @Override
    public String corrupted(String label, long seq, int byteIndex) {
        return flags.flood() ? null : stamp() + TextFormat.pingWrongData(label, seq, byteIndex);
    }

    @Override
    public boolean raw() {
        return flags.flood();
    }

    @Override
    public boolean headerWhenQuiet() {
        return true;
    }

    /** ping -D's {@code [seconds.micros] }, the wall clock when the line is printed. */
    private String stamp() {
        if (!flags.timestamps()) {
            return "";
        }
        Instant now = Instant.now();
        return String.format(java.util.Locale.ROOT, "[%d.%06d] ", now.getEpochSecond(), now.getNano() / 1000);
    }

    /**
     * {@code name (address)} as ping prints a responder without -n, or the address alone when it has no name (the
     * resolver's reverse lookup: the hosts file, then DNS, as ping's getnameinfo).
     */
    private String who(InetAddress a) {
        return names.computeIfAbsent(a, x -> {
            String text = AddressText.of(x);
            String name;
            try {
                name = InetAddress.getByAddress(x.getAddress()).getCanonicalHostName();
            } catch (java.net.UnknownHostException | SecurityException e) {
                return text;
            }
            return name == null || name.equals(x.getHostAddress()) || name.equals(text) ? text : name + " (" + text + ")";
        });
    }
}
