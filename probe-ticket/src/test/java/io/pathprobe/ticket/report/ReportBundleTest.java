package io.pathprobe.ticket.report;

import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.tcp.TcpConnected;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.evidence.TicketResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportBundleTest {
    @TempDir
    Path dir;

    @Test
    void writesTheThreeFilesAndResultsReadBack() throws Exception {
        TicketResults r = SampleTicket.results();
        ReportBundle.write(dir, r);
        String json = Files.readString(dir.resolve("results.json"));
        assertTrue(json.contains("\"schema\" : \"pathprobe.ticket/1\""), json.substring(0, 200));
        TicketResults back = ResultsJson.read(dir.resolve("results.json"));
        assertEquals(r, back, "results.json reads back to the same records");
        assertTrue(Files.size(dir.resolve("report.html")) > 10_000);
        assertTrue(Files.size(dir.resolve("summary.txt")) > 500);
    }

    @Test
    void diagnosisOfTheSampleIsClientPath() {
        assertEquals("client-path", SampleTicket.results().diagnosis().verdict());
    }

    @Test
    void htmlIsSelfContained() {
        String html = ReportBundle.html(SampleTicket.results());
        for (String banned : List.of("<script", "<link", "src=", "url(", "@import", "<iframe", "<img")) {
            assertFalse(html.contains(banned), "report.html must not contain " + banned);
        }
        // The only URL is the SVG namespace name, which is never fetched.
        assertEquals(html.split("http").length - 1, html.split("xmlns=\"http://www.w3.org/2000/svg\"").length - 1);
        assertEquals(6, html.split("<svg ").length - 1, "one chart per ping and TCP check of each client");
        int diagnosis = html.indexOf("id=\"diagnosis\"");
        assertTrue(diagnosis > 0 && diagnosis < html.indexOf("<svg "), "the diagnosis comes before the charts");
    }

    @Test
    void selfCheckAndOverviewStatesReachTheReportAndSummary() {
        TicketResults r = SampleTicket.results();
        var a = r.vantagePoints().get(0).withSelf(new io.pathprobe.ticket.hostcheck.SelfCheck(List.of("10.0.1.2"),
                List.of(80), List.of("10.0.1.0/24"), List.of("10.0.1.1"), null, null, null));
        TicketResults withSelf = TicketResults.of(new io.pathprobe.ticket.evidence.TicketEvidence(r.facts(),
                List.of(a, r.vantagePoints().get(1)), List.of()), r.diagnosis(), "test");
        String line = "this host listens on :80 — is it one of the load balancer's backends?";
        String html = ReportBundle.html(withSelf);
        String text = SummaryText.render(withSelf);
        assertTrue(html.contains(HtmlReport.esc(line)), "report names the listener");
        assertTrue(text.contains(line), text);
        // client-a loses ~8% of everything: failing, never clean; client-b loses nothing: clean.
        assertTrue(text.contains("[netns:client-a] ping 203.0.113.10: failing ("), text);
        assertTrue(text.contains("[netns:client-b] ping 203.0.113.10: clean"), text);
        assertTrue(html.contains("<span class=\"chip FAILING\""), "a failing chip");
    }

    @Test
    void htmlEscapesWhatItShows() {
        assertEquals("&lt;b&gt; &amp; &quot;x&quot; &#39;", HtmlReport.esc("<b> & \"x\" '"));
    }

    @Test
    void sysctlLinesOfAStepBecomeACodeBlock() {
        String html = HtmlReport.stepHtml("On backend web1 (netns b1), add to /etc/sysctl.conf: "
                + "net.ipv4.conf.all.rp_filter = 0; net.ipv4.conf.eth0.rp_filter = 0 — then run 'sysctl -p'.");
        assertEquals("On backend web1 (netns b1), add to /etc/sysctl.conf:<pre>net.ipv4.conf.all.rp_filter = 0\n"
                + "net.ipv4.conf.eth0.rp_filter = 0\nsysctl -p</pre>", html);
        assertEquals("plain &amp; simple", HtmlReport.stepHtml("plain & simple"));
    }

    @Test
    void summaryHasPingsLayout() {
        String s = SummaryText.render(SampleTicket.results());
        assertTrue(s.startsWith("pathprobe ticket capture for lb-2ze8example\n"), s);
        assertTrue(s.contains("Start: 2024-05-01 09:00:00 UTC   End: 2024-05-01 09:05:00 UTC"), s);
        assertTrue(s.contains("\nDIAGNOSIS: Cause 4: Loss on the client's network or the carrier path"), s);
        assertTrue(s.contains("--- 203.0.113.10 ping statistics ---\n300 packets transmitted, 300 received, 0% packet"
                + " loss, time 300000ms\nrtt min/avg/max/mdev = "), s);
        assertTrue(s.contains("HOST: 10.0.1.2"), s);
        assertTrue(s.contains("  1.|-- 10.0.1.1"), s);
        assertTrue(s.contains("--- 203.0.113.10:443 tcp connect statistics ---"), s);
    }

    @Test
    void axisTimes() {
        assertEquals("2.5s", Formats.axisTime(2500, 500));
        assertEquals("0s", Formats.axisTime(0, 500));
        assertEquals("1m40s", Formats.axisTime(100_000, 50_000));
        assertEquals("20s", Formats.axisTime(20_000, 10_000));
    }

    @Test
    void eventLogWritesOneFlushedLinePerOutcome() throws Exception {
        Path f = dir.resolve("events.jsonl");
        EventLog log = EventLog.open(f);
        log.write(CaptureEvent.of(1, "2026-12-01T09:00:00Z", 5, "local", "tcp", 80, 1, 0,
                new TcpConnected(1_500_000, InetAddress.getByName("127.0.0.1"), 1, "")));
        log.write(CaptureEvent.of(2, "2026-12-01T09:00:01Z", 2005, "local", "ping", 0, 1, 0,
                new ProbeOutcome.TimedOut(2_000_000_000L)));
        // Flushed before close: a Ctrl-C after this point loses nothing.
        List<String> lines = Files.readAllLines(f);
        assertEquals(2, lines.size());
        var first = ResultsJson.mapper().readTree(lines.get(0));
        assertEquals("connected", first.get("outcome").asText());
        assertEquals(1.5, first.get("rttMs").asDouble());
        assertEquals("127.0.0.1", first.get("responder").asText());
        assertEquals("syn-retransmits=1", first.get("detail").asText());
        assertEquals("timed-out", ResultsJson.mapper().readTree(lines.get(1)).get("outcome").asText());
        log.close();
    }
}
