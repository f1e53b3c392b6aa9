package io.pathprobe.cli;

import io.pathprobe.core.ProbeRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SweepPairsTest {
    private static ProbeRequest first(String host, int port) throws Exception {
        return ProbeRequest.builder("tcp").target(host, InetAddress.getByName(host)).port(port).build();
    }

    /** Three targets of 3, 1 and 2 ports, the second host named twice: each pair as the eager list had it. */
    @Test
    void pairsInOrderAcrossTargets() throws Exception {
        SweepPairs pairs = new SweepPairs();
        pairs.add(first("10.0.0.1", 22), List.of(22, 80, 443));
        pairs.add(first("10.0.0.2", 8080), List.of(8080));
        pairs.add(first("10.0.0.2", 1), List.of(1, 2));
        assertEquals(6, pairs.size());
        assertEquals(3, pairs.targets());
        assertEquals(2, pairs.hosts());
        List<String> labels = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            labels.add(pairs.get(i).targetLabel());
            ports.add(pairs.port(i));
        }
        assertEquals(List.of("10.0.0.1:22", "10.0.0.1:80", "10.0.0.1:443", "10.0.0.2:8080", "10.0.0.2:1",
                "10.0.0.2:2"), labels);
        assertEquals(List.of(22, 80, 443, 8080, 1, 2), ports);
        assertEquals(List.of(0, 3, 4), List.of(pairs.start(0), pairs.start(1), pairs.start(2)));
        assertEquals(List.of(3, 1, 2), List.of(pairs.pairs(0), pairs.pairs(1), pairs.pairs(2)));
        List<String> all = new ArrayList<>();
        for (ProbeRequest r : pairs.toList()) {
            all.add(r.targetLabel());
        }
        assertEquals(labels, all);
    }

    /** Many one-port targets (a range of hosts x one port): each pair finds its own target. */
    @Test
    void manyTargets() throws Exception {
        SweepPairs pairs = new SweepPairs();
        for (int h = 1; h <= 254; h++) {
            pairs.add(first("10.0.1." + h, 443), List.of(443, 80));
        }
        assertEquals(508, pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            ProbeRequest r = pairs.get(i);
            assertEquals("10.0.1." + (i / 2 + 1), r.host());
            assertEquals(i % 2 == 0 ? 443 : 80, r.port());
        }
    }

    /** A port names its pair only for one target whose ports count up by one. */
    @Test
    void aPortNamesItsPairOnlyInOneTargetsRunOfPorts() throws Exception {
        SweepPairs run = new SweepPairs();
        run.add(first("10.0.0.1", 100), List.of(100, 101, 102, 103));
        for (int i = 0; i < run.size(); i++) {
            assertEquals(i, run.indexOfPort(run.port(i)));
        }
        assertEquals(-1, run.indexOfPort(99));
        assertEquals(-1, run.indexOfPort(104));
        SweepPairs shuffled = new SweepPairs();
        shuffled.add(first("10.0.0.1", 1), List.of(1, 3, 2, 4));
        assertEquals(-1, shuffled.indexOfPort(1));
        SweepPairs twoTargets = new SweepPairs();
        twoTargets.add(first("10.0.0.1", 1), List.of(1, 2));
        twoTargets.add(first("10.0.0.2", 1), List.of(1, 2));
        assertEquals(-1, twoTargets.indexOfPort(1), "port 1 is two pairs");
    }

    @Test
    void outOfRange() throws Exception {
        SweepPairs pairs = new SweepPairs();
        pairs.add(first("10.0.0.1", 22), List.of(22));
        assertThrows(IndexOutOfBoundsException.class, () -> pairs.get(1));
        assertThrows(IndexOutOfBoundsException.class, () -> pairs.port(-1));
    }
}
