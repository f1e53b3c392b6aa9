package io.pathprobe.core.internal;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcFilesTest {
    /** ping_group_range holds two integers ("1 0" when closed): both must come back, as sysctl(8) prints them. */
    @Test
    void aSysctlOfTwoIntegersIsReadWhole() throws Exception {
        Path f = Path.of("/proc/sys/net/ipv4/ping_group_range");
        assumeTrue(Files.isReadable(f), "Linux /proc");
        String read = ProcFiles.readSysctl(f);
        Process p = new ProcessBuilder("cat", f.toString()).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String cat = new String(p.getInputStream().readAllBytes()).trim().replace('\t', ' ');
        assertEquals(cat, read);
        assertTrue(read.matches("-?\\d+ -?\\d+"), read);
    }
}
