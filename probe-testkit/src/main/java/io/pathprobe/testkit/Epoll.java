package io.pathprobe.testkit;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.Transport;
import io.pathprobe.testkit.internal.Skip;

/**
 * For tests of what only the epoll transport does (the error queue, TCP_INFO, kernel timestamps). Without epoll
 * such a test is skipped with the reason on a developer's machine, and fails where CI runs ({@code CI} set): CI
 * runs on Linux, where a missing epoll transport is a broken build, not a machine to skip on.
 */
public final class Epoll {
    private Epoll() {
    }

    /** Returns when {@code engine} runs on epoll; otherwise a skip (a failure under CI) saying why it is needed. */
    public static void require(ProbeEngine engine, String needs) {
        if (engine.transport() != Transport.EPOLL) {
            throw Skip.orFailUnderCi(needs + " the epoll transport, which is unavailable: "
                    + ProbeEngine.epollUnavailabilityCause(), "CI runs on Linux, where epoll must load");
        }
    }
}
