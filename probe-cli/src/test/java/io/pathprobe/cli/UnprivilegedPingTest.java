package io.pathprobe.cli;

import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pathprobe ping} as an ordinary user (uid/gid 65534, no capabilities, via {@code setpriv}) in a namespace
 * of its own: with {@code net.ipv4.ping_group_range} open it must ping over an unprivileged ICMP socket; with the
 * range closed it must refuse with one line naming each fix, not crash ({@link Nobody} runs the child JVM).
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(180)
class UnprivilegedPingTest {
    private static Nobody nobody;

    @BeforeAll
    static void copyClassPath() throws IOException {
        nobody = new Nobody();
    }

    @AfterAll
    static void deleteCopy() throws IOException {
        if (nobody != null) {
            nobody.close();
        }
    }

    /** Runs {@code pathprobe ARGS} in {@code host}'s namespace as uid/gid 65534 with no capabilities. */
    private static CommandResult asNobody(Host host, String... args) {
        return host.run(Duration.ofSeconds(60), nobody.command(args).toArray(String[]::new));
    }

    @Test
    void anOrdinaryUserPingsOverAPingSocketWhenTheGroupRangeAdmitsIt(NetLab lab) {
        Host host = lab.host("u");
        host.sysctl("net.ipv4.ping_group_range", "0 2147483647");
        CommandResult r = asNobody(host, "ping", "-c", "3", "-i", "0.2", "127.0.0.1");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("3 packets transmitted, 3 received, 0% packet loss"), r.stdout());
        // Without root or CAP_NET_RAW the raw socket is impossible, so AUTO must have chosen the ping socket;
        // forcing raw must be refused with the fixes.
        CommandResult raw = asNobody(host, "ping", "--socket", "raw", "-c", "1", "127.0.0.1");
        assertTrue(raw.exitCode() != 0, raw.stdout() + raw.stderr());
        assertTrue(raw.stdout().contains("CAP_NET_RAW") || raw.stderr().contains("CAP_NET_RAW")
                || raw.stdout().contains("cap_net_raw") || raw.stderr().contains("cap_net_raw"),
                "names the raw-socket fix: " + raw.stdout() + raw.stderr());
    }

    @Test
    void withTheRangeClosedTheUserIsToldEachFix(NetLab lab) {
        Host host = lab.host("u");
        host.sysctl("net.ipv4.ping_group_range", "1 0");
        CommandResult r = asNobody(host, "ping", "-c", "1", "127.0.0.1");
        assertEquals(2, r.exitCode(), r.stdout() + r.stderr());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
        assertTrue(err.contains("(net.ipv4.ping_group_range is 1 0)"), "the value as sysctl shows it: " + err);
        assertTrue(err.contains(". Fix: sudo sysctl -w net.ipv4.ping_group_range="), "the ping socket first: " + err);
        assertTrue(err.contains("--addamb=cap_net_raw"), "raw sockets for this run alone: " + err);
        assertFalse(err.contains("setcap cap_net_raw+ep"), "no capability on the system's java: " + err);
        assertTrue(err.contains("tcp"), err);
    }

    @Test
    void hostcheckOfANamespaceWithoutTheRightToEnterItSaysWhatIsNeeded(NetLab lab) {
        Host host = lab.host("u");
        CommandResult r = asNobody(host, "hostcheck", "--netns", host.namespace());
        assertEquals(2, r.exitCode(), "missing privileges are the user's to fix: " + r.stdout() + r.stderr());
        String err = r.stderr().strip();
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
        assertTrue(err.contains("CAP_SYS_ADMIN") && !err.contains("internal error"), err);
    }
}
