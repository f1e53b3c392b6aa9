package io.pathprobe.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The option names in socket-option error messages come from one table keyed by level and option. */
class OptionNameTest {

    @Test
    void namesAKnownOptionByItsLevel() {
        assertEquals("IP_TTL", NativeSocket.optionName(SocketConstants.SOL_IP, SocketConstants.IP_TTL));
        assertEquals("IPV6_UNICAST_HOPS",
                NativeSocket.optionName(SocketConstants.SOL_IPV6, SocketConstants.IPV6_UNICAST_HOPS));
        assertEquals("SO_MARK", NativeSocket.optionName(SocketConstants.SOL_SOCKET, SocketConstants.SO_MARK));
        assertEquals("ICMP6_FILTER",
                NativeSocket.optionName(SocketConstants.IPPROTO_ICMPV6, SocketConstants.ICMP6_FILTER));
    }

    @Test
    void anUnknownPairIsSpelledOutNumerically() {
        // IP_TTL's number (2) under SOL_SOCKET is SO_REUSEADDR, which the table does not name: the level is
        // part of the key, so it is not taken for IP_TTL.
        assertEquals("level " + SocketConstants.SOL_SOCKET + " option " + SocketConstants.IP_TTL,
                NativeSocket.optionName(SocketConstants.SOL_SOCKET, SocketConstants.IP_TTL));
        assertEquals("level 9999 option 7", NativeSocket.optionName(9999, 7));
    }
}
