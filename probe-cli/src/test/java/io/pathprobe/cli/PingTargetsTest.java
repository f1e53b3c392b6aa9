package io.pathprobe.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Target expansion and its bounds, with no network. */
class PingTargetsTest {
    @Test
    void rangesAreCountedInALongBeforeTheyAreExpanded() {
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), PingTargets.expand(List.of("10.0.0.0/30"), 10));
        assertEquals(List.of("10.0.0.0", "10.0.0.1"), PingTargets.expand(List.of("10.0.0.0/31"), 10));
        assertEquals(PingTargets.MAX_MAX_TARGETS - 2,
                PingTargets.expand(List.of("10.0.0.0/12"), PingTargets.MAX_MAX_TARGETS).size(), "a /12 in full");
        for (String wide : new String[] {"0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/2"}) {
            UsageException e = assertThrows(UsageException.class,
                    () -> PingTargets.expand(List.of(wide), PingTargets.MAX_MAX_TARGETS), wide);
            assertTrue(e.getMessage().contains("more than --max-targets 1048576"), e.getMessage());
        }
    }

    @Test
    void maxTargetsIsARange() {
        assertEquals(PingTargets.DEFAULT_MAX_TARGETS, PingTargets.maxTargets(null));
        assertEquals(1, PingTargets.maxTargets("1"));
        assertEquals(1 << 20, PingTargets.maxTargets("1048576"));
        assertThrows(UsageException.class, () -> PingTargets.maxTargets("0"));
        assertThrows(UsageException.class, () -> PingTargets.maxTargets("1048577"));
        assertThrows(UsageException.class, () -> PingTargets.maxTargets("99999999999999999999"));
    }

    @Test
    void targetsThatCannotFitInTheHeapAreRefusedUpFront() {
        long gb = 1L << 30;
        PingTargets.checkHeap(65_536, gb / 2); // 262 MB of 384 usable
        UsageException e = assertThrows(UsageException.class, () -> PingTargets.checkHeap(1 << 20, 4 * gb));
        assertTrue(e.getMessage().startsWith("1048576 targets need about 4000 MB of heap and this JVM has 4096 MB"),
                e.getMessage());
    }
}
