package io.pathprobe.cli;

import io.pathprobe.nativeio.Privileges;
import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.report.ReportBundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The symlink attack on {@code --out}: a directory an unprivileged user (uid 65534, through {@code setpriv}) made,
 * with every file the command writes linked to a victim file, given to a root run. The run must refuse it in one
 * line (exit 2) and leave the victim as it was; in a directory of its own with such links left in it, the run
 * replaces the links with files and still leaves the victim alone. Needs root (the attacker is another user); every
 * probe goes to 127.0.0.1.
 */
@Timeout(120)
class OutputSafetyTest {
    private static final String VICTIM_TEXT = "root's precious file\n";
    private static final List<String> TICKET_FILES = List.of(ReportBundle.HTML, ReportBundle.SUMMARY,
            ReportBundle.RESULTS, ReportBundle.EVENTS);
    private static final List<String> MTR_FILES = List.of("series.csv", "report.txt", "report.json");

    @TempDir
    Path tmp;
    private final List<Path> cleanUp = new ArrayList<>();

    @AfterEach
    void removeAttackDirectories() throws IOException {
        for (Path d : cleanUp) {
            try (var files = Files.walk(d)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Test
    void aTicketRunRefusesADirectoryPreparedByAnotherUser() throws Exception {
        Path victim = victim();
        Path attack = preparedByNobody(victim, TICKET_FILES);
        Cli.run("ticket", "127.0.0.1:9", "-d", "1s", "-o", attack.toString())
                .assertUsageError("--out: output directory " + attack + " is owned by uid 65534, not by this user");
        assertEquals(VICTIM_TEXT, Files.readString(victim), "the victim is unchanged");
    }

    @Test
    void anMtrCaptureRefusesADirectoryPreparedByAnotherUser() throws Exception {
        Path victim = victim();
        Path attack = preparedByNobody(victim, MTR_FILES);
        Cli.run("mtr", "-n", "-c", "1", "--out", attack.toString(), "127.0.0.1")
                .assertUsageError("--out: output directory " + attack + " is owned by uid 65534, not by this user");
        assertEquals(VICTIM_TEXT, Files.readString(victim), "the victim is unchanged");
    }

    @Test
    void aDirectoryOthersCanWriteIsRefused() throws Exception {
        Path victim = victim();
        Path open = Files.createDirectory(tmp.resolve("open"));
        for (String f : MTR_FILES) {
            Files.createSymbolicLink(open.resolve(f), victim);
        }
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Cli.run("mtr", "-n", "-c", "1", "--out", open.toString(), "127.0.0.1")
                .assertUsageError("is writable by others (mode 0777)");
        Cli.run("ticket", "127.0.0.1:9", "-d", "1s", "-o", open.resolve("sub").toString())
                .assertUsageError("lies in " + open + ", which is writable by others");
        assertEquals(VICTIM_TEXT, Files.readString(victim));
    }

    @Test
    void linksLeftInTheRunsOwnDirectoryAreReplacedNotFollowed() throws Exception {
        assumeTrue(Privileges.isRoot(), "the same run as the attack: as root");
        Path victim = victim();
        Path mtrDir = Files.createDirectory(tmp.resolve("mtr"));
        Path ticketDir = Files.createDirectory(tmp.resolve("ticket"));
        for (String f : MTR_FILES) {
            Files.createSymbolicLink(mtrDir.resolve(f), victim);
        }
        for (String f : TICKET_FILES) {
            Files.createSymbolicLink(ticketDir.resolve(f), victim);
        }
        Cli mtr = Cli.run("mtr", "-n", "-c", "1", "-i", "0.1", "--out", mtrDir.toString(), "127.0.0.1");
        assertEquals(0, mtr.code(), mtr.err());
        try (TcpListener listener = TcpListener.onLoopback("127.0.0.1")) {
            Cli ticket = Cli.run("ticket", "127.0.0.1:" + listener.port(), "-d", "1s", "-i", "0.2", "--timeout", "0.5",
                    "-o", ticketDir.toString());
            assertTrue(ticket.code() == 0 || ticket.code() == 1, ticket.err());
        }
        assertEquals(VICTIM_TEXT, Files.readString(victim), "the victim is unchanged");
        for (Path f : List.of(mtrDir.resolve("series.csv"), mtrDir.resolve("report.txt"), mtrDir.resolve("report.json"),
                ticketDir.resolve(ReportBundle.EVENTS), ticketDir.resolve(ReportBundle.RESULTS))) {
            assertTrue(Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && Files.size(f) > 0, f + " is a new file");
        }
    }

    @Test
    void anEmptyOutIsRefused() {
        Cli.run("ticket", "127.0.0.1:9", "-d", "1s", "-o", "").assertUsageError("--out is empty: give a directory name");
        Cli.run("ticket", "127.0.0.1:9", "-d", "1s", "--out=").assertUsageError("--out is empty");
        Cli.run("mtr", "-n", "-c", "1", "--out", "", "127.0.0.1").assertUsageError("--out is empty");
    }

    private Path victim() throws IOException {
        return Files.writeString(tmp.resolve("victim"), VICTIM_TEXT);
    }

    /** A directory in /tmp that uid 65534 owns and filled, as that user, with links to {@code victim}. */
    private Path preparedByNobody(Path victim, List<String> names) throws Exception {
        assumeTrue(Privileges.isRoot(), "another user's directory: needs root");
        Path d = Files.createTempDirectory(Path.of("/tmp"), "pp-attack");
        cleanUp.add(d);
        Files.setAttribute(d, "unix:uid", 65534);
        Files.setAttribute(d, "unix:gid", 65534);
        for (String n : names) {
            Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "ln", "-s", victim.toString(), d.resolve(n).toString()).inheritIO().start();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "setpriv ln -s works");
            assertEquals(65534, Files.getAttribute(d.resolve(n), "unix:uid", LinkOption.NOFOLLOW_LINKS),
                    "the attacker's own link");
        }
        return d;
    }
}
