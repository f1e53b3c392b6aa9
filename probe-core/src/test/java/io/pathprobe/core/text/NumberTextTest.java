package io.pathprobe.core.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The numbers in ping's and mtr's words, as C's printf writes them (the CLI's formatters use these). */
class NumberTextTest {
    static Stream<Arguments> percentLikeCsPercentG() {
        return Stream.of(arguments("0", 0.0), arguments("25", 25.0), arguments("100", 100.0), arguments("8", 8.0),
                arguments("0.333333", 100.0 / 300), arguments("33.3333", 100.0 / 3),
                arguments("66.6667", 200.0 / 3), arguments("0.1", 0.1));
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource
    void percentLikeCsPercentG(String text, double percent) {
        assertEquals(text, NumberText.g(percent));
    }

    @ParameterizedTest(name = "{1} ns -> {0}")
    @CsvSource({"0.052, 52000", "0.210, 210000", "1.23, 1234000", "12.3, 12345000", "123, 123456000",
            "2001, 2001000000", "0.000, 0"})
    void rttHasThreeSignificantDigitsLikePing(String text, long nanos) {
        assertEquals(text, NumberText.rttMs(nanos));
    }

    /** ping rounds to whole microseconds, then picks the form of what it rounded to: never a fourth digit. */
    @ParameterizedTest(name = "{1} ns -> {0}")
    @CsvSource({"0.000, 499", "0.001, 500", "0.009, 9400", "0.010, 10000", "0.099, 99499", "0.100, 99500",
            "0.999, 999499", "1.00, 999500", "1.00, 1004499", "1.01, 1005000", "1.04, 1044499", "3.01, 3005000",
            "9.99, 9994499", "10.0, 9994500", "10.0, 10049499", "10.1, 10050000", "99.9, 99949499",
            "100, 99949500", "100, 100499499", "101, 100500000", "999, 999499499", "1000, 999500000"})
    void rttRoundsBeforeItChoosesItsForm(String text, long nanos) {
        assertEquals(text, NumberText.rttMs(nanos));
    }

    /**
     * Over random times up to 10 s: the text is one of ping's forms (three decimals below 1 ms, else three
     * significant digits, whole milliseconds from 100) and within half its last digit of the time rounded to
     * microseconds.
     */
    @Test
    void rttIsAlwaysOneOfPingsFormsAndNearTheTime() {
        Pattern forms = Pattern.compile("0\\.\\d{3}|[1-9]\\.\\d{2}|[1-9]\\d\\.\\d|[1-9]\\d{2,}");
        Random random = new Random(20261202);
        for (int i = 0; i < 200_000; i++) {
            long nanos = i % 2 == 0 ? random.nextInt(2_000_000) : (long) (Math.pow(10, random.nextDouble() * 10));
            String text = NumberText.rttMs(nanos);
            assertTrue(forms.matcher(text).matches(), nanos + " ns -> " + text);
            int point = text.indexOf('.');
            double halfUlp = point < 0 ? 0.5 : 0.5 * Math.pow(10, point - text.length() + 1);
            double us = Math.round(nanos / 1000.0) / 1000.0;
            assertTrue(Math.abs(Double.parseDouble(text) - us) <= halfUlp + 1e-9, nanos + " ns -> " + text);
        }
    }

    @ParameterizedTest(name = "{1} / 10^{2} -> {0}")
    @CsvSource({"12.34, 1234, 2", "0.005, 5, 3", "1.000, 1000, 3", "7, 7, 0", "0.0, 0, 1", "123456.7, 1234567, 1"})
    void fixedPointHasExactlyItsDecimals(String text, long scaled, int decimals) {
        assertEquals(text, NumberText.fixedPoint(scaled, decimals));
    }

    @Test
    void aNegativeRttPrintsAsZeroAsPingCountsIt() {
        assertEquals("0.000", NumberText.rttMs(-1));
        assertEquals("0.000", NumberText.rttMs(Long.MIN_VALUE));
    }

    /**
     * ms3, ms1 and percent1 print what String.format prints, for 600,000 seeded values: uniform, whole and half
     * microseconds (the ties of three decimals), large, negative, and the edges (zeros, non-finite, extremes).
     */
    @Test
    void decimalsAreWhatTheFormatterPrints() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(17);
        double[] edges = {0.0, -0.0, 0.0005, 0.0015, 0.0025, 0.05, 0.15, 0.25, 1e-9, 999.9995, 1e7, 1.5e300,
            Double.MIN_VALUE, Double.MAX_VALUE, -0.0005, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        for (int i = 0; i < 600_000 + edges.length; i++) {
            double v = i < edges.length ? edges[i] : switch (i % 5) {
                case 0 -> r.nextDouble() * 10;
                case 1 -> r.nextLong(100_000_000_000L) / 1e6; // whole nanoseconds as ms
                case 2 -> (r.nextInt(2_000_000) * 2 + 1) / 2e6; // half microseconds as ms: ties at 3 decimals
                case 3 -> (r.nextInt(20_000) * 2 + 1) / 2e2; // ties at 1 decimal
                default -> -r.nextDouble() * 1e4;
            };
            assertEquals(String.format(java.util.Locale.ROOT, "%.3f", v), NumberText.ms3(v), "ms3 " + v);
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f", v), NumberText.ms1(v), "ms1 " + v);
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f%%", v), NumberText.percent1(v), "% " + v);
        }
    }

    @Test
    void millisecondsAndPercent() {
        assertEquals("0.065", NumberText.ms3(0.065));
        assertEquals("12.3", NumberText.ms1(12.34));
        assertEquals("12.5%", NumberText.percent1(12.5));
        assertEquals("100.0%", NumberText.percent1(100));
    }
}
