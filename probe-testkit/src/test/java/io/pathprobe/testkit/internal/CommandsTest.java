package io.pathprobe.testkit.internal;

import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.NetLabException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Local processes only (sh, cat, sleep): no network. */
class CommandsTest {
    @Test
    void capturesOutputExitStatusAndInput() {
        CommandResult r = Commands.run(Duration.ofSeconds(10), "hello\n",
                List.of("sh", "-c", "cat; echo oops >&2; exit 3"));
        assertEquals(3, r.exitCode());
        assertEquals("hello\n", r.stdout());
        assertEquals("oops\n", r.stderr());
        assertFalse(r.ok());
        NetLabException e = assertThrows(NetLabException.class, r::requireSuccess);
        assertTrue(e.getMessage().contains("sh -c cat; echo oops >&2; exit 3"), e.getMessage());
        assertTrue(e.getMessage().contains("exit 3") && e.getMessage().contains("oops"), e.getMessage());
    }

    @Test
    void aCommandThatOverrunsItsLimitIsKilledAndReported() {
        NetLabException e = assertThrows(NetLabException.class,
                () -> Commands.run(Duration.ofMillis(200), null, List.of("sleep", "30")));
        assertTrue(e.getMessage().contains("did not finish within 200 ms") && e.getMessage().contains("sleep 30"),
                e.getMessage());
    }

    @Test
    void aMissingProgramIsReportedWithItsName() {
        NetLabException e = assertThrows(NetLabException.class,
                () -> Commands.run(Duration.ofSeconds(5), null, List.of("no-such-program-pathprobe")));
        assertTrue(e.getMessage().contains("no-such-program-pathprobe"), e.getMessage());
    }
}
