package io.pathprobe.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which host arguments are address literals (used without a DNS query): core's parser, plus IPv6 zones. */
class HostResolverLiteralTest {
    @Test
    void literalsAreCoresPlusZonedIpv6() {
        for (String yes : new String[] {"127.0.0.1", "::1", "fd00::2", "fe80::1%eth0", "fe80::1%2"}) {
            assertTrue(HostResolver.isLiteral(yes), yes);
        }
        for (String no : new String[] {"localhost", "example.com", "127.1", "999.1.1.1", "fe80::1%", "%eth0",
                "10.0.0.1%eth0", "a.b"}) {
            assertFalse(HostResolver.isLiteral(no), no);
        }
    }
}
