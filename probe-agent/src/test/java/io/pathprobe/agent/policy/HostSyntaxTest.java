package io.pathprobe.agent.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host strings: literals, names, and every numeric spelling that must never reach a resolver. */
class HostSyntaxTest {

    private static InetAddress literal(String host) {
        return assertInstanceOf(HostSyntax.Literal.class, HostSyntax.parse(host)).address();
    }

    private static String refused(String host) {
        return assertThrows(IllegalArgumentException.class, () -> HostSyntax.parse(host), host).getMessage();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|127.0.0.1",
            "0.0.0.0|0.0.0.0",
            "255.255.255.255|255.255.255.255",
            "10.20.30.40|10.20.30.40",
            "192.0.2.100|192.0.2.100",
    })
    void canonicalDottedQuadsAreIpv4Literals(String host, String text) {
        InetAddress a = literal(host);
        assertInstanceOf(Inet4Address.class, a);
        assertEquals(text, Literals.text(a));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "::1|::1",
            "[::1]|::1",
            "::|::",
            "2001:db8::10|2001:db8::10",
            "[2001:DB8:0000:0:0:0:0:10]|2001:db8::10",
            "2001:db8:0:0:1:0:0:1|2001:db8::1:0:0:1",
            "fe80::1|fe80::1",
            "1:2:3:4:5:6:7:8|1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::|1:2:3:4:5:6:7:0",
            "::2:3:4:5:6:7:8|0:2:3:4:5:6:7:8",
            "64:ff9b::192.0.2.1|64:ff9b::c000:201",
            "1:2:3:4:5:6:1.2.3.4|1:2:3:4:5:6:102:304",
            "::1.2.3.4|::102:304",
    })
    void ipv6LiteralsParseWithOrWithoutBrackets(String host, String text) {
        InetAddress a = literal(host);
        assertInstanceOf(Inet6Address.class, a);
        assertEquals(text, Literals.text(a));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::ffff:127.0.0.1", "::ffff:7f00:1", "[::ffff:127.0.0.1]", "0:0:0:0:0:ffff:7f00:0001",
            "::FFFF:127.0.0.1"})
    void ipv4MappedLiteralsAreTheirIpv4Address(String host) {
        InetAddress a = literal(host);
        assertInstanceOf(Inet4Address.class, a);
        assertEquals("127.0.0.1", Literals.text(a));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "127.1", "127.0.1", "0177.0.0.1", "0x7f.0.0.1", "0x7f.1", "0X7F000001", "0x7f000001", "2130706433",
            "017700000001", "127.0.0.01", "127.000.000.001", "127.0.0.1.", "1.2.3.4.5", "256.0.0.1", "0x", "00",
            "example.123", "example.0x1f", "1.2.3.4.", "..1", "4294967296", "127.0.0.0x1"})
    void numericLookingSpellingsAreRefused(String host) {
        String m = refused(host);
        assertTrue(m.contains("looks like a numeric address but is not a canonical dotted quad"), m);
        assertTrue(m.startsWith("target host '" + host + "' "), m);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "' 127.0.0.1'|contains whitespace",
            "'127.0.0.1 '|contains whitespace",
            "'127.0.0.1\tx'|contains whitespace",
            "'127.0.0.1\n'|contains whitespace",
            "'127.0.0.1\u0000'|contains whitespace or a control character",
            "'127.0.0.1\u00a0'|contains whitespace",
            "'1\u200327.0.0.1'|contains whitespace",
            "127%2e0%2e0%2e1|is percent-encoded",
            "%31%32%37.0.0.1|is percent-encoded",
            "fe80::1%eth0|has a zone id",
            "[fe80::1%25eth0]|has a zone id",
            "\uff11\uff12\uff17.0.0.1|contains non-ASCII digits",
            "\u0661\u0662\u0667.0.0.1|contains non-ASCII digits",
            "127\u30020\u30020\u30021|contains non-ASCII characters",
            "127\uff0e0\uff0e0\uff0e1|contains non-ASCII characters",
            "b\u00fccher.example|contains non-ASCII characters: give an internationalised name in its ASCII form",
            "127.0.0.1:80|looks like host:port",
            "lb.example.com:443|looks like host:port",
            "[127.0.0.1]|is not a bracketed IPv6 address",
            "[::1]:443|is not a bracketed IPv6 address",
            "[::1|is not a bracketed IPv6 address",
            "::ffff:127.1|is not a valid IPv6 address",
            "::ffff:0177.0.0.1|is not a valid IPv6 address",
            "::ffff:127.0.0.01|is not a valid IPv6 address",
            "1::2::3|is not a valid IPv6 address",
            "12345::1|is not a valid IPv6 address",
            "1:2:3:4:5:6:7:8:9|is not a valid IPv6 address",
            "1:2:3:4:5:6:7|is not a valid IPv6 address",
            ":1:2:3:4:5:6:7|is not a valid IPv6 address",
            "1:2:3:4:5:6:7:|is not a valid IPv6 address",
            ":::|is not a valid IPv6 address",
            "1:2:3:4:5:6:7:1.2.3.4|is not a valid IPv6 address",
            "a..example|has an empty label",
            ".example.com|has an empty label",
            "example.com..|has an empty label",
            "-lb.example.com|has a label starting or ending with a hyphen",
            "lb-.example.com|has a label starting or ending with a hyphen",
            "lb_1.example.com|names have letters, digits, hyphens and dots only",
            "user@lb.example.com|names have letters, digits, hyphens and dots only",
            "lb.example.com/path|names have letters, digits, hyphens and dots only",
            "http://lb.example.com|looks like host:port",
    })
    void malformedHostsAreRefusedWithAReason(String host, String message) {
        String m = refused(host);
        assertTrue(m.contains(message), m);
        assertFalse(m.chars().anyMatch(c -> c < 0x20 || c >= 0x7f), "messages are printable ASCII: " + m);
    }

    @Test
    void emptyAndOversizedHostsAreRefused() {
        assertEquals("the target host is empty: give an IP address or a DNS name", refused(""));
        assertEquals("the target host is empty: give an IP address or a DNS name", refused(null));
        String label = "a".repeat(63);
        String name253 = String.join(".", label, label, label, "a".repeat(61));
        assertEquals(253, name253.length());
        assertEquals(name253, ((HostSyntax.Name) HostSyntax.parse(name253)).name());
        assertEquals(name253 + ".", ((HostSyntax.Name) HostSyntax.parse(name253 + ".")).name());
        assertTrue(refused(name253 + "a").contains("longer than a DNS name can be"));
        assertTrue(refused(label + "a.example").contains("label longer than 63 characters"));
        String huge = refused("a".repeat(10_000));
        assertTrue(huge.length() < 200, "the message quotes a bounded prefix: " + huge.length());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "lb.example.com|lb.example.com",
            "LB.Example.COM|lb.example.com",
            "lb.example.com.|lb.example.com.",
            "localhost|localhost",
            "xn--bcher-kva.example|xn--bcher-kva.example",
            "0x7f.example|0x7f.example",
            "123abc|123abc",
            "1e3|1e3",
            "10.0.0.1.nip.io|10.0.0.1.nip.io",
            "a-b.c-d|a-b.c-d",
    })
    void otherHostsAreNamesToResolve(String host, String name) {
        assertEquals(new HostSyntax.Name(name), HostSyntax.parse(host));
    }
}
