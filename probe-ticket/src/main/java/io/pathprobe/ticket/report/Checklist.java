package io.pathprobe.ticket.report;

import io.pathprobe.ticket.diagnosis.Signals;
import io.pathprobe.ticket.diagnosis.Text;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.internal.Addresses;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * What support asks to have attached to a ticket, ticked from the capture's own facts: the load balancer's
 * instance ID or VIP, the client's public IP, and long-running ping and MTR captures to the VIP. Each item says
 * what is there, or what is missing and which option gets it.
 */
public final class Checklist {
    /**
     * How long a capture must run to count as "long-running": pathprobe's default {@code --duration}. At one
     * probe a second that is 600 pings, enough for a 1% loss to show as some six lost probes.
     */
    public static final Duration LONG_RUN = Duration.ofMinutes(10);

    private Checklist() {
    }

    /**
     * One item.
     *
     * @param id      {@code instance}, {@code public-ip}, {@code ping} or {@code mtr}
     * @param present whether the capture has it
     * @param text    what is there, or what is missing and how to get it
     */
    public record Item(String id, boolean present, Text text) {
    }

    public static List<Item> of(TicketResults r) {
        TicketFacts f = r.facts();
        List<Item> out = new ArrayList<>();
        out.add(f.instanceId() != null
                ? new Item("instance", true, Text.of("checklist.instance", f.instanceId(), f.vip()))
                : new Item("instance", true, Text.of("checklist.instance.vip-only", f.vip())));

        List<Text> known = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (VantageEvidence v : r.vantagePoints()) {
            // A source address that is public is what the provider sees (no NAT in between).
            String ip = v.publicIp() != null ? v.publicIp() : v.sourceAddress() != null
                    && !Addresses.isPrivate(v.sourceAddress()) ? v.sourceAddress() : null;
            if (ip != null) {
                known.add(Text.of("vantage.with-ip", ip, v.id()));
            } else {
                unknown.add(v.id());
            }
        }
        if (unknown.isEmpty() && !known.isEmpty()) {
            out.add(new Item("public-ip", true, Text.of("checklist.public-ip", Text.join("list.comma", known))));
        } else if (known.isEmpty()) {
            out.add(new Item("public-ip", false, Text.of("checklist.public-ip.missing")));
        } else {
            out.add(new Item("public-ip", false, Text.of("checklist.public-ip.some", Text.join("list.comma", known),
                    String.join(", ", unknown))));
        }

        Duration captured = captured(f);
        boolean longRun = captured.toMillis() >= LONG_RUN.toMillis() * 95 / 100; // a stop a few seconds early is fine
        String length = Formats.duration(captured.toMillis());
        List<String> noPing = r.vantagePoints().stream().filter(v -> Signals.ping(v)
                == io.pathprobe.ticket.diagnosis.Health.UNMEASURED).map(VantageEvidence::id).toList();
        out.add(measured("ping", noPing, longRun, length));
        List<String> noTrace = r.vantagePoints().stream().filter(v -> v.traces().stream()
                .noneMatch(Checklist::ran)).map(VantageEvidence::id).toList();
        out.add(measured("mtr", noTrace, longRun, length));
        return out;
    }

    private static Item measured(String id, List<String> without, boolean longRun, String length) {
        String min = Formats.duration(LONG_RUN.toMillis());
        if (!without.isEmpty()) {
            return new Item(id, false, Text.of("checklist." + id + ".none", String.join(", ", without)));
        }
        return longRun ? new Item(id, true, Text.of("checklist." + id, length))
                : new Item(id, false, Text.of("checklist." + id + ".short", length, min));
    }

    private static boolean ran(TraceEvidence t) {
        return t.error() == null && t.rounds() > 0;
    }

    /** From start to end (to now when still running); the planned duration when the instants cannot be read. */
    static Duration captured(TicketFacts f) {
        try {
            Instant start = Instant.parse(f.start());
            Instant end = f.end() == null ? Instant.now() : Instant.parse(f.end());
            return Duration.between(start, end);
        } catch (DateTimeParseException | NullPointerException e) {
            return Duration.ofMillis(f.plannedDurationMs());
        }
    }
}
