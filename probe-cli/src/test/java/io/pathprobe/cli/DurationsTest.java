package io.pathprobe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {"1|PT1S", "0.2|PT0.2S", ".2|PT0.2S", "2.|PT2S", "0.000000001|PT0.000000001S",
            "0|PT0S"})
    void plainNumbersAreSeconds(String text, Duration seconds) {
        assertEquals(seconds, Durations.parse(text));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {"30s|PT30S", "10m|PT10M",
            "500ms|PT0.5S", "1.5us|PT0.0000015S", "1.5h|PT1H30M", " 30 S |PT30S"})
    void units(String text, Duration duration) {
        assertEquals(duration, Durations.parse(text));
    }

    @Test
    void roundsToTheNearestNanosecond() {
        assertEquals(Duration.ofNanos(2), Durations.parse("0.0000000015"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "-1", "-0.5", "1x", "1e3", "1,5", "s", "1 2", "0.0000000001",
        "99999999999999999999h", "NaN", "Infinity", "1mm"})
    void rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        TargetSpecTest.assertOneHelpfulLine(e.getMessage());
    }

    @Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    }

    @Test
    void formatsSecondsWithoutTrailingZeros() {
        assertEquals("1 s", Durations.format(Duration.ofSeconds(1)));
        assertEquals("0.2 s", Durations.format(Duration.ofMillis(200)));
        assertEquals("0.005 s", Durations.format(Duration.ofMillis(5)));
        assertEquals("600 s", Durations.format(Duration.ofMinutes(10)));
    }
}
