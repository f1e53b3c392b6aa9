package io.pathprobe.nativeio;

import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrivilegesTest {
    /** The id read from /proc is the one geteuid() gives this process. */
    @Test
    void theEffectiveUidIsGeteuids() {
        assertEquals(POSIXFactory.getNativePOSIX().geteuid(), Privileges.effectiveUid());
    }

    /** The effective id is the Uid line's second number; a file without one, or no file, gives -1. */
    @Test
    void readsTheSecondIdOfTheUidLine(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n");
        assertEquals(0, Privileges.procEffectiveUid(status));
        Files.writeString(status, "Uid:\t0\t1001\t1001\t1001\n");
        assertEquals(1001, Privileges.procEffectiveUid(status));
        Files.writeString(status, "Name:\tjava\nGid:\t0\t0\t0\t0\n");
        assertEquals(-1, Privileges.procEffectiveUid(status));
        Files.writeString(status, "Uid:\tx\n");
        assertEquals(-1, Privileges.procEffectiveUid(status));
        assertEquals(-1, Privileges.procEffectiveUid(dir.resolve("missing")));
    }
}
