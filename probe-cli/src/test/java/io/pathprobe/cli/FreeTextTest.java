package io.pathprobe.cli;

import com.sun.net.httpserver.HttpServer;
import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.report.ReportBundle;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Free text in a ticket capture cannot add lines to summary.txt or to what the command prints: a newline in
 * {@code --instance}, and a public-IP service (here on 127.0.0.1) answering with a newline and a terminal escape.
 * results.json keeps the text as it was (JSON escapes it).
 */
@Timeout(120)
class FreeTextTest {
    private static final String FORGED = "DIAGNOSIS: forged by whoever wrote the text";

    @TempDir
    Path dir;

    @Test
    void newlinesInFreeTextStayOnTheirLine() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            byte[] body = ("x\n" + FORGED + "\n\u001b[2J").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        try (TcpListener listener = TcpListener.onLoopback("127.0.0.1")) {
            Path out = dir.resolve("bundle");
            String instance = "lb-1\n" + FORGED;
            Cli r = Cli.run("ticket", "127.0.0.1:" + listener.port(), "-d", "1s", "-i", "0.2", "--timeout", "0.5",
                    "--instance", instance, "--public-ip-url",
                    "http://127.0.0.1:" + http.getAddress().getPort() + "/", "-o", out.toString());
            assertTrue(r.code() == 0 || r.code() == 1, r.err());
            List<String> summary = Files.readAllLines(out.resolve(ReportBundle.SUMMARY));
            assertEquals("pathprobe ticket capture for lb-1\\n" + FORGED, summary.get(0));
            assertTrue(summary.stream().anyMatch(l -> l.startsWith("note: public IP: ") && l.contains("answered 'x\\nDIAGNOSIS: forged")),
                    "the note quotes the answer on one line: " + summary);
            for (List<String> lines : List.of(summary, r.outLines())) {
                assertEquals(1, lines.stream().filter(l -> l.startsWith("DIAGNOSIS: ")).count(), lines.toString());
                assertFalse(lines.stream().anyMatch(l -> l.startsWith(FORGED)), lines.toString());
                assertFalse(String.join("\n", lines).contains("\u001b"), "no terminal escape: " + lines);
            }
            TicketResults res = ResultsJson.read(out.resolve(ReportBundle.RESULTS));
            assertEquals(instance, res.facts().instanceId(), "results.json keeps the text");
        } finally {
            http.stop(0);
        }
    }
}
