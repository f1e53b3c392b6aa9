package io.pathprobe.testkit.internal;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when the machine lacks something it needs: on a developer's machine it is skipped with the
 * reason; where CI runs ({@code CI} set in the environment, where {@code .ci/run} provides everything) it fails,
 * so that a missing piece cannot pass CI silently.
 */
public final class Skip {
    private Skip() {
    }

    /**
     * Skips the test with {@code why}, or fails it under CI.
     *
     * @param ciNote what CI was expected to provide, added to the failure's message
     */
    public static RuntimeException orFailUnderCi(String why, String ciNote) {
        if (System.getenv("CI") != null) {
            throw new IllegalStateException(why + " (" + ciNote + ")");
        }
        Assumptions.abort(why + "; this test is skipped");
        throw new AssertionError("unreachable");
    }
}
