package io.pathprobe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real runs of {@code bin/pathprobe} (the shaded jar: an integration test, after {@code package}) under
 * {@code ulimit -n 64} (issue 10, finding 4), as a user would run it: far more probes at once
 * than descriptors, so the engine must hold probes back as sockets run out, and every probe still ends with its
 * true outcome (closed loopback ports: refused), with no error and no Netty text in the output.
 */
@Timeout(180)
class FdLimitIT {
    private static final Pattern TCP_COUNTS =
            Pattern.compile("(\\d+) attempted, (\\d+) connected, (\\d+) failed \\([^)]*\\), (\\d+) refused, (\\d+) timed out, (\\d+) unreachable.*");

    @Test
    void fiveHundredRefusedPortsAreAllReportedRefused() throws Exception {
        int base = closedRange(500);
        // -c 1 over 500 ports is a sweep (TcpCommand.isSweep): its count line covers every port, and would name
        // errors and ports not probed if there were any.
        String out = run("tcp", "-c", "1", "127.0.0.1:" + base + "-" + (base + 499));
        assertEquals(List.of("0 open, 500 refused, 0 timed out, 0 unreachable"), lines(out, "\\d+ open, .*"),
                () -> head(out));
        assertTrue(out.contains("\n500 refused ports not listed\n"), () -> head(out));
    }

    @Test
    void pingOfManyTargetsCountsEveryReply() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.pathprobe.nativeio.Privileges.isRoot(),
                "raw ICMP sockets need root (or CAP_NET_RAW): run the tests as root");
        List<String> args = new ArrayList<>(List.of("ping", "-q", "-c", "3", "-i", "0.2"));
        for (int i = 1; i <= 100; i++) {
            args.add("127.0.0." + i);
        }
        String out = run(args.toArray(String[]::new));
        List<String> counts = lines(out, "\\d+ packets transmitted, .*");
        assertEquals(100, counts.size(), () -> head(out));
        for (String c : counts) {
            assertTrue(c.startsWith("3 packets transmitted, 3 received, 0% packet loss"), c);
        }
    }

    @Test
    void mtrInTcpModeSendsAndCountsEveryRound() throws Exception {
        int port = closedRange(1);
        String out = run("mtr", "-n", "--tcp", "-P", Integer.toString(port), "-r", "-c", "5", "-i", "0.2", "127.0.0.1");
        List<String> hops = lines(out, "\\s*\\d+\\.\\|-- .*");
        assertEquals(1, hops.size(), () -> "one hop on loopback: " + out);
        assertTrue(hops.get(0).matches("\\s*1\\.\\|-- 127\\.0\\.0\\.1\\s+0\\.0%\\s+5\\s.*"), () -> "5 sent, none lost: " + out);
    }

    @Test
    void ticketCaptureOfFortyPortsCountsEveryConnect(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.pathprobe.nativeio.Privileges.isRoot(),
                "the ticket's ping needs raw ICMP sockets: run the tests as root");
        int base = closedRange(40);
        String out = run("ticket", "127.0.0.1", "-p", base + "-" + (base + 39), "-d", "3s", "--out",
                dir.resolve("bundle").toString());
        List<String> counts = lines(out, "\\d+ attempted, .*");
        assertEquals(40, counts.size(), () -> "a TCP summary per port: " + head(out));
        for (String c : counts) {
            Matcher m = TCP_COUNTS.matcher(c);
            assertTrue(m.matches(), c);
            int attempted = Integer.parseInt(m.group(1));
            assertTrue(attempted >= 1, c);
            assertEquals(attempted, Integer.parseInt(m.group(4)), () -> "every connect refused: " + c);
        }
        List<String> ping = lines(out, "\\d+ packets transmitted, .*");
        assertEquals(1, ping.size(), out);
        assertTrue(ping.get(0).matches("(\\d+) packets transmitted, \\1 received, 0% packet loss.*"), ping.get(0));
        assertTrue(Files.exists(dir.resolve("bundle").resolve("report.html")), "the bundle is written");
    }

    /** Runs {@code bin/pathprobe} with at most 64 open files; its output (stdout and stderr), checked for errors. */
    private static String run(String... args) throws IOException, InterruptedException {
        Path launcher = Path.of("..", "bin", "pathprobe").toAbsolutePath().normalize();
        List<String> argv = new ArrayList<>(List.of(launcher.toString()));
        argv.addAll(List.of(args));
        String cmd = argv.stream().map(FdLimitIT::quote).collect(Collectors.joining(" "));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -n 64 && exec " + cmd).redirectErrorStream(true);
        // The launcher runs this JVM's java.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // Names from the tests' own hosts file: no DNS query leaves this host.
        pb.environment().put("PATHPROBE_JAVA_OPTS", "-Djdk.net.hosts.file="
                + Path.of("src", "test", "resources", "hosts").toAbsolutePath());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ends");
        assertTrue(p.exitValue() == 0 || p.exitValue() == 1, () -> "exit status " + p.exitValue() + ": " + head(out));
        for (String bad : List.of("error ", "Exception", "Too many open files", "descriptors", "\tat ")) {
            assertFalse(out.contains(bad), () -> "no '" + bad + "' in the output: " + head(out));
        }
        return out;
    }

    private static List<String> lines(String out, String regex) {
        return Arrays.stream(out.split("\n")).filter(l -> l.matches(regex)).toList();
    }

    private static String head(String out) {
        return out.length() > 3000 ? out.substring(0, 3000) + "..." : out;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The first of {@code n} consecutive ports from 20000 on that no TCP socket of this host listens on. */
    private static int closedRange(int n) throws IOException {
        Set<Integer> listening = new HashSet<>();
        for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(f);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path)) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 3 && "0A".equals(cols[3])) { // TCP_LISTEN
                    String local = cols[1];
                    listening.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        for (int base = 20000; base + n <= 60000; base += 500) {
            boolean free = true;
            for (int p = base; p < base + n && free; p++) {
                free = !listening.contains(p);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no " + n + " closed ports between 20000 and 60000");
    }
}
