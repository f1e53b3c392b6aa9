package io.pathprobe.ticket.hostcheck;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * hostcheck for real inside a network namespace: rp_filter values set with {@code ip netns exec NS sysctl -w} are
 * the ones read from a thread that entered the namespace, and the host's own values are not.
 */
@Tag("netns")
class HostCheckNamespaceTest {
    private String ns;

    @BeforeEach
    void createNamespace() throws Exception {
        assumeTrue(isRoot(), "needs root to create network namespaces (run as root, or in CI)");
        ns = "pp-hc-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        run("ip", "netns", "add", ns);
        run("ip", "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        run("ip", "-n", ns, "addr", "add", "10.77.0.5/24", "dev", "v0");
        run("ip", "-n", ns, "addr", "add", "fd77::5/64", "dev", "v0", "nodad");
        run("ip", "-n", ns, "link", "set", "v0", "up");
        run("ip", "-n", ns, "link", "set", "v1", "up");
        run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (ns != null) {
            run("ip", "netns", "del", ns);
        }
    }

    @Test
    void readsTheNamespacesOwnRpFilterAndAddresses() throws Exception {
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0");
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.v0.rp_filter=1");
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.v1.rp_filter=2");
        HostCheckReport r = HostChecks.checkNamespace(ns, List.of("10.77.0.5", "10.77.0.6"));
        assertEquals(ns, r.networkNamespace());
        assertEquals(List.of("all", "default", "lo", "v0", "v1"),
                r.rpFilter().stream().map(RpFilterSetting::name).toList(), "the namespace's interfaces only");
        assertEquals(List.of("v0", "v1"), r.problems().stream().map(RpFilterSetting::name).toList());
        assertTrue(r.sysctlConfLines().containsAll(List.of("net.ipv4.conf.v0.rp_filter = 0",
                "net.ipv4.conf.v1.rp_filter = 0")), r.sysctlConfLines()::toString);
        assertTrue(r.addresses().containsAll(List.of("10.77.0.5", "127.0.0.1", "fd77::5")),
                r.addresses()::toString);
        assertEquals(List.of("10.77.0.5"), r.backendsOnThisHost());

        // Off everywhere -> clean; proves the values come from this namespace, not a cached read.
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.v0.rp_filter=0");
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.v1.rp_filter=0");
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0");
        HostCheckReport clean = HostChecks.checkNamespace(ns, List.of("10.99.0.1"));
        assertFalse(clean.rpFilterOn(), clean.problems()::toString);
        assertTrue(clean.backendsOnThisHost().isEmpty());
    }

    @Test
    void allInTheNamespaceRaisesEveryInterface() throws Exception {
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1");
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.v0.rp_filter=0");
        HostCheckReport r = HostChecks.checkNamespace(ns, List.of());
        RpFilterSetting v0 = r.rpFilter().stream().filter(s -> s.name().equals("v0")).findFirst().orElseThrow();
        assertEquals(0, v0.value());
        assertEquals(1, v0.effective());
        assertTrue(r.sysctlConfLines().contains("net.ipv4.conf.all.rp_filter = 0"));
        // The host's own namespace is untouched by this test; its reading must not be the namespace's.
        assertFalse(r.addresses().contains(hostOnlyAddress()), "addresses must be the namespace's");
    }

    /** An address of the host's namespace that the test namespace does not have (or a dummy when none). */
    private static String hostOnlyAddress() throws IOException {
        HostCheckReport host = HostChecks.check(List.of());
        return host.addresses().stream().filter(a -> !a.equals("127.0.0.1") && !a.startsWith("::1")
                && !a.startsWith("fd77:") && !a.startsWith("10.77.")).findFirst().orElse("192.0.2.254");
    }

    private static boolean isRoot() {
        try {
            return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII).trim()) && Files.exists(Path.of("/proc/sys/net/ipv4/conf"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", cmd));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
