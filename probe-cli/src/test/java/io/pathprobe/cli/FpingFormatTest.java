package io.pathprobe.cli;

import io.pathprobe.core.ProbeOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** fping's lines and target lists, as pure functions. */
class FpingFormatTest {
    @ParameterizedTest(name = "{1} ns -> {0}")
    @CsvSource({"0.036, 36000", "0.999, 999000", "1.23, 1234000", "12.3, 12340000", "123, 123400000",
            "1.235e+06, 1234567000000"})
    void timesHaveFpingsPrecisionByMagnitude(String text, long nanos) {
        assertEquals(text, FpingFormat.tm(nanos));
    }

    @Test
    void lossRoundsDownAsFpingsIntegerDivision() {
        assertEquals(33, FpingFormat.loss(3, 2));
        assertEquals(66, FpingFormat.loss(3, 1));
        assertEquals(0, FpingFormat.loss(0, 0));
    }

    @Test
    void linesPadTheHostToTheLongest() {
        assertEquals("10.0.0.1  : [0], 64 bytes, 0.036 ms (0.036 avg, 0% loss)",
                FpingFormat.reply("10.0.0.1", 9, 0, 64, 36_000, 36_000, 1, 1));
        assertEquals("10.0.0.1 : [1], timed out (NaN avg, 100% loss)",
                FpingFormat.timedOut("10.0.0.1", 8, 1, -1, 2, 0));
        assertEquals("10.0.0.1 : [3], timed out (0.030 avg, 50% loss)",
                FpingFormat.timedOut("10.0.0.1", 8, 3, 30_000, 4, 2));
        assertEquals("h : xmt/rcv/%loss = 4/0/100%", FpingFormat.summary("h", 1, 4, 0, 0, 0, 0));
        assertEquals("h   : xmt/rcv/%loss = 4/2/50%, min/avg/max = 0.022/0.030/0.037",
                FpingFormat.summary("h", 3, 4, 2, 22_000, 30_000, 37_000));
        assertEquals("h : 0.025 - 0.025", FpingFormat.vector("h", 1, new long[] {25_000, -1, 25_000, -1}, 3));
        assertEquals("h is alive (0.034 ms)", FpingFormat.alive("h", true, true, 34_000));
        assertEquals("h", FpingFormat.alive("h", false, false, 34_000));
    }

    @Test
    void statisticsBlockIsFpingsLayout() {
        List<String> s = FpingFormat.stats(2, 1, 1, 0, 4, 5, 1, 0, 32_000, 32_000, 32_000, 4_082_000_000L);
        assertEquals(List.of("", "       2 targets", "       1 alive", "       1 unreachable", "       0 unknown addresses",
                "", "       4 timeouts (waiting for response)", "       5 ICMP Echos sent",
                "       1 ICMP Echo Replies received", "       0 other ICMP received", "",
                " 0.032 ms (min round trip time)", " 0.032 ms (avg round trip time)", " 0.032 ms (max round trip time)",
                "        4.082 sec (elapsed real time)", ""), s);
    }

    @Test
    void jsonStringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\"", FpingFormat.quote("a\"b\\c"));
    }

    @Test
    void fileListsSkipBlankLinesAndComments() {
        assertEquals(List.of("10.0.0.1", "host.example", "10.0.0.2"),
                FpingTargets.parseList(List.of("10.0.0.1", "", "  # a comment", "host.example  trailing words", "\t10.0.0.2")));
    }

    @Test
    void generateTakesACidrRangeOrAFirstAndLastAddress() {
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), FpingTargets.generate(List.of("10.0.0.0/30"), 100));
        assertEquals(List.of("10.0.0.254", "10.0.0.255", "10.0.1.0"),
                FpingTargets.generate(List.of("10.0.0.254", "10.0.1.0"), 100));
        UsageException e = assertThrows(UsageException.class,
                () -> FpingTargets.generate(List.of("10.0.0.9", "10.0.0.1"), 100));
        assertEquals("-g 10.0.0.9 10.0.0.1: the last address comes before the first: give the lower one first", e.getMessage());
        assertThrows(UsageException.class, () -> FpingTargets.generate(List.of("10.0.0.1", "10.0.255.255"), 100));
        assertThrows(UsageException.class, () -> FpingTargets.generate(List.of("host", "10.0.0.1"), 100));
        assertThrows(UsageException.class, () -> FpingTargets.generate(List.of("10.0.0.1"), 100));
    }

    @Test
    void icmpErrorsInFpingsWords() throws Exception {
        InetAddress r = InetAddress.getByName("10.0.0.1");
        assertEquals("ICMP Host Unreachable from 10.0.0.1 for ICMP Echo sent to h",
                FpingTargets.icmpError(new ProbeOutcome.Unreachable(1, r, 3, 1, 0, null), "h"));
        assertEquals("ICMP Time Exceeded from 10.0.0.1 for ICMP Echo sent to h",
                FpingTargets.icmpError(new ProbeOutcome.TtlExceeded(1, r, 0), "h"));
    }
}
