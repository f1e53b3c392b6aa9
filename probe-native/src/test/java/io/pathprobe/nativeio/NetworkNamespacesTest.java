package io.pathprobe.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.pathprobe.nativeio.fixtures.LoopbackNamespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Enters a namespace the test creates and deletes itself ({@link LoopbackNamespace}): 10.250.0.1 exists only on the
 * namespace's loopback; binding proves which namespace a thread is in, and no packet is sent.
 */
@Tag("netns")
class NetworkNamespacesTest {
    private static final String INSIDE = "10.250.0.1";

    @Test
    void threadsEnterTheNamespaceAndOnlyThey() throws Exception {
        String ns;
        try (LoopbackNamespace lo = LoopbackNamespace.create("pp-nt", INSIDE)) {
            ns = lo.name();
            assertEquals(new InetSocketAddress(InetAddress.getByName(INSIDE), 0).getAddress(),
                    NetworkNamespaces.callInNamespace(ns, lo::bindInside).getAddress());

            ExecutorService pool = Executors.newSingleThreadExecutor(
                    NetworkNamespaces.threadFactory(ns, Executors.defaultThreadFactory()));
            try {
                InetSocketAddress bound = pool.submit(lo::bindInside).get(10, TimeUnit.SECONDS);
                assertEquals(INSIDE, bound.getAddress().getHostAddress());
                assertTrue(bound.getPort() > 0);
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }

            // The calling thread never moved.
            assertEquals(SocketConstants.EADDRNOTAVAIL,
                    assertThrows(NativeIoException.class, lo::bindInside).errno());
        }
        assertTrue(!NetworkNamespaces.exists(ns), "namespace " + ns + " should be gone");
    }
}
