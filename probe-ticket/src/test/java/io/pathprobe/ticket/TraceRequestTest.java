package io.pathprobe.ticket;

import io.pathprobe.core.VantagePoint;
import io.pathprobe.mtr.ProbeMode;
import io.pathprobe.ticket.agent.CapturePlan;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A trace request carries its mode typed; the plan's wire form ("icmp", "tcp") is checked where it is read. */
class TraceRequestTest {
    private static final InetAddress TARGET = InetAddress.getLoopbackAddress();

    private static TraceRunner.TraceRequest request(ProbeMode mode) {
        return new TraceRunner.TraceRequest(mode, "lb", TARGET, 80, VantagePoint.local(), "local", 3,
                Duration.ofSeconds(1), Duration.ofSeconds(2), 30);
    }

    @Test
    void theCheckNameIsTheModesKindAsEventsAlwaysNamedIt() {
        assertEquals("mtr-tcp", request(ProbeMode.TCP).check());
        assertEquals("mtr-icmp", request(ProbeMode.ICMP).check());
    }

    @Test
    void aRequestNeedsAMode() {
        assertEquals("mode", assertThrows(NullPointerException.class, () -> request(null)).getMessage());
    }

    @Test
    void aPlanWithAnUnknownTraceModeSaysWhichModesThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CapturePlan.builder("lb", TARGET).ports(List.of(80)).traceModes(List.of("icmp", "sctp")).build());
        assertEquals("trace mode 'sctp' is not known: use [icmp, tcp]", e.getMessage());
    }
}
