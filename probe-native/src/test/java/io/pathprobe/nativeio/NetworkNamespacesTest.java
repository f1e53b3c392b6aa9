package io.pathprobe.nativeio;

import static io.pathprobe.nativeio.SocketConstants.AF_INET;
import static io.pathprobe.nativeio.SocketConstants.SOCK_CLOEXEC;
import static io.pathprobe.nativeio.SocketConstants.SOCK_DGRAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.pathprobe.nativeio.Privileges;

/**
 * Enters a namespace the test creates and deletes itself. 10.250.0.1 exists only on the namespace's loopback;
 * binding proves which namespace a thread is in, and no packet is sent.
 */
@Tag("netns")
class NetworkNamespacesTest {
    private static final String INSIDE = "10.250.0.1";

    @Test
    void threadsEnterTheNamespaceAndOnlyThey() throws Exception {
        Assumptions.assumeTrue(Privileges.isRoot(),
                "creating and entering network namespaces needs root (run the 'netns' tests as root)");
        String ns = "pp-nt-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        ip("netns", "add", ns);
        try {
            ip("-n", ns, "addr", "add", INSIDE + "/32", "dev", "lo");
            ip("-n", ns, "link", "set", "lo", "up");

            NativeIoException onHost = assertThrows(NativeIoException.class, NetworkNamespacesTest::bindInside,
                    INSIDE + " must not exist on the host for this test to prove anything");
            assertEquals(SocketConstants.EADDRNOTAVAIL, onHost.errno());

            assertEquals(new InetSocketAddress(InetAddress.getByName(INSIDE), 0).getAddress(),
                    NetworkNamespaces.callInNamespace(ns, NetworkNamespacesTest::bindInside).getAddress());

            ExecutorService pool = Executors.newSingleThreadExecutor(
                    NetworkNamespaces.threadFactory(ns, Executors.defaultThreadFactory()));
            try {
                InetSocketAddress bound = pool.submit(NetworkNamespacesTest::bindInside).get(10, TimeUnit.SECONDS);
                assertEquals(INSIDE, bound.getAddress().getHostAddress());
                assertTrue(bound.getPort() > 0);
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }

            // The calling thread never moved.
            assertEquals(SocketConstants.EADDRNOTAVAIL,
                    assertThrows(NativeIoException.class, NetworkNamespacesTest::bindInside).errno());
        } finally {
            ip("netns", "delete", ns);
        }
        assertTrue(!NetworkNamespaces.exists(ns), "namespace " + ns + " should be gone");
    }

    private static InetSocketAddress bindInside() throws Exception {
        try (NativeSocket s = NativeSocket.open(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
            s.bind(new InetSocketAddress(InetAddress.getByName(INSIDE), 0));
            return s.localAddress();
        }
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within 10 s");
        }
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + output);
    }
}
