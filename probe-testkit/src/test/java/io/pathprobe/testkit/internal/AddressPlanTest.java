package io.pathprobe.testkit.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressPlanTest {
    @Test
    void linkAddressesAndSubnetsFollowTheScheme() {
        AddressPlan p = AddressPlan.fixed(70);
        assertEquals("10.70.3.1", p.linkAddress(3, 1, INET).getHostAddress());
        assertEquals("10.70.3.2", p.linkAddress(3, 2, INET).getHostAddress());
        assertEquals("fd00:91:70:3:0:0:0:2", p.linkAddress(3, 2, INET6).getHostAddress());
        assertEquals("10.70.250.0/24", p.linkSubnet(250, INET));
        assertEquals("fd00:91:70:250::/64", p.linkSubnet(250, INET6));
        assertEquals("10.70.255.7", p.vip(7, INET).getHostAddress());
        assertEquals("fd00:91:70:255:0:0:0:7", p.vip(7, INET6).getHostAddress());
        assertEquals("10.70.0.0/16", p.labRange(INET));
        assertEquals("fd00:91:70::/48", p.labRange(INET6));
        assertEquals(24, AddressPlan.linkPrefixLength(INET));
        assertEquals(64, AddressPlan.linkPrefixLength(INET6));
    }

    @Test
    void everyAddressIsInsideTheLabRange() {
        AddressPlan p = AddressPlan.fixed(127);
        for (int n = 1; n <= AddressPlan.MAX_LINKS; n++) {
            byte[] a = p.linkAddress(n, 2, INET).getAddress();
            assertEquals(10, a[0]);
            assertEquals(127, a[1] & 0xff);
            byte[] v = p.vip(n, INET6).getAddress();
            assertEquals((byte) 0xfd, v[0]);
            assertEquals(0x0127, ((v[4] & 0xff) << 8) | (v[5] & 0xff)); // "127" read as hex
        }
    }

    @Test
    void outOfRangeNumbersAreRejected() {
        AddressPlan p = AddressPlan.fixed(64);
        assertThrows(IllegalArgumentException.class, () -> p.linkAddress(0, 1, INET));
        assertThrows(IllegalArgumentException.class, () -> p.linkAddress(251, 1, INET));
        assertThrows(IllegalArgumentException.class, () -> p.linkAddress(1, 3, INET));
        assertThrows(IllegalArgumentException.class, () -> p.vip(251, INET6));
        assertThrows(IllegalArgumentException.class, () -> p.linkSubnet(1, StandardProtocolFamily.UNIX));
        assertThrows(IllegalArgumentException.class, () -> AddressPlan.fixed(63));
        assertThrows(IllegalArgumentException.class, () -> AddressPlan.fixed(128));
    }

    @Test
    void liveLabsNeverShareAnOctetAndReleasedSlotsAreReused(@TempDir Path dir) {
        List<AddressPlan> plans = new ArrayList<>();
        Set<Integer> octets = new HashSet<>();
        try {
            for (int i = 0; i < AddressPlan.SLOTS; i++) {
                AddressPlan p = AddressPlan.allocate(dir);
                plans.add(p);
                assertTrue(octets.add(p.secondOctet()), "octet " + p.secondOctet() + " given twice");
                assertTrue(p.secondOctet() >= 64 && p.secondOctet() <= 127);
            }
            assertThrows(io.pathprobe.testkit.NetLabException.class, () -> AddressPlan.allocate(dir));
            AddressPlan first = plans.remove(0);
            first.close();
            first.close(); // closing twice is harmless
            AddressPlan again = AddressPlan.allocate(dir); // the one free slot
            plans.add(again);
            assertEquals(first.secondOctet(), again.secondOctet());
        } finally {
            plans.forEach(AddressPlan::close);
        }
    }
}
