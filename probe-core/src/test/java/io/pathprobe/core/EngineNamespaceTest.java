package io.pathprobe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.pathprobe.nativeio.Privileges;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.NativeSocket;
import io.pathprobe.nativeio.NetworkNamespaces;
import io.pathprobe.nativeio.SocketConstants;

/**
 * An engine probes from the namespace of the thread that built it, whichever thread submits later: its loops start
 * when it is built. 10.250.1.1 exists only on the loopback of a namespace the test creates; binding to it shows which
 * namespace a loop is in, and no packet is sent.
 */
@Tag("netns")
class EngineNamespaceTest {
    private static final String INSIDE = "10.250.1.1";

    @Test
    void theLoopsAreInTheNamespaceOfTheThreadThatBuiltTheEngine() throws Exception {
        Assumptions.assumeTrue(Privileges.isRoot(),
                "creating and entering network namespaces needs root (run the 'netns' tests as root)");
        String ns = "pp-en-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        ip("netns", "add", ns);
        try {
            ip("-n", ns, "addr", "add", INSIDE + "/32", "dev", "lo");
            ip("-n", ns, "link", "set", "lo", "up");
            assertEquals(SocketConstants.EADDRNOTAVAIL,
                    assertThrows(NativeIoException.class, EngineNamespaceTest::bindInside).errno(),
                    INSIDE + " must not exist on the host for this test to prove anything");
            int threads = 3;
            ProbeEngine engine = NetworkNamespaces.callInNamespace(ns,
                    () -> ProbeEngine.builder().threads(threads).build());
            try {
                // from this thread (the host's namespace), the first tasks any loop gets
                List<InetSocketAddress> bound = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    bound.add(engine.nextLoop().submit(EngineNamespaceTest::bindInside).get(10, TimeUnit.SECONDS));
                }
                for (InetSocketAddress a : bound) {
                    assertEquals(INSIDE, a.getAddress().getHostAddress());
                }
            } finally {
                engine.close();
            }
        } finally {
            ip("netns", "delete", ns);
        }
    }

    private static InetSocketAddress bindInside() throws Exception {
        try (NativeSocket s = NativeSocket.open(SocketConstants.AF_INET,
                SocketConstants.SOCK_DGRAM | SocketConstants.SOCK_CLOEXEC, 0)) {
            s.bind(new InetSocketAddress(InetAddress.getByName(INSIDE), 0));
            return s.localAddress();
        }
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
