package io.pathprobe.core.io;

import io.pathprobe.nativeio.Privileges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real files in a temporary directory. The ownership cases chown to uid 65534 (nobody), so they need root and are
 * skipped without it; the link cases run for any user.
 */
class OutputDirectoryTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    @Test
    void createsAMissingDirectoryAndWritesBothWays() throws IOException {
        Path d = tmp.resolve("a/b");
        try (OutputDirectory out = OutputDirectory.open(d)) {
            out.writeAtomically("report.txt", "whole\n");
            try (OutputStream s = out.newOutputStream("events.jsonl")) {
                s.write("one\n".getBytes(StandardCharsets.UTF_8));
                s.flush();
                s.write("two\n".getBytes(StandardCharsets.UTF_8));
            }
        }
        assertEquals("whole\n", Files.readString(d.resolve("report.txt")));
        assertEquals("one\ntwo\n", Files.readString(d.resolve("events.jsonl")));
        try (var files = Files.list(d)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void aLinkLeftInTheDirectoryIsReplacedNotFollowed() throws IOException {
        Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
        Path d = Files.createDirectory(tmp.resolve("out"));
        Files.createSymbolicLink(d.resolve("events.jsonl"), victim);
        Files.createSymbolicLink(d.resolve("report.txt"), victim);
        Files.createLink(d.resolve("series.csv"), victim); // a hard link: same inode as the victim
        try (OutputDirectory out = OutputDirectory.open(d)) {
            try (OutputStream s = out.newOutputStream("events.jsonl")) {
                s.write('x');
            }
            try (OutputStream s = out.newOutputStream("series.csv")) {
                s.write('y');
            }
            out.writeAtomically("report.txt", "z");
        }
        assertEquals("precious\n", Files.readString(victim), "the victim is unchanged");
        for (String f : new String[] {"events.jsonl", "series.csv", "report.txt"}) {
            assertTrue(Files.isRegularFile(d.resolve(f), LinkOption.NOFOLLOW_LINKS), f + " is a file of its own");
        }
        assertEquals("x", Files.readString(d.resolve("events.jsonl")));
        assertEquals("y", Files.readString(d.resolve("series.csv")));
        assertEquals("z", Files.readString(d.resolve("report.txt")));
    }

    @Test
    void refusesADirectoryOwnedByAnotherUser() throws IOException {
        assumeTrue(Privileges.isRoot(), "chown needs root");
        Path d = Files.createDirectory(tmp.resolve("theirs"));
        Files.setAttribute(d, "unix:uid", NOBODY);
        IOException e = assertThrows(IOException.class, () -> OutputDirectory.open(d));
        assertTrue(e.getMessage().contains("owned by uid 65534, not by this user (uid 0)")
                && e.getMessage().contains("give a directory you own"), e.getMessage());
    }

    @Test
    void refusesADirectoryInsideOneOwnedByAnotherUser() throws IOException {
        assumeTrue(Privileges.isRoot(), "chown needs root");
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        Path d = Files.createDirectory(theirs.resolve("mine"));
        Files.setAttribute(theirs, "unix:uid", NOBODY);
        IOException e = assertThrows(IOException.class, () -> OutputDirectory.open(d));
        assertTrue(e.getMessage().contains("lies in " + theirs + ", which is owned by uid 65534"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> OutputDirectory.open(theirs.resolve("new/x")));
        assertTrue(missing.getMessage().contains("owned by uid 65534"), missing.getMessage());
        assertFalse(Files.exists(theirs.resolve("new")), "nothing created in their directory");
    }

    @Test
    void refusesADirectoryOthersCanWriteUnlessSticky() throws IOException {
        Path d = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> OutputDirectory.open(d));
        assertTrue(e.getMessage().contains("writable by others (mode 0777)")
                && e.getMessage().contains("chmod go-w " + d), e.getMessage());
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxr-x"));
        IOException group = assertThrows(IOException.class, () -> OutputDirectory.open(d));
        assertTrue(group.getMessage().contains("writable by its group (mode 0775)"), group.getMessage());
        Files.setAttribute(d, "unix:mode", 01777); // like /tmp: others cannot touch what is ours
        OutputDirectory.open(d).close();
    }

    @Test
    void refusesALinkToADirectoryWhenTheLinkIsAnotherUsers() throws IOException {
        assumeTrue(Privileges.isRoot(), "chown needs root");
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        OutputDirectory.open(link).close(); // our own link is fine
        Files.setAttribute(link, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        IOException e = assertThrows(IOException.class, () -> OutputDirectory.open(link.resolve("sub")));
        assertTrue(e.getMessage().contains("reached through the symbolic link " + link + ", owned by uid 65534"),
                e.getMessage());
        assertFalse(Files.exists(real.resolve("sub")), "nothing created through the link");
    }

    @Test
    void refusesEmptyPathsAndNamesOutsideTheDirectory() throws IOException {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> OutputDirectory.open(Path.of("")));
        assertEquals("the output directory is empty: give a directory name", empty.getMessage());
        try (OutputDirectory out = OutputDirectory.open(tmp)) {
            for (String bad : new String[] {"../x", "a/b", "..", ".", ""}) {
                assertThrows(IllegalArgumentException.class, () -> out.writeAtomically(bad, "x"), bad);
                assertThrows(IllegalArgumentException.class, () -> out.newOutputStream(bad), bad);
            }
        }
    }

    @Test
    void aFileInTheWayIsOneClearError() throws IOException {
        Path f = Files.writeString(tmp.resolve("file"), "");
        IOException e = assertThrows(IOException.class, () -> OutputDirectory.open(f));
        assertTrue(e.getMessage().contains("is not a directory: give a directory name"), e.getMessage());
    }
}
