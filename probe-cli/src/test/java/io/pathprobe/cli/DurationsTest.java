package io.pathprobe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {
    @Test
    void plainNumbersAreSeconds() {
        assertEquals(Duration.ofSeconds(1), Durations.parse("1"));
        assertEquals(Duration.ofMillis(200), Durations.parse("0.2"));
        assertEquals(Duration.ofMillis(200), Durations.parse(".2"));
        assertEquals(Duration.ofSeconds(2), Durations.parse("2."));
        assertEquals(Duration.ofNanos(1), Durations.parse("0.000000001"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
    }

    @Test
    void units() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("10m"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofNanos(1500), Durations.parse("1.5us"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1.5h"));
        assertEquals(Duration.ofSeconds(30), Durations.parse(" 30 S "));
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
