package io.pathprobe.core.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void millisecondsAndPercent() {
        assertEquals("0.065", NumberText.ms3(0.065));
        assertEquals("12.3", NumberText.ms1(12.34));
        assertEquals("12.5%", NumberText.percent1(12.5));
        assertEquals("100.0%", NumberText.percent1(100));
    }
}
