package io.pathprobe.core;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeRequestTest {
    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void badValuesSayWhatIsAllowed() {
        assertEquals("port 0 is out of range: use 1 to 65535", error(() -> ProbeRequest.builder("tcp").port(0)));
        assertEquals("port 70000 is out of range: use 1 to 65535", error(() -> ProbeRequest.builder("tcp").port(70000)));
        assertTrue(error(() -> ProbeRequest.builder("tcp").timeout(Duration.ZERO)).contains("must be positive"));
        assertEquals("a target is required: call target(host) or target(address)",
                error(() -> ProbeRequest.builder("tcp").build()));
        assertEquals("target host must not be empty", error(() -> ProbeRequest.builder("tcp").target(" ")));
        assertEquals("option ttl = 300 is out of range: allowed 0 (system default) to 255",
                error(() -> ProbeRequest.builder("tcp").option(ProbeOption.TTL, 300)));
        assertTrue(error(() -> ProbeRequest.builder(" ")).startsWith("probe kind must be given"));
        assertTrue(error(() -> VantagePoint.fromInterface("way-too-long-interface-name")).contains("not valid"));
    }

    @Test
    void optionsDefaultAndVariantsKeepTheRest() {
        ProbeRequest r = ProbeRequest.builder("tcp").target("::1", InetAddress.getLoopbackAddress()).port(443)
                .option(ProbeOption.TTL, 3).build();
        assertEquals(3, r.option(ProbeOption.TTL));
        assertEquals(-1, r.option(ProbeOption.TOS));
        assertEquals("[::1]:443", r.targetLabel());
        ProbeRequest r2 = r.toBuilder().port(80).build();
        assertEquals(80, r2.port());
        assertEquals(3, r2.option(ProbeOption.TTL));
        assertEquals(ProbeRequest.DEFAULT_TIMEOUT, r2.timeout());
        assertEquals("local", r2.vantagePoint().id());
        ProbeRequest r3 = r.withPort(22);
        assertEquals(22, r3.port());
        assertEquals("[::1]:22", r3.targetLabel());
        assertEquals(3, r3.option(ProbeOption.TTL));
        assertEquals(r.options(), r3.options());
        assertEquals(r.timeout(), r3.timeout());
        assertEquals(r.address(), r3.address());
        assertEquals(443, r.port(), "the original keeps its port");
        assertThrows(IllegalArgumentException.class, () -> r.withPort(65536));
    }

    @Test
    void vantagePointIdsNameTheBinding() throws Exception {
        assertEquals("src:127.0.0.2", VantagePoint.fromAddress(InetAddress.getByName("127.0.0.2")).id());
        assertEquals("dev:eth0", VantagePoint.fromInterface("eth0").id());
    }

    @Test
    void unreachableDescribesTheIcmpCode() throws Exception {
        InetAddress router = InetAddress.getByName("10.1.2.3");
        assertEquals("host unreachable from 10.1.2.3",
                new ProbeOutcome.Unreachable(1, router, 3, 1, 0, null).describe());
        assertEquals("communication administratively prohibited from 10.1.2.3",
                new ProbeOutcome.Unreachable(1, router, 3, 13, 0, null).describe());
        assertEquals("fragmentation needed (mtu 1400) from 10.1.2.3",
                new ProbeOutcome.Unreachable(1, router, 3, 4, 1400, null).describe());
        InetAddress v6 = InetAddress.getByName("fd00::1");
        assertEquals("address unreachable from fd00:0:0:0:0:0:0:1",
                new ProbeOutcome.Unreachable(1, v6, 1, 3, 0, null).describe());
        assertEquals("no route to host",
                new ProbeOutcome.Unreachable(1, null, -1, -1, 0, new ErrnoCause(113, "EHOSTUNREACH", "No route to host"))
                        .describe());
    }
}
