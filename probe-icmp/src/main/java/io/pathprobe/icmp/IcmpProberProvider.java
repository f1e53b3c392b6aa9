package io.pathprobe.icmp;

import io.pathprobe.core.Availability;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.core.spi.ProberProvider;
import io.pathprobe.core.spi.NativeTerms;
import java.util.List;
import io.pathprobe.icmp.internal.IcmpProber;
import io.pathprobe.icmp.internal.IcmpSockets;

import java.nio.file.Path;

/**
 * The {@code "icmp"} prober: ICMP echo (ping) over IPv4 and IPv6, on an unprivileged ping socket where
 * {@code net.ipv4.ping_group_range} admits this process, else on a raw socket (root or {@code CAP_NET_RAW}).
 * Outcomes: {@link EchoReply}, or one of core's generic ones (timed out, unreachable, TTL exceeded, local error).
 * Options: {@link IcmpOptions}, plus the common TTL and TOS.
 */
public final class IcmpProberProvider implements ProberProvider {
    /** The kind name requests use. */
    public static final String KIND = "icmp";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "ICMP echo (ping) on unprivileged ping sockets or raw sockets, IPv4 and IPv6";
    }

    @Override
    public Availability availability() {
        try {
            Availability nativeIo = NativeTerms.availability();
            if (!nativeIo.available()) {
                return nativeIo;
            }
            NativeIoException dgram = IcmpSockets.tryOpen(false, false);
            if (dgram == null) {
                return Availability.ok();
            }
            NativeIoException raw = IcmpSockets.tryOpen(false, true);
            if (raw == null) {
                return Availability.ok();
            }
            return Availability.unavailable(reason(dgram, raw), fixes());
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("ICMP sockets cannot be checked: " + e, fixes());
        }
    }

    @Override
    public List<OutcomeType> outcomeTypes() {
        return List.of(EchoReply.TYPE);
    }

    @Override
    public Prober create(ProberContext context) {
        return new IcmpProber(context);
    }

    private static String reason(NativeIoException dgram, NativeIoException raw) {
        StringBuilder sb = new StringBuilder(dgram != null && raw != null
                ? "neither an ICMP ping socket nor a raw socket can be opened"
                : raw != null ? "a raw ICMP socket cannot be opened" : "an ICMP ping socket cannot be opened");
        if (dgram != null) {
            sb.append(": ping socket: ").append(dgram.errnoName()).append(" (net.ipv4.ping_group_range is ")
                    .append(IcmpSockets.pingGroupRange()).append(")");
        }
        if (raw != null) {
            sb.append(dgram != null ? "; " : ": ").append("raw socket: ").append(raw.errnoName())
                    .append(" (needs root or CAP_NET_RAW)");
        }
        return sb.toString();
    }

    /**
     * The fixes, the ping socket first: it needs no privilege at all. For raw sockets, a capability for pathprobe's
     * run alone (an ambient capability given by its launcher) or for a copy of the runtime kept for it, never
     * {@code setcap} on the system's java, which would give raw sockets to every Java program on the host.
     */
    private static String[] fixes() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            java = Path.of(java).toRealPath().toString();
        } catch (java.io.IOException | RuntimeException ignored) {
            // keep the unresolved path
        }
        return new String[] {
            "sudo sysctl -w net.ipv4.ping_group_range=\"0 2147483647\" (unprivileged ping sockets for every group, "
                    + "as systemd sets it; keep it in /etc/sysctl.d/)",
            "for raw sockets, run as root or give CAP_NET_RAW to this run alone: sudo capsh "
                    + "--caps=\"cap_net_raw+eip cap_setpcap,cap_setuid,cap_setgid+ep\" --keep=1 --user=$USER "
                    + "--addamb=cap_net_raw -- -c 'bin/pathprobe ...' (or to a copy of the Java runtime kept for "
                    + "pathprobe: README, 'What needs privileges'); not setcap on " + java + ", which would give raw "
                    + "sockets to every Java program on this host",
            "use the tcp prober instead (pathprobe tcp HOST:PORT), which needs no privileges",
        };
    }

    /** The whole unavailability message, for probes whose socket failed to open on the engine's loop. */
    public static String unavailableMessage(NativeIoException dgram, NativeIoException raw) {
        return Availability.unavailable(reason(dgram, raw), fixes()).message();
    }
}
