package io.pathprobe.cli;

import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.evidence.ProbeSeries;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.report.ReportBundle;
import io.pathprobe.ticket.report.ResultsJson;
import io.pathprobe.ticket.report.SummaryText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pathprobe ticket} in this JVM against 127.0.0.1 only: a listener the test starts and a closed port, for
 * 3 s at 0.2 s. ICMP and MTR run when this host allows them (root or ping sockets); otherwise they are notes in the
 * evidence, which the assertions allow.
 */
@Timeout(120)
class TicketCommandTest {
    @TempDir
    Path dir;

    @Test
    void closedPortIsDiagnosedAndTheBundleWritten() throws Exception {
        try (TcpListener listener = TcpListener.onLoopback("127.0.0.1")) {
            int open = listener.port();
            int closed = TcpListener.closedPort("127.0.0.1");
            Path out = dir.resolve("bundle");
            Cli r = Cli.run("ticket", "127.0.0.1", "--port", open + "," + closed, "-d", "3s", "-i", "0.2",
                    "--timeout", "1", "--instance", "lb-test", "--out", out.toString());

            assertEquals(1, r.code(), () -> "a fault was found: exit 1; stdout: " + r.out() + "\nstderr: " + r.err());
            for (String f : List.of(ReportBundle.HTML, ReportBundle.SUMMARY, ReportBundle.RESULTS, ReportBundle.EVENTS)) {
                assertTrue(Files.size(out.resolve(f)) > 0, f + " written");
            }
            TicketResults res = ResultsJson.read(out.resolve(ReportBundle.RESULTS));
            assertEquals("lb-test", res.facts().instanceId());
            assertEquals(List.of(open, closed), res.facts().ports());
            assertFalse(res.facts().stoppedEarly());
            VantageEvidence v = res.vantagePoints().get(0);
            assertEquals("local", v.id());
            ProbeSeries good = v.tcp(open);
            ProbeSeries refused = v.tcp(closed);
            // 3 s at 0.2 s: about 15 connects each; at least 5 even on a slow machine (the engine paces by its clock).
            assertTrue(good.stats().answered() >= 5, good.stats()::toString);
            assertEquals(good.stats().answered(), good.stats().received(), "loopback listener: every connect succeeds");
            assertTrue(refused.stats().answered() >= 5, refused.stats()::toString);
            assertEquals(refused.stats().answered(), refused.stats().count(io.pathprobe.core.OutcomeType.REFUSED),
                    "closed loopback port: every connect refused");
            boolean pinged = v.ping() != null && v.ping().stats().received() > 0;
            if (pinged) {
                // The VIP answers ping and one port is refused: cause 1 (no listener on that port).
                assertEquals("no-listener", res.diagnosis().verdict(), res.diagnosis()::toString);
            } else {
                assertTrue(List.of("no-listener", "inconclusive").contains(res.diagnosis().verdict()),
                        res.diagnosis()::toString);
            }
            assertTrue(Files.readAllLines(out.resolve(ReportBundle.EVENTS)).size()
                    >= good.stats().answered() + refused.stats().answered(), "every connect in events.jsonl");

            // stdout: header, the summaries exactly as summary.txt has them, the diagnosis, the bundle.
            assertTrue(r.out().startsWith("ticket capture of 127.0.0.1, ports " + open + "," + closed
                    + ", from local, for 3 s; bundle in " + out), r.out());
            String summaryTxt = Files.readString(out.resolve(ReportBundle.SUMMARY));
            for (ProbeSeries s : List.of(good, refused)) {
                String block = String.join("\n", SummaryText.tcpSummary(s)) + "\n";
                assertTrue(r.out().contains(block), "stdout has " + block + ": " + r.out());
                assertTrue(summaryTxt.contains(block), "summary.txt has " + block);
            }
            assertTrue(r.out().contains("\nDIAGNOSIS: " + res.diagnosis().headline() + "\n"), r.out());
            assertTrue(r.out().contains("Report bundle in " + out + ":\n  report.html "), r.out());

            // stderr: progress lines only, the last at the end.
            List<String> err = r.err().lines().toList();
            assertFalse(err.isEmpty(), "progress on stderr");
            err.forEach(l -> assertTrue(l.startsWith("progress: "), "only progress on stderr: " + l));
            String last = err.get(err.size() - 1);
            assertTrue(last.matches("progress: 00:0\\d elapsed, 00:00 left, \\d+ probes sent \\| .*"), last);
            assertTrue(last.contains("| local tcp 127.0.0.1:" + closed + " 100.0% loss"), last);
            assertTrue(last.contains("| local tcp 127.0.0.1:" + open + " 0.0% loss"), last);
        }
    }

