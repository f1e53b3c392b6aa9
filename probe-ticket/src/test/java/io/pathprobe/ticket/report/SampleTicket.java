package io.pathprobe.ticket.report;

import io.pathprobe.ticket.diagnosis.Diagnoser;
import io.pathprobe.ticket.evidence.HopEvidence;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.Sample;
import io.pathprobe.ticket.evidence.SeriesStats;
import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.TraceEvidence;
import io.pathprobe.ticket.evidence.VantageEvidence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A constructed two-client ticket for rendering tests: client A loses 8% from hop 2 on (cause 4), client B is
 * clean. Deterministic (seeded), no network.
 */
final class SampleTicket {
    static final String VIP = "203.0.113.10";

    private SampleTicket() {
    }

    static TicketResults results() {
        TicketFacts facts = new TicketFacts("lb-2ze8example", VIP, VIP, List.of(80, 443), List.of(), "passing",
                "2024-05-01T09:00:00Z", "2024-05-01T09:05:00Z", 300_000, false);
        VantageEvidence a = new VantageEvidence("netns:client-a", "netns", Map.of("namespace", "client-a"),
                "10.0.1.2", "198.51.100.7", series("ping", 0, 300, 0.08, 21, 1), List.of(
                trace("icmp", 0, 0.08), trace("tcp", 443, 0.08)),
                List.of(series("tcp", 80, 300, 0.08, 22, 2), series("tcp", 443, 300, 0.08, 23, 3)), List.of());
        VantageEvidence b = new VantageEvidence("netns:client-b", "netns", Map.of("namespace", "client-b"),
                "10.0.3.2", null, series("ping", 0, 300, 0, 9, 4), List.of(trace("icmp", 0, 0)),
                List.of(series("tcp", 80, 300, 0, 10, 5), series("tcp", 443, 300, 0, 10, 6)), List.of());
        TicketEvidence e = new TicketEvidence(facts, List.of(a, b), List.of());
        return TicketResults.of(e, new Diagnoser().diagnose(e), "pathprobe test");
    }

    /** {@code n} probes a second apart, each lost with probability {@code loss}, RTT around {@code base} ms. */
    static ProbeSeries series(String check, int port, int n, double loss, double base, long seed) {
        Random rnd = new Random(seed);
        List<Sample> samples = new ArrayList<>();
        long ok = 0;
        double sum = 0;
        double sumSq = 0;
        double min = Double.MAX_VALUE;
        double max = 0;
        String okLabel = check.equals("ping") ? "reply" : "connected";
        for (int i = 0; i < n; i++) {
            if (rnd.nextDouble() < loss) {
                samples.add(new Sample(i * 1000L + 2000, i + 1, "timed-out", null));
                continue;
            }
            double rtt = base + Math.abs(rnd.nextGaussian()) * base * 0.15 + (i > 120 && i < 150 ? base * 0.8 : 0);
            samples.add(new Sample(i * 1000L + (long) rtt, i + 1, okLabel, rtt));
            ok++;
            sum += rtt;
            sumSq += rtt * rtt;
            min = Math.min(min, rtt);
            max = Math.max(max, rtt);
        }
        double avg = sum / ok;
        double mdev = Math.sqrt(Math.max(0, sumSq / ok - avg * avg));
        Map<String, Long> outcomes = new LinkedHashMap<>();
        outcomes.put(okLabel, ok);
        if (n - ok > 0) {
            outcomes.put("timed-out", n - ok);
        }
        SeriesStats st = new SeriesStats(n, ok, 0, 0, 0, 100.0 - 100.0 * ok / n, outcomes, 0, 0, min, avg, max, mdev,
                mdev, avg, avg, max * 0.95, max, 0.5, 2.0, n * 1000L);
        return new ProbeSeries(check, VIP, port, st, samples, 0);
    }

    static TraceEvidence trace(String mode, int port, double lossFromHop2) {
        List<HopEvidence> hops = new ArrayList<>();
        String[] addrs = {"10.0.1.1", "192.0.2.1", "198.51.100.254", VIP};
        for (int ttl = 1; ttl <= 4; ttl++) {
            double loss = ttl >= 2 ? 100 * lossFromHop2 : 0;
            long sent = 300;
            long rcv = Math.round(sent * (1 - loss / 100));
            double rtt = 0.4 + ttl * (lossFromHop2 > 0 ? 5 : 2.2);
            hops.add(new HopEvidence(ttl, List.of(addrs[ttl - 1]), sent, rcv, loss, rtt, rtt, rtt * 0.8, rtt * 1.9,
                    rtt * 0.1, false, ttl == 4));
        }
        return new TraceEvidence(mode, port, 300, hops, lossFromHop2 > 0 ? 2 : null, true, "destination reached", null,
                null);
    }
}
