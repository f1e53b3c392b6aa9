package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.testkit.TcpListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Ctrl-C: a real SIGINT to a real {@code pathprobe tcp -t} process (this test class path, a loopback listener). The
 * summary of what was measured must come out once, complete, and agree with the lines printed before it. For
 * {@code pathprobe ticket}, the report bundle must still be written.
 * A process started from a background job inherits SIGINT as ignored; pathprobe handles it all the same
 * ({@link InheritedSigintTest}), so SIGINT is what these tests send.
 */
@Timeout(120)
class CtrlCTest {
    @Test
    void sigintPrintsTheSummaryOnceAndExits130() throws Exception {
        try (TcpListener listener = TcpListener.onLoopback("127.0.0.1")) {
            String target = "127.0.0.1:" + listener.port();
            Process p = start("tcp", "-t", "-i", "0.02", target);
            List<String> lines = new ArrayList<>();
            int signal;
            try (BufferedReader out = reader(p)) {
                readUntil(out, lines, 5, "connected to " + target + " time=");
                signal = interrupt(p);
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    lines.add(l);
                }
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ends after SIGINT");
            assertEquals(128 + signal, p.exitValue(), "exit status after signal " + signal + "; output: " + lines);
            long connected = lines.stream().filter(l -> l.startsWith("connected to " + target + " time=")).count();
            assertEquals(1, lines.stream().filter(l -> l.equals("--- " + target + " tcp connect statistics ---")).count(),
                    "one summary: " + lines);
            String counts = lines.stream().filter(l -> l.matches("\\d+ attempted, .*")).findFirst().orElseThrow();
            assertTrue(counts.startsWith(connected + " attempted, " + connected + " connected, 0 failed"),
                    "the summary counts exactly the lines printed: " + connected + " lines, " + counts);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("rtt min/avg/max/mdev = ")), lines.toString());
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("rtt ") || last.startsWith("SYN "), "the summary is last: " + last);
        }
    }

    @Test
    void sigintWithJsonWritesOneCompleteDocument() throws Exception {
        try (TcpListener listener = TcpListener.onLoopback("127.0.0.1")) {
            String target = "127.0.0.1:" + listener.port();
            Path err = Files.createTempFile("pathprobe-ctrlc", ".err");
            try {
                Process p = start(err, "tcp", "--json", "-t", "-i", "0.02", target);
                // JSON mode prints nothing before the end: watch the listener instead.
                assertTrue(listener.awaitAccepted(5, Duration.ofMillis(30_000)), "the run connects");
                int signal = interrupt(p);
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ends after the signal");
                assertEquals(128 + signal, p.exitValue(), "exit status; stderr: " + Files.readString(err));
                JsonNode doc = new ObjectMapper().readTree(out);
                JsonNode t = doc.get("targets").get(0);
                JsonNode s = t.get("summary");
                assertEquals(s.get("attempted").asInt(), t.get("probes").size(), "a probe entry per attempt: " + out);
                assertEquals(s.get("connected").asInt(), t.get("probes").size(), out);
                // Probes end out of order on two event loops, so one still in flight at the signal may leave a gap
                // (it is left out, as mtr does): every ended probe appears once, in sequence order, and the
                // gaps are probes reported in flight (sent = ended + in flight, and no ended seq exceeds sent).
                int previous = 0;
                for (JsonNode probe : t.get("probes")) {
                    int seq = probe.get("seq").asInt();
                    assertTrue(seq > previous, "no probe doubled or out of order: " + out);
                    previous = seq;
                }
                assertTrue(previous <= t.get("probes").size() + s.get("inFlight").asInt(),
                        "every gap is a probe in flight: " + out);
            } finally {
                Files.deleteIfExists(err);
            }
        }
    }

    /** Ctrl-C during a ten-minute ticket capture: the bundle is still written, stopped early, and the result printed. */
    @Test
    void sigintDuringTicketWritesTheBundle() throws Exception {
        try (TcpListener listener = TcpListener.onLoopback("127.0.0.1")) {
            Path dir = Files.createTempDirectory("pathprobe-ticket-ctrlc");
            Path err = dir.resolve("stderr.txt");
            Path out = dir.resolve("bundle");
            try {
                Process p = start(err, "ticket", "127.0.0.1:" + listener.port(), "-d", "10m", "-i", "0.2",
                        "--timeout", "1", "-o", out.toString());
                assertTrue(listener.awaitAccepted(5, Duration.ofMillis(30_000)), "the capture connects");
                // Accepts can precede the prober's outcomes (a TCP-mode trace's 30 TTLs all connect on loopback):
                // signal once something was measured, bounded by 30 s of polling.
                Path events = out.resolve("events.jsonl");
                for (int i = 0; i < 300 && (!Files.exists(events) || Files.size(events) == 0); i++) {
                    Thread.sleep(100);
                }
                int signal = interrupt(p);
                String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ends after the signal");
                assertEquals(128 + signal, p.exitValue(), "exit status; stderr: " + Files.readString(err));
                for (String f : List.of("report.html", "summary.txt", "results.json", "events.jsonl")) {
                    assertTrue(Files.size(out.resolve(f)) > 0, f + " written; stdout: " + stdout);
                }
                JsonNode facts = new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("facts");
                assertTrue(facts.get("stoppedEarly").asBoolean(), facts.toString());
                assertTrue(stdout.contains("\nDIAGNOSIS: "), stdout);
                assertTrue(stdout.contains("\nReport bundle in " + out + ":\n"), stdout);
                assertTrue(Files.readString(err).startsWith("progress: ") || Files.readString(err).isEmpty(),
                        "stderr has progress only: " + Files.readString(err));
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /**
     * Ctrl-C during a sustained {@code pathprobe mtr --out} capture: one report on stdout with fewer rounds than the
     * duration would have sent, report.txt and report.json written, and the series holding exactly the probes the
     * report counts as ended (a probe counts in the series when its outcome arrives; in flight at the stop: neither).
     */
    @Test
    void sigintDuringAnMtrCaptureWritesTheReportAndTheSeries() throws Exception {
        Path dir = Files.createTempDirectory("pathprobe-mtr-ctrlc");
        Path err = dir.resolve("stderr.txt");
        Path out = dir.resolve("capture");
        try {
            Process p = start(err, "mtr", "-n", "-c", "0", "--duration", "10m", "-i", "0.1", "--out", out.toString(),
                    "--snapshot", "0.5", "127.0.0.1");
            Path series = out.resolve("series.csv");
            // Two intervals written (header + 2 rows at least), bounded by 30 s of polling.
            for (int i = 0; i < 300 && (!Files.exists(series) || Files.readAllLines(series).size() < 3); i++) {
                Thread.sleep(100);
            }
            assertTrue(Files.readAllLines(series).size() >= 3, "the series grows while the capture runs");
            int signal = interrupt(p);
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ends after the signal");
            assertEquals(128 + signal, p.exitValue(), "exit status; stderr: " + Files.readString(err));
            assertEquals(1, stdout.lines().filter(l -> l.startsWith("HOST: ")).count(), "one report: " + stdout);
            assertEquals(stdout, Files.readString(out.resolve("report.txt")), "report.txt is the printed report");
            JsonNode hub = new ObjectMapper().readTree(out.resolve("report.json").toFile())
                    .get("report").get("hubs").get(0);
            long sent = hub.get("Snt").asLong();
            assertTrue(sent >= 5 && sent < 6000, "stopped early, after a few rounds: Snt " + sent);
            long seriesSent = 0;
            List<String> rows = Files.readAllLines(series);
            assertEquals("interval_start,interval_end,ttl,host,sent,received,lost,loss_pct,rtt_min_ms,rtt_avg_ms,"
                    + "rtt_p50_ms,rtt_p90_ms,rtt_p99_ms,rtt_max_ms", rows.get(0));
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split(",", -1);
                if (f[2].equals("1")) {
                    seriesSent += Long.parseLong(f[4]);
                }
            }
            // Loopback loses nothing: every probe of hop 1 ended but those in flight at the stop (at most a few).
            long inFlightAtStop = sent - seriesSent;
            assertTrue(inFlightAtStop >= 0 && inFlightAtStop <= 2, "series " + seriesSent + " of Snt " + sent);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /**
     * Ctrl-C during a sweep ({@code -c 1} over 20,000 ports, paced to 1,000 a second so that it cannot end first):
     * one report whose counts cover every port, those the signal left unprobed among them, and exit 130.
     */
    @Test
    void sigintDuringASweepCountsWhatEndedAndWhatWasNotProbed() throws Exception {
        Process p = start("tcp", "-c", "1", "--rate", "1000", "-p", "20000-39999", "127.0.0.1");
        List<String> lines = new ArrayList<>();
        int signal;
        try (BufferedReader out = reader(p)) {
            readUntil(out, lines, 1, "TCP sweep of 127.0.0.1: 20000 ports");
            Thread.sleep(500); // let some connects end (the counts are right whatever the number)
            signal = interrupt(p);
            for (String l = out.readLine(); l != null; l = out.readLine()) {
                lines.add(l);
            }
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ends after SIGINT");
        assertEquals(128 + signal, p.exitValue(), "exit status; output: " + lines);
        assertEquals(1, lines.stream().filter(l -> l.equals("--- 127.0.0.1 tcp sweep: 20000 ports ---")).count(),
                "one report: " + lines);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(\\d+) open, (\\d+) refused, 0 timed out, 0 unreachable, (\\d+) not probed").matcher(
                lines.stream().filter(l -> l.contains(" open, ")).findFirst().orElseThrow());
        assertTrue(m.matches(), lines.toString());
        long open = Long.parseLong(m.group(1));
        long refused = Long.parseLong(m.group(2));
        long notProbed = Long.parseLong(m.group(3));
        assertEquals(20_000, open + refused + notProbed, "every port counted once: " + lines);
        assertTrue(notProbed > 0, "at 1,000/s the sweep was still running: " + lines);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("not probed ")), "unprobed ports are not listed");
    }

    private static Process start(String... args) throws IOException {
        return start(null, args);
    }

    /** This JVM's java and class path, with the same hosts file and native-access options as the tests. */
    private static Process start(Path err, String... args) throws IOException {
        List<String> cmd = ChildCli.command(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (err == null) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(err.toFile());
        }
        return pb.start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads lines until {@code n} of them start with {@code prefix}; bounded by the class timeout and EOF. */
    private static void readUntil(BufferedReader in, List<String> lines, int n, String prefix) throws IOException {
        int seen = 0;
        while (seen < n) {
            String l = in.readLine();
            if (l == null) {
                fail("the run ended before " + n + " lines starting '" + prefix + "': " + lines);
            }
            lines.add(l);
            if (l.startsWith(prefix)) {
                seen++;
            }
        }
    }

    /**
     * Sends SIGINT, as Ctrl-C in a terminal does.
     *
     * @return the signal number sent
     */
    private static int interrupt(Process p) throws Exception {
        int signal = 2;
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " works");
        return signal;
    }

    /** Whether SIGINT (signal 2, bit 1) is in the process's ignored set, from /proc/PID/status. */
    static boolean ignoresSigint(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 2) != 0;
            }
        }
        throw new IllegalStateException("no SigIgn line in /proc/" + pid + "/status");
    }
}
