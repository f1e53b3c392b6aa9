package io.pathprobe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which JIT {@code bin/pathprobe} gives a command (an integration test, after {@code package}): C1 alone for what is
 * over in seconds (tcp, mtr, and a ping or fping whose words plan at most 1,000,000 probes), tiered compilation for a
 * longer or unbounded ping. Each run is {@code --help} (nothing is sent) under {@code -XX:+PrintFlagsFinal}, whose
 * line for {@code TieredStopAtLevel} shows the level the JVM was given: 1 for C1 alone, 4 for tiered.
 */
@Timeout(120)
class LauncherJitIT {
    private static final Pattern LEVEL = Pattern.compile("(?m)^\\s*intx TieredStopAtLevel\\s+=\\s+(\\d+)\\s");

    @ParameterizedTest(name = "{1} -> level {0}")
    @CsvSource(delimiter = '|', value = {
            "1 | ping -c 1 127.0.0.1",
            "1 | ping -q -c 1000 -i 0.000001 127.0.1.0/24", // 256,000 planned
            "1 | ping --count=3906 127.0.1.0/24", // 999,936: the last at or under 1,000,000
            "4 | ping --count=3907 127.0.1.0/24", // 1,000,192
            "4 | ping -q -c 40000 127.0.1.0/24",
            "4 | ping -c 5 127.0.0.0/16 127.1.0.0/16 127.2.0.0/16 127.3.0.0/16", // ranges add up: 1,310,720
            "4 | ping 127.0.0.1", // until Ctrl-C
            "4 | ping -w 10 127.0.0.1", // a deadline, no count
            "4 | ping -c 12x 127.0.0.1", // a count the launcher cannot read: as before
            "1 | ping -c 0099 127.0.0.1", // decimal, not octal (bash reads 0099 as a bad octal number)
            "1 | fping -g 127.0.1.0/24", // fping without a count: 1 + 3 retries a target
            "1 | fping -C 5 127.0.0.1",
            "4 | fping -l 127.0.0.1", // loops until Ctrl-C
            "1 | mtr -c 1 127.0.0.1",
            "1 | tcp 127.0.0.1",
            "4 | ticket 127.0.0.1"})
    void theLauncherPicksTheJitFromTheWords(int level, String words) throws Exception {
        assertEquals(level, level(List.of(words.split(" ")), ""), words);
    }

    @Test
    void aTieredOptionOfTheUsersDecidesInstead() throws Exception {
        assertEquals(4, level(List.of("ping", "-c", "1", "127.0.0.1"), "-XX:TieredStopAtLevel=4"));
        assertEquals(3, level(List.of("tcp", "127.0.0.1"), "-XX:TieredStopAtLevel=3"));
    }

    /** The TieredStopAtLevel the launcher's JVM ran with for these words (and these PATHPROBE_JAVA_OPTS). */
    private static int level(List<String> words, String userOpts) throws IOException, InterruptedException {
        Path launcher = Path.of("..", "bin", "pathprobe").toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(words);
        cmd.add("--help");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATHPROBE_JAVA_OPTS", ("-XX:+PrintFlagsFinal " + userOpts).trim());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher ended");
        assertEquals(0, p.exitValue(), () -> words + ": " + out.substring(Math.max(0, out.length() - 2000)));
        Matcher m = LEVEL.matcher(out);
        assertTrue(m.find(), () -> "no TieredStopAtLevel among the flags: " + out.substring(0, Math.min(2000, out.length())));
        return Integer.parseInt(m.group(1));
    }
}