    /** --lang zh-CN: the diagnosis lines and summary.txt in Chinese, the measurements and results.json as ever. */
    @Test
    void chineseDiagnosisAndSummary() throws Exception {
        try (TcpListener listener = TcpListener.onLoopback("127.0.0.1")) {
            int closed = TcpListener.closedPort("127.0.0.1");
            Path out = dir.resolve("zh");
            Cli r = Cli.run("ticket", "127.0.0.1", "--port", listener.port() + "," + closed, "-d", "2s", "-i", "0.2",
                    "--timeout", "1", "--lang", "zh-CN", "--out", out.toString());
            TicketResults res = ResultsJson.read(out.resolve(ReportBundle.RESULTS));
            java.util.Locale zh = java.util.Locale.SIMPLIFIED_CHINESE;
            String headline = res.diagnosis().headline(zh);
            assertTrue(headline.codePoints().anyMatch(c -> Character.UnicodeScript.of(c)
                    == Character.UnicodeScript.HAN), headline);
            assertTrue(r.out().contains("\n诊断结论：" + headline + "\n"), r.out());
            assertFalse(r.out().contains("DIAGNOSIS:"), r.out());
            for (String step : res.diagnosis().nextSteps(zh)) {
                assertTrue(r.out().contains("  - " + step + "\n"), step);
            }
            String summaryTxt = Files.readString(out.resolve(ReportBundle.SUMMARY));
            assertEquals(SummaryText.render(res, zh), summaryTxt, "summary.txt in Chinese");
            assertTrue(summaryTxt.contains("提交工单时请附上以下信息："), summaryTxt);
            ProbeSeries s = res.vantagePoints().get(0).tcp(closed);
            assertTrue(r.out().contains(String.join("\n", SummaryText.tcpSummary(s)) + "\n"),
                    "the tool's summary as it is");
            assertTrue(Files.readString(out.resolve(ReportBundle.HTML)).contains("<html lang=\"zh-CN\">"));
        }
    }

    /** A listener that accepts everything, a hostcheck report as evidence: no fault found, exit 0. */
    @Test
    void healthyListenerExitsZeroWithHostcheckEvidence() throws Exception {
        Path hostcheck = dir.resolve("web1.json");
        Cli h = Cli.run("hostcheck", "--json");
        assertTrue(h.code() == 0 || h.code() == 1, h::err);
        Files.writeString(hostcheck, h.out());
        try (TcpListener listener = TcpListener.onLoopback("127.0.0.1")) {
            Path out = dir.resolve("healthy");
            Cli r = Cli.run("ticket", "127.0.0.1:" + listener.port(), "-d", "3s", "-i", "0.2", "--timeout", "1",
                    "--hostcheck", hostcheck.toString(), "-o", out.toString());
            TicketResults res = ResultsJson.read(out.resolve(ReportBundle.RESULTS));
            assertEquals(1, res.hostChecks().size(), "the hostcheck report is evidence");
            assertEquals(ResultsJson.readHostCheck(hostcheck), res.hostChecks().get(0));
            assertEquals("no-fault-found", res.diagnosis().verdict(), res.diagnosis()::toString);
            assertEquals(0, r.code(), () -> "no fault found: exit 0; " + r.out() + r.err());
        }
    }

    @Test
    void progressEveryThirtiethOfTheDurationBetweenOneAndTenSeconds() {
        assertEquals(1000, TicketCommand.progressEvery(java.time.Duration.ofSeconds(3)).toMillis());
        assertEquals(2000, TicketCommand.progressEvery(java.time.Duration.ofMinutes(1)).toMillis());
        assertEquals(10_000, TicketCommand.progressEvery(java.time.Duration.ofMinutes(10)).toMillis());
    }

