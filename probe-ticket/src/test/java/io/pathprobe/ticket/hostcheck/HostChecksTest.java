package io.pathprobe.ticket.hostcheck;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** hostcheck over a constructed /proc tree: the arithmetic of effective values and the fix lines. */
class HostChecksTest {
    @TempDir
    Path proc;

    private void rp(String iface, int v) throws IOException {
        Path d = proc.resolve("sys/net/ipv4/conf").resolve(iface);
        Files.createDirectories(d);
        Files.writeString(d.resolve("rp_filter"), v + "\n");
    }

    private void addresses() throws IOException {
        Path net = proc.resolve("thread-self/net");
        Files.createDirectories(net);
        Files.writeString(net.resolve("fib_trie"), String.join("\n",
                "Main:", "  +-- 0.0.0.0/1 2 0 2", "     +-- 10.0.2.0/24 2 0 2", "        +-- 10.0.2.0/31 1 0 0",
                "           |-- 10.0.2.0", "              /24 link UNICAST", "           |-- 10.0.2.5",
                "              /32 host LOCAL", "        |-- 10.0.2.255", "           /32 link BROADCAST",
                "     +-- 127.0.0.0/8 2 0 2", "           |-- 127.0.0.0", "              /8 host LOCAL",
                "           |-- 127.0.0.1", "              /32 host LOCAL", "Local:", "           |-- 10.0.2.5",
                "              /32 host LOCAL", ""));
        Files.writeString(net.resolve("if_inet6"), "fd000000000000000000000000000009 03 40 00 82       eth0\n"
                + "00000000000000000000000000000001 01 80 10 80       lo\n");
        Files.createDirectories(proc.resolve("sys/kernel"));
        Files.writeString(proc.resolve("sys/kernel/hostname"), "backend1\n");
    }

    private HostCheckReport check(List<String> backends, List<Path> sysctl) {
        return HostChecks.check(proc, backends, sysctl, null);
    }

    @Test
    void allOnMakesEveryInterfaceFilterAndTheFixNamesThem() throws IOException {
        rp("all", 1);
        rp("default", 0);
        rp("eth0", 0);
        rp("lo", 0);
        addresses();
        HostCheckReport r = check(List.of(), List.of());
        assertEquals(List.of("all", "default", "eth0", "lo"), r.rpFilter().stream().map(RpFilterSetting::name).toList());
        assertEquals(1, r.rpFilter().get(2).effective(), "eth0: max(all=1, eth0=0)");
        assertEquals(List.of("all", "eth0"), r.problems().stream().map(RpFilterSetting::name).toList(),
                "lo is never a problem");
        assertEquals(List.of("net.ipv4.conf.all.rp_filter = 0", "net.ipv4.conf.default.rp_filter = 0",
                "net.ipv4.conf.eth0.rp_filter = 0"), r.sysctlConfLines(), "the runbook's three lines");
        assertTrue(r.fixSteps().contains("Apply them now: sysctl -p"), r.fixSteps()::toString);
        assertTrue(r.rpFilterOn());
        assertEquals("backend1", r.host());
    }

    @Test
    void interfaceOwnValueNeedsItsOwnLine() throws IOException {
        rp("all", 0);
        rp("default", 2);
        rp("eth0", 2);
        rp("eth1", 0);
        addresses();
        HostCheckReport r = check(List.of(), List.of());
        assertEquals(List.of("eth0"), r.problems().stream().map(RpFilterSetting::name).toList());
        assertEquals(List.of("net.ipv4.conf.all.rp_filter = 0", "net.ipv4.conf.default.rp_filter = 0",
                "net.ipv4.conf.eth0.rp_filter = 0"), r.sysctlConfLines());
        String text = String.join("\n", HostChecks.render(r));
        assertTrue(text.contains("eth0") && text.contains("loose") && text.contains("<- filters"), text);
        assertTrue(text.contains("sysctl -p"), text);
    }

    @Test
    void onlyDefaultOnIsNoProblemButGetsItsLine() throws IOException {
        rp("all", 0);
        rp("default", 1);
        rp("eth0", 0);
        addresses();
        HostCheckReport r = check(List.of(), List.of());
        assertFalse(r.rpFilterOn());
        assertEquals(List.of("net.ipv4.conf.default.rp_filter = 0"), r.sysctlConfLines());
        assertTrue(String.join("\n", HostChecks.render(r)).contains("interfaces added later will filter"));
    }

    @Test
    void allOffIsClean() throws IOException {
        rp("all", 0);
        rp("default", 0);
        rp("eth0", 0);
        addresses();
        HostCheckReport r = check(List.of(), List.of());
        assertFalse(r.rpFilterOn());
        assertTrue(r.sysctlConfLines().isEmpty());
        assertEquals("rp_filter is off on every interface", HostChecks.problemLine(r));
    }

    @Test
    void findsItsOwnAddressAmongTheBackends() throws IOException {
        rp("all", 0);
        rp("default", 0);
        addresses();
        HostCheckReport r = check(List.of("10.0.2.6", " 10.0.2.5", "fd00:0:0:0::9"), List.of());
        assertEquals(List.of("10.0.2.5", "127.0.0.1", "fd00::9", "::1"), r.addresses());
        assertEquals(List.of("10.0.2.5", "fd00::9"), r.backendsOnThisHost());
        assertTrue(String.join("\n", HostChecks.render(r)).contains("This host IS backend"));
    }

    @Test
    void jsonReportReadsBackAsEvidence() throws IOException {
        rp("all", 1);
        rp("default", 0);
        rp("eth0", 0);
        addresses();
        HostCheckReport r = check(List.of("10.0.2.5"), List.of());
        Path f = proc.resolve("hostcheck.json");
        Files.writeString(f, io.pathprobe.ticket.report.ResultsJson.toJson(r));
        assertEquals(r, io.pathprobe.ticket.report.ResultsJson.readHostCheck(f));
        Path other = proc.resolve("other.json");
        Files.writeString(other, "{\"schema\":\"pathprobe.ticket/1\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> io.pathprobe.ticket.report.ResultsJson.readHostCheck(other));
        assertTrue(e.getMessage().contains("is not a hostcheck report"), e.getMessage());
    }

    @Test
    void badBackendIsAUsageError() throws IOException {
        rp("all", 0);
        rp("default", 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> check(List.of("backend.example"), List.of()));
        assertTrue(e.getMessage().contains("'backend.example' is not an IP address"), e.getMessage());
    }

    @Test
    void reportsSysctlFilesThatSetRpFilter() throws IOException {
        rp("all", 1);
        rp("default", 1);
        Path d = Files.createDirectories(proc.resolve("etc/sysctl.d"));
        Files.writeString(d.resolve("10-network.conf"), "# net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.all.rp_filter=2\n");
        Files.writeString(d.resolve("README"), "rp_filter\n");
        HostCheckReport r = check(List.of(), List.of(d));
        assertEquals(List.of(d.resolve("10-network.conf") + ":2: net.ipv4.conf.all.rp_filter=2"),
                r.sysctlFileMentions());
        assertTrue(r.fixSteps().stream().anyMatch(s -> s.contains("sysctl --system")));
    }
}
