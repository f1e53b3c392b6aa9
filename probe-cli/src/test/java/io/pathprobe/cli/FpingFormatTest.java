package io.pathprobe.cli;

import io.pathprobe.core.ProbeOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;

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

    /**
     * Ties in decimal, as glibc's printf rounds them (the exact binary value of nanos / 1e6, half to even), from a C
     * program printing these nanoseconds with fping's formats. String.format (half up on the shortest decimal) gave
     * 0.005, 0.006, 0.123, 1.01, 1.02, 2.68 and 101 for 4500, 5500, 122500, 1005000, 1015000, 2675000 and 100500000.
     */
    @ParameterizedTest(name = "{1} ns -> {0}")
    @CsvSource({"0.004, 4500", "0.005, 5500", "0.122, 122500", "1.000, 999500", "1.00, 1005000", "1.01, 1015000",
            "2.67, 2675000", "10.1, 10050000", "10.2, 10150000", "100, 100500000", "102, 101500000",
            "1000, 999999500", "0.000, 0", "0.001, 500", "1.000, 999999", "10.00, 9999999", "100.0, 99999999"})
    void tiesRoundAsCsPrintf(String text, long nanos) {
        assertEquals(text, FpingFormat.tm(nanos));
    }

    /**
     * Against C's definition (the double's exact value, rounded half to even at fping's precision): every tie and
     * its neighbours in each magnitude, and 200,000 random times below 1,000,000 ms (fixed seed).
     */
    @Test
    void timesMatchTheExactValueOfTheDoubleRoundedHalfToEven() {
        Random random = new Random(12);
        for (int i = 0; i < 200_000; i++) {
            long unit = new long[] {1_000, 10_000, 100_000, 1_000_000}[i % 4];
            long base = (long) (random.nextDouble() * (unit * 1000L)) / unit * unit + unit / 2; // a tie
            for (long nanos : new long[] {base - 1, base, base + 1, (long) (random.nextDouble() * 1e12)}) {
                assertEquals(cPrintf(nanos), FpingFormat.tm(nanos), nanos + " ns");
            }
        }
    }

    private static String cPrintf(long nanos) {
        double t = nanos / 1e6;
        int decimals = t < 1 ? 3 : t < 10 ? 2 : t < 100 ? 1 : 0;
        return new BigDecimal(t).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
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
