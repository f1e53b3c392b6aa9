package io.pathprobe.tcp;

import io.pathprobe.core.ProbeEngine;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.testkit.Epoll;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * MTR's TCP mode: a SYN with TTL 1 expires at r1, whose Time Exceeded reaches the socket's error queue; its RTT
 * ends at the kernel's arrival stamp even when the loop is held busy (see {@link TcpKernelClockTest}). IPv4 only:
 * on this kernel the stamp that comes with an ICMPv6 error from the queue is not usable (the reading falls back to
 * the loop's time; seen in this test with IPv6, where the RTT equalled the block), so IPv6 Time Exceeded keeps the
 * loop clock.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpKernelClockLabTest {

    @ParameterizedTest
    @EnumSource(value = StandardProtocolFamily.class, names = {"INET"})
    void aTimeExceededIsTimedOnArrival(StandardProtocolFamily family, NetLab lab) throws Exception {
        LinearPath path = lab.linearPath(2);
        InetAddress server = path.server().address(family);
        TcpKernelClockTest.LoopHolder holder = new TcpKernelClockTest.LoopHolder();
        try (ProbeEngine engine = ProbeEngine.builder().threads(1).networkNamespace(path.client().namespace())
                .eventListener(holder).build()) {
            Epoll.require(engine, "the error queue needs");
            ProbeRequest ttl1 = ProbeRequest.builder("tcp").target(server).port(8080).option(ProbeOption.TTL, 1)
                    .timeout(Duration.ofSeconds(10)).build();
            ProbeOutcome o = holder.run(engine, ttl1, server);
            ProbeOutcome.TtlExceeded t = assertInstanceOf(ProbeOutcome.TtlExceeded.class, o, () -> "outcome " + o);
            assertEquals(path.router(1).addressTowardClient(family), t.responder());
            TcpKernelClockTest.assertKernelTime(t);
        }
    }
}
