package io.pathprobe.ticket;

import io.pathprobe.testkit.TcpListener;

import io.pathprobe.ticket.agent.Vantages;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.report.ReportBundle;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The capture runner on loopback (127.0.0.1 only): a listener that accepts, the ping, the bundle, the event log
 * and the progress callback. Probers that cannot run here (no permission, not on the class path) must show up as
 * notes rather than failures.
 */
class TicketCaptureLoopbackTest {
    @TempDir
    Path out;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void capturesALoopbackListenerAndWritesTheBundle() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (TcpListener server = TcpListener.onHost(lo, 0)) {
            List<CaptureProgress> progress = new CopyOnWriteArrayList<>();
            TicketCapture c = TicketCapture.builder("127.0.0.1", lo).ports(List.of(server.port()))
                    .duration(Duration.ofSeconds(3)).pingInterval(Duration.ofMillis(100))
                    .tcpInterval(Duration.ofMillis(100)).timeout(Duration.ofSeconds(1)).instanceId("lb-test")
                    .traceModes(List.of()).outputDir(out).progress(progress::add, Duration.ofMillis(500)).build();
            TicketResults r = c.run();

            assertEquals(1, r.vantagePoints().size());
            VantageEvidence v = r.vantagePoints().get(0);
            assertEquals("local", v.id());
            assertEquals("127.0.0.1", v.sourceAddress(), "the kernel's source toward 127.0.0.1");
            assertFalse(r.facts().stoppedEarly());
            int events = 0;
            events += checkSeries(v.ping(), v, "icmp");
            ProbeSeries tcp = v.tcp(server.port());
            events += checkSeries(tcp, v, "tcp");
            assertTrue(v.notes().stream().anyMatch(n -> n.contains("MTR traces not run")), v.notes()::toString);

            for (String f : List.of(ReportBundle.HTML, ReportBundle.SUMMARY, ReportBundle.RESULTS, ReportBundle.EVENTS)) {
                assertTrue(Files.size(out.resolve(f)) > 0, f + " written");
            }
            assertEquals(r, ResultsJson.read(out.resolve(ReportBundle.RESULTS)));
            // Every ended probe is in events.jsonl (in-flight ones at the end are left out of both).
            assertEquals(events, Files.readAllLines(out.resolve(ReportBundle.EVENTS)).size());
            assertTrue(progress.size() >= 2, "progress reported during the run and at the end");
            assertEquals(Duration.ZERO, progress.get(progress.size() - 1).remaining());
            if (events > 0) {
                assertEquals("no-fault-found", r.diagnosis().verdict(), r.diagnosis().toString());
            }
        }
    }

    /** The series ran and was clean, or its prober could not run here and a note says so. Returns its outcomes. */
    private static int checkSeries(ProbeSeries s, VantageEvidence v, String kind) {
        if (s == null || s.stats().sent() == 0) {
            assertTrue(v.notes().stream().anyMatch(n -> n.contains("not run")), kind + ": " + v.notes());
            return 0;
        }
        // 3 s at 100 ms: about 30 probes; at least 10 even on a slow machine (pacing is by the engine's clock).
        assertTrue(s.stats().sent() >= 10, s.label() + " sent " + s.stats().sent());
        assertEquals(0, s.stats().failed(), s.label() + " on loopback never fails: " + s.stats());
        assertEquals(s.stats().answered(), s.samples().size());
        return (int) s.stats().answered();
    }

    /** The public-IP lookup asks the URL from the vantage point and keeps what it answers, if it is an address. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void publicIpComesFromTheUrl() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(lo, 0), 0);
        List<String> answers = new CopyOnWriteArrayList<>(List.of("198.51.100.7\n", "<html>rate limited</html>"));
        http.createContext("/ip", ex -> {
            byte[] body = answers.remove(0).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        try {
            java.net.URI url = java.net.URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/ip");
            for (String expected : new String[]{"198.51.100.7", null}) {
                TicketResults r = TicketCapture.builder("127.0.0.1", lo).ports(List.of(9))
                        .duration(Duration.ofMillis(300)).traceModes(List.of()).publicIpUrl(url)
                        .outputDir(out.resolve(String.valueOf(expected))).build().run();
                VantageEvidence v = r.vantagePoints().get(0);
                assertEquals(expected, v.publicIp());
                if (expected == null) {
                    assertTrue(v.notes().stream().anyMatch(n -> n.contains("rate limited") && n.contains("not an address")),
                            v.notes()::toString);
                } else {
                    assertEquals(expected, v.clientAddress(), "the public IP is what the provider sees");
                }
            }
        } finally {
            http.stop(0);
        }
    }

    /** A vantage point bound to the loopback interface reports lo's address as its source. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void interfaceVantageReportsTheInterfacesAddress() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        TicketResults r = TicketCapture.builder("127.0.0.1", lo).ports(List.of(9)).duration(Duration.ofMillis(300))
                .traceModes(List.of()).vantagePoints(List.of(Vantages.parse("dev:lo", null))).outputDir(out).build().run();
        VantageEvidence v = r.vantagePoints().get(0);
        assertEquals("dev:lo", v.id());
        assertEquals("127.0.0.1", v.sourceAddress(), v.notes()::toString);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stopEndsEarlyAndStillWritesEverything() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        TicketCapture c = TicketCapture.builder("127.0.0.1", lo).ports(List.of(9)).duration(Duration.ofMinutes(10))
                .pingInterval(Duration.ofMillis(200)).timeout(Duration.ofSeconds(1)).traceModes(List.of()).outputDir(out)
                .build();
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            c.stop();
        });
        stopper.start();
        long t0 = System.nanoTime();
        TicketResults r = c.run();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "stop() ended a 10-minute capture");
        assertTrue(r.facts().stoppedEarly());
        assertNotNull(r.facts().end());
        assertTrue(Files.exists(out.resolve(ReportBundle.HTML)));
        assertEquals(r, c.awaitFinished(Duration.ofSeconds(1)));
    }
}