    /**
     * Bad input: one line, exit 2, nothing sent, no directory made. Every target is loopback, so even a case that
     * wrongly got through would send nothing off this host (and the 1 s duration keeps it short).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ticket                                       | Missing required options and parameters: '--out=DIR', 'TARGET'",
        "ticket 127.0.0.1 -o OUT                      | no listener port given: add --port PORTS",
        "ticket 127.0.0.1 -p 0 -o OUT                 | --port: port 0 is out of range: use 1 to 65535",
        "ticket 127.0.0.1:80- -o OUT                  | port range '80-' needs both ends",
        "ticket 127.0.0.1:9 -d 0 -o OUT               | --duration must be more than 0",
        "ticket 127.0.0.1:9 -d 5x -o OUT              | --duration: '5x' is not a duration",
        "ticket 127.0.0.1:9 -i 0.01 -d 1 -o OUT       | --interval 0.01 s is shorter than 0.2 s",
        "ticket 127.0.0.1:9 --timeout 0 -o OUT        | --timeout must be more than 0",
        "ticket 127.0.0.1:9 --health-checks maybe -o OUT | health check status 'maybe' is not known",
        "ticket 127.0.0.1:9 --backends 10.0.0.1,x -o OUT | backend 'x' is not an IP address",
        "ticket 127.0.0.1:9 --public-ip-url ftp://x -o OUT | --public-ip-url ftp://x must be an http or https URL",
        "ticket 127.0.0.1:9 --vantage bogus:x -o OUT  | 'bogus:x' is not understood",
        "ticket 127.0.0.1:9 --vantage netns:pp-none -o OUT | network namespace 'pp-none' does not exist",
        "ticket 127.0.0.1:9 --vantage src:192.0.2.99 -o OUT | 192.0.2.99 is not an address of this host",
        "ticket 127.0.0.1:9 --vantage dev:nosuch0 -o OUT | no interface named 'nosuch0'",
        "ticket 127.0.0.1:9 --vantage ::1 -o OUT      | are of different IP versions",
        "ticket 127.0.0.1:9 --vantage local --vantage local -o OUT | name one twice",
        "ticket 127.0.0.1:9 --hostcheck OUT/none.json -o OUT | none.json: no such file",
        "ticket nohost.invalid:80 -o OUT              | cannot resolve host 'nohost.invalid'",
        "ticket 127.0.0.1:9 -6 -o OUT                 | host '127.0.0.1' has no IPv6 address",
        "ticket 127.0.0.1:9 -4 -6 -o OUT              | -4 and -6 contradict each other",
        "ticket 127.0.0.1 -p 1-65535 -d 2s -o OUT     | --port: 65535 ports are more than the 64 a ticket capture checks",
        "ticket 127.0.0.1:1-65 -o OUT                 | --port: 65 ports are more than the 64",
        "ticket 127.0.0.1:9 -d 25h -o OUT             | --duration 25h is longer than 24 h",
        "ticket 127.0.0.1:1-64 -d 24h -o OUT          | this capture would record about 174,096,000 probe outcomes",
        "ticket 127.0.0.1:9 -o /proc/pathprobe-test   | --out: cannot create output directory /proc/pathprobe-test",
        "ticket 127.0.0.1:9 --lang fr -o OUT          | --lang fr is not a language of the report: give en or zh-CN",
        "hostcheck --backends nohost                  | backend 'nohost' is not an IP address",
        "hostcheck --netns pp-none                    | no network namespace pp-none",
    })
    void badInputIsOneLineAndExit2(String args, String expected) {
        Path out = dir.resolve("out");
        List<String> argv = new ArrayList<>();
        for (String a : args.trim().split("\\s+")) {
            argv.add(a.replace("OUT", out.toString()));
        }
        Cli.run(argv.toArray(new String[0])).assertUsageError(expected.trim());
        assertFalse(Files.exists(out), "no output directory for bad input");
    }

    @Test
    void notAHostcheckReportIsAUsageError() throws Exception {
        Path notJson = dir.resolve("hosts.json");
        Files.writeString(notJson, "{\"host\": \"x\"}");
        Cli.run("ticket", "127.0.0.1:9", "--hostcheck", notJson.toString(), "-o", dir.resolve("o").toString())
                .assertUsageError("is not a hostcheck report");
    }

    @Test
    void helpListsTheBundleAndExitStatuses() {
        Cli help = Cli.run("ticket", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Exit status: 0 no fault found, 1 a fault diagnosed or inconclusive"), help.out());
        assertNotNull(help.out());
        Cli top = Cli.run("--help");
        assertTrue(top.out().contains("ticket") && top.out().contains("hostcheck"), top.out());
    }
}
