package io.pathprobe.core;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressTextTest {
    private static String text(String literal) throws UnknownHostException {
        return AddressText.of(InetAddress.getByName(literal)); // a literal: no name lookup
    }

    @Test
    void ipv6IsWrittenAsRfc5952Says() throws Exception {
        assertEquals("fd00:91:70:3::2", text("fd00:91:70:3:0:0:0:2"));
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("::", text("0:0:0:0:0:0:0:0"));
        assertEquals("fe80::", text("fe80:0:0:0:0:0:0:0"));
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1")); // one zero group stays
        assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1")); // the longer run wins
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1")); // the first of equal runs
        assertEquals("2001:db8::abcd", text("2001:0DB8:0000:0000:0000:0000:0000:ABCD"));
    }

    @Test
    void ipv4IsDottedQuad() throws Exception {
        assertEquals("10.70.3.2", text("10.70.3.2"));
    }

    @Test
    void parseTakesCanonicalLiteralsOnlyAndNeverANameOrAShorthand() {
        assertEquals("10.70.3.2", AddressText.of(AddressText.parse("10.70.3.2")));
        assertEquals("0.0.0.0", AddressText.of(AddressText.parse("0.0.0.0")));
        assertEquals("2001:db8::abcd", AddressText.of(AddressText.parse("2001:0DB8:0000:0000:0000:0000:0000:ABCD")));
        assertEquals("::", AddressText.of(AddressText.parse("::")));
        // IPv4-mapped IPv6 is the IPv4 address, as InetAddress.getByName gives it.
        assertInstanceOf(Inet4Address.class, AddressText.parse("::ffff:10.0.0.1"));
        assertEquals("10.0.0.1", AddressText.of(AddressText.parse("::ffff:10.0.0.1")));
        for (String notOne : new String[] {"127.1", "010.0.0.1", "1.2.3.256", "1.2.3.4.", " 1.2.3.4", "1.2.3",
                "example.com", "localhost", "", "[::1]", "fe80::1%eth0", "1::2::3", "12345::", ":1", "1:",
                "::ffff:1.2.3.04", "\u0661.2.3.4"}) {
            assertNull(AddressText.parse(notOne), notOne);
            assertFalse(AddressText.isLiteral(notOne), notOne);
        }
        assertNull(AddressText.parse(null));
        assertTrue(AddressText.isLiteral("fd00::1"));
    }
}
