package io.pathprobe.nativeio;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the error-queue parser ({@link ErrorQueue#parse}, {@link ErrorQueue#timestamp}) on arbitrary control and
 * payload bytes, as a hostile or buggy kernel entry could present them: it must never throw, and what it returns
 * must come from inside its input. Without {@code JAZZER_FUZZ} this replays the seed corpus in
 * {@code src/test/resources/io/pathprobe/nativeio/ErrorQueueFuzzTestInputs/}.
 *
 * <p>Input layout: a 6-byte head (big-endian signed 16-bit {@code msg_controllen} as claimed, the split between
 * control and payload bytes, and the claimed payload length), then the control bytes, then the payload.
 */
class ErrorQueueFuzzTest {
    @FuzzTest
    void errorQueueEntries(byte[] input) {
        if (input.length < 6) {
            return;
        }
        ByteBuffer head = ByteBuffer.wrap(input, 0, 6);
        int controlLength = head.getShort();
        int split = Math.min(head.getShort() & 0xffff, input.length - 6);
        int payloadLength = head.getShort();
        byte[] control = Arrays.copyOfRange(input, 6, 6 + split);
        byte[] payload = Arrays.copyOfRange(input, 6 + split, input.length);

        Optional<SocketError> parsed = ErrorQueue.parse(control, controlLength, payload, payloadLength);
        ErrorQueue.timestamp(control, controlLength); // any value, never an exception
        if (parsed.isEmpty()) {
            return;
        }
        SocketError e = parsed.get();
        int kept = Math.max(0, Math.min(payloadLength, payload.length));
        assertArrayEquals(Arrays.copyOf(payload, kept), e.quotedPayload(), "the quote is the payload's valid part");
        assertTrue(e.origin() >= 0 && e.origin() <= 255 && e.icmpType() >= 0 && e.icmpType() <= 255
                && e.icmpCode() >= 0 && e.icmpCode() <= 255, e::toString);
        assertTrue(e.offender() == null || e.offender() instanceof Inet4Address || e.offender() instanceof Inet6Address);
        // A null payload is no payload, not an exception.
        ErrorQueue.parse(control, controlLength, null, payloadLength);
    }
}
