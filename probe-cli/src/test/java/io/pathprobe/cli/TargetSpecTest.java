package io.pathprobe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetSpecTest {
    @Test
    void hostAndPort() {
        assertEquals(new TargetSpec("10.0.0.1", List.of(80)), TargetSpec.parse("10.0.0.1:80"));
        assertEquals(new TargetSpec("example.com", List.of(443)), TargetSpec.parse("example.com:443"));
    }

    @Test
    void hostAlone() {
        assertEquals(new TargetSpec("10.0.0.1", List.of()), TargetSpec.parse("10.0.0.1"));
        assertEquals(new TargetSpec("example.com", List.of()), TargetSpec.parse(" example.com "));
    }

    @Test
    void portListsAndRanges() {
        assertEquals(List.of(80, 443, 8000, 8001, 8002, 8003), TargetSpec.parse("h:80,443,8000-8003").ports());
        assertEquals(List.of(22), TargetSpec.parse("h:22-22").ports());
        assertEquals(List.of(1, 65535), TargetSpec.parse("h:1,65535").ports());
        assertEquals(List.of(80, 443), TargetSpec.parsePorts(" 80 , 443 "));
    }

    @Test
    void duplicatePortsAreDroppedKeepingFirstPosition() {
        assertEquals(List.of(81, 80, 82), TargetSpec.parsePorts("81,80-82,80"));
    }

    @Test
    void leadingZerosAreTheSamePort() {
        assertEquals(List.of(80), TargetSpec.parsePorts("0080"));
    }

    @Test
    void wholePortRange() {
        List<Integer> all = TargetSpec.parsePorts("1-65535");
        assertEquals(IntStream.rangeClosed(1, 65535).boxed().collect(Collectors.toList()), all);
    }

    @Test
    void bracketedIpv6() {
        assertEquals(new TargetSpec("::1", List.of(22)), TargetSpec.parse("[::1]:22"));
        assertEquals(new TargetSpec("2001:db8::5", List.of(80, 443)), TargetSpec.parse("[2001:db8::5]:80,443"));
        assertEquals(new TargetSpec("::1", List.of()), TargetSpec.parse("[::1]"));
        assertEquals(new TargetSpec("fe80::1%eth0", List.of(22)), TargetSpec.parse("[fe80::1%eth0]:22"));
    }

    @Test
    void bareIpv6IsAHostWithoutPort() {
        assertEquals(new TargetSpec("::1", List.of()), TargetSpec.parse("::1"));
        assertEquals(new TargetSpec("2001:db8::80", List.of()), TargetSpec.parse("2001:db8::80"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h:80-", "h:-80", "h:90-80", "h:abc", "h:0", "h:65536", "h:70000", "h:99999999999999",
        "h:80,,443", "h:80,", "h:", ":80", "", "  ", "[::1", "[::1]x", "[::1]:", "[10.0.0.1]:80", "h:+80",
        "h:8o", "h:80-90-100", "a b:80", "h/24:80"})
    void rejectsMalformedTargets(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse(text));
        assertOneHelpfulLine(e.getMessage());
    }

    @Test
    void messagesNameTheProblem() {
        assertTrue(message("h:80-").contains("'80-' needs both ends"), message("h:80-"));
        assertTrue(message("h:90-80").contains("runs backwards") && message("h:90-80").contains("80-90"));
        assertTrue(message("h:70000").contains("port 70000 is out of range: use 1 to 65535"));
        assertTrue(message("h:0").contains("port 0 is out of range"));
        assertTrue(message("h:abc").contains("'abc' is not a port"));
        assertTrue(message("h:").contains("no port after ':'"));
        assertTrue(message("[10.0.0.1]:80").contains("brackets are only for IPv6"));
        assertTrue(message("h:99999999999999").contains("out of range"));
    }

    @Test
    void portListRejectsEmpty() {
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parsePorts(""));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parsePorts(null));
    }

    private static String message(String target) {
        return assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse(target)).getMessage();
    }

    static void assertOneHelpfulLine(String message) {
        assertTrue(message != null && !message.isBlank(), "a message");
        assertTrue(!message.contains("\n"), "one line: " + message);
        assertTrue(message.contains(":"), "says what to do after a colon: " + message);
    }
}
