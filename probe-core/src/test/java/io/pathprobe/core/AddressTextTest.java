package io.pathprobe.core;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
