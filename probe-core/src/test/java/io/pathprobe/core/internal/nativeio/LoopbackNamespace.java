package io.pathprobe.core.internal.nativeio;

import static io.pathprobe.core.internal.nativeio.SocketConstants.AF_INET;
import static io.pathprobe.core.internal.nativeio.SocketConstants.SOCK_CLOEXEC;
import static io.pathprobe.core.internal.nativeio.SocketConstants.SOCK_DGRAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import io.pathprobe.core.internal.Privileges;

/**
 * A network namespace a test creates, with one IPv4 address on its loopback that the host does not have, deleted at
 * {@link #close()}. Binding a socket to that address ({@link #bindInside()}) shows which namespace the calling
 * thread is in, and sends no packet. For tests that cannot use probe-testkit's NetLab (it depends on this module).
 */
public final class LoopbackNamespace implements AutoCloseable {
    private final String name;
    private final String address;

    private LoopbackNamespace(String name, String address) {
        this.name = name;
        this.address = address;
    }

    /**
     * Creates {@code PREFIX-RANDOM} with {@code address}/32 on its loopback; skips the test without root, and fails
     * it when the host has the address too (binding would then prove nothing).
     */
    public static LoopbackNamespace create(String prefix, String address) throws Exception {
        Assumptions.assumeTrue(Privileges.isRoot(),
                "creating and entering network namespaces needs root (run the 'netns' tests as root)");
        String name = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        ip("netns", "add", name);
        LoopbackNamespace ns = new LoopbackNamespace(name, address);
        try {
            ip("-n", name, "addr", "add", address + "/32", "dev", "lo");
            ip("-n", name, "link", "set", "lo", "up");
            assertEquals(SocketConstants.EADDRNOTAVAIL, assertThrows(NativeIoException.class, ns::bindInside,
                    address + " must not exist on the host for this test to prove anything").errno());
            return ns;
        } catch (Exception | Error e) {
            ns.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /**
     * Binds a UDP socket to the address in the calling thread's namespace and returns where it bound.
     *
     * @throws NativeIoException with {@code EADDRNOTAVAIL} when the thread is not in this namespace
     */
    public InetSocketAddress bindInside() throws Exception {
        try (NativeSocket s = NativeSocket.open(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
            s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return s.localAddress();
        }
    }

    @Override
    public void close() throws Exception {
        ip("netns", "delete", name);
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within 10 s");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + output);
    }
}
