package io.pathprobe.testkit;

import io.pathprobe.testkit.internal.Commands;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("netns")
class NetLabCleanupTest {
    /** A JVM that exits with a lab still open leaves no namespace behind: the shutdown hook deletes them. */
    @Test
    void theShutdownHookDeletesALabThatWasNeverClosed() {
        NetLab.assumeAvailable();
        String java = ProcessHandle.current().info().command().orElse("java");
        CommandResult child = Commands.run(Duration.ofSeconds(60), null, List.of(java, "-cp",
                System.getProperty("java.class.path"), LabLeftOpenMain.class.getName())).requireSuccess();
        String[] words = child.stdout().strip().split(" ");
        assertEquals(2, words.length, child.stdout());
        assertEquals("3", words[1], "client, r1, server existed before exit: " + child.stdout());
        String prefix = words[0];
        assertTrue(prefix.matches("pp[a-z0-9]{6}"), prefix);
        String all = Commands.run(Duration.ofSeconds(10), null, List.of("ip", "netns", "list")).requireSuccess()
                .stdout();
        assertFalse(all.contains(prefix + "-"), all);
    }
}
