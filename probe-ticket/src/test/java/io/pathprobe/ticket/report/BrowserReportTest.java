package io.pathprobe.ticket.report;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens report.html in headless Chromium (Debian package {@code chromium}, installed by {@code .ci/run}): it
 * renders, the charts are there, and a screenshot lands in {@code target/browser/report.png}. The page is a local
 * file and the browser is told not to reach the network (no background networking, updates, sync or QUIC).
 */
@Tag("browser")
class BrowserReportTest {
    private static final long TIMEOUT_S = 90;

    @Test
    void rendersInHeadlessChromium() throws Exception {
        String chromium = findChromium();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium): browser test skipped");
        Path out = Path.of("target", "browser").toAbsolutePath();
        Files.createDirectories(out);
        ReportBundle.write(out, SampleTicket.results());
        Path html = out.resolve(ReportBundle.HTML);
        Path png = out.resolve("report.png");
        Files.deleteIfExists(png);

        run(chromium, out, "--screenshot=" + png, "--window-size=1280,2000", html.toUri().toString());
        assertTrue(Files.exists(png), "no screenshot written");
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 30_000, "screenshot of " + bytes.length + " bytes is too small to hold the report");
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));

        String dom = run(chromium, out, "--dump-dom", html.toUri().toString());
        assertEquals(6, count(dom, "<svg "), "the six charts are in the rendered DOM");
        assertTrue(count(dom, "<path class=\"rtt\"") >= 6, "each chart draws its RTT line");
        assertTrue(dom.contains("Cause 4: Loss on the client"), "the diagnosis headline is shown");
        for (String bad : List.of("ERR_", "This page isn", "Aw, Snap")) {
            assertFalse(dom.contains(bad), "error text in the rendered page: " + bad);
        }
    }

    private static String run(String chromium, Path out, String... args) throws Exception {
        Path profile = Files.createTempDirectory(out, "profile");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                // Chromium resolves service names of its own even with background networking off (20 DNS
                // queries a run to the system resolver, seen with an nft counter): no name resolves, nothing leaves.
                "--host-resolver-rules=MAP * ~NOTFOUND"));
        cmd.addAll(List.of(args));
        Path log = out.resolve("chromium.log");
        Path stdout = out.resolve("chromium.out");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(stdout.toFile()).start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in " + TIMEOUT_S + " s: " + String.join(" ", cmd));
        }
        deleteTree(profile);
        assertEquals(0, p.exitValue(), () -> "chromium failed; see " + log);
        return Files.readString(stdout);
    }

    private static int count(String s, String part) {
        return s.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static String findChromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
