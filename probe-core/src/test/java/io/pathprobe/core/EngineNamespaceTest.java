package io.pathprobe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.pathprobe.nativeio.NetworkNamespaces;
import io.pathprobe.nativeio.fixtures.LoopbackNamespace;

/**
 * An engine probes from the namespace of the thread that built it, whichever thread submits later: its loops start
 * when it is built. 10.250.1.1 exists only on the loopback of a namespace the test creates ({@link LoopbackNamespace});
 * binding to it shows which namespace a loop is in, and no packet is sent.
 */
@Tag("netns")
class EngineNamespaceTest {
    private static final String INSIDE = "10.250.1.1";

    @Test
    void theLoopsAreInTheNamespaceOfTheThreadThatBuiltTheEngine() throws Exception {
        try (LoopbackNamespace ns = LoopbackNamespace.create("pp-en", INSIDE)) {
            int threads = 3;
            ProbeEngine engine = NetworkNamespaces.callInNamespace(ns.name(),
                    () -> ProbeEngine.builder().threads(threads).build());
            try {
                // from this thread (the host's namespace), the first tasks any loop gets
                List<InetSocketAddress> bound = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    bound.add(engine.nextLoop().submit(ns::bindInside).get(10, TimeUnit.SECONDS));
                }
                for (InetSocketAddress a : bound) {
                    assertEquals(INSIDE, a.getAddress().getHostAddress());
                }
            } finally {
                engine.close();
            }
        }
    }
}
