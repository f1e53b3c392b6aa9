package io.pathprobe.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the command line's parsers of what a user types: targets ({@link TargetSpec#parse}), port lists
 * ({@link TargetSpec#parsePorts}), durations ({@link Durations#parse}) and ping's targets with CIDR ranges
 * ({@link PingTargets#expand}). Properties: each returns a valid value or throws the documented
 * {@link IllegalArgumentException} / {@link UsageException} with a one-line message; none allocates without bound
 * (a range is checked before it is expanded). Without {@code JAZZER_FUZZ} this replays the seed corpus in
 * {@code src/test/resources/io/pathprobe/cli/CliParsersFuzzTestInputs/}. Inputs are UTF-8 text.
 */
class CliParsersFuzzTest {
    /** Most a parse may allocate: the largest valid answer (65535 ports, or 1024 targets) is well under it. */
    private static final long MAX_ALLOCATED_BYTES = 64L << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FuzzTest
    void targets(byte[] input) {
        parse(input, text -> {
            TargetSpec t = TargetSpec.parse(text);
            assertFalse(t.host().isEmpty(), "a host");
            assertTrue(t.host().chars().noneMatch(Character::isWhitespace), t::toString);
            checkPorts(t.ports());
        }, IllegalArgumentException.class);
    }

    @FuzzTest
    void portLists(byte[] input) {
        parse(input, text -> {
            List<Integer> ports = TargetSpec.parsePorts(text);
            assertFalse(ports.isEmpty(), "at least one port");
            checkPorts(ports);
        }, IllegalArgumentException.class);
    }

    @FuzzTest
    void durations(byte[] input) {
        parse(input, text -> {
            Duration d = Durations.parse(text);
            assertFalse(d.isNegative(), d::toString);
            assertTrue(Durations.format(d).endsWith(" s"));
        }, IllegalArgumentException.class);
    }

    /** Whitespace-separated arguments, as a shell would pass them, with --max-targets 1024. */
    @FuzzTest
    void pingTargets(byte[] input) {
        parse(input, text -> {
            List<String> args = Arrays.stream(text.split("\\s+", 9)).limit(8).toList();
            List<String> hosts = PingTargets.expand(args, 1024);
            assertTrue(hosts.size() <= 1024, () -> hosts.size() + " targets");
            assertEquals(hosts.size(), new HashSet<>(hosts).size(), "no duplicates");
        }, UsageException.class, IllegalArgumentException.class);
    }

    /**
     * Runs {@code parse} (which checks what it parsed) on {@code input} as UTF-8 text: it passes, or throws one of
     * the {@code documented} exceptions with a message; either way within the allocation bound.
     */
    @SafeVarargs
    private static void parse(byte[] input, Consumer<String> parse, Class<? extends RuntimeException>... documented) {
        String text = new String(input, StandardCharsets.UTF_8);
        long before = allocated();
        try {
            parse.accept(text);
        } catch (RuntimeException e) {
            if (Arrays.stream(documented).noneMatch(d -> d.isInstance(e))) {
                throw e;
            }
            checkMessage(e);
        }
        checkAllocation(before, text);
    }

    private static void checkPorts(List<Integer> ports) {
        assertEquals(ports.size(), new HashSet<>(ports).size(), "no duplicates");
        for (int p : ports) {
            assertTrue(p >= 1 && p <= 65535, () -> "port " + p);
        }
    }

    /** The documented errors carry a message (the CLI prints it as its one line of error). */
    private static void checkMessage(RuntimeException e) {
        String m = e.getMessage();
        assertTrue(m != null && !m.isBlank(), () -> "a message: " + e);
    }

    private static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    private static void checkAllocation(long before, String text) {
        long used = allocated() - before;
        assertTrue(used < MAX_ALLOCATED_BYTES + 64L * text.length(),
                () -> "allocated " + used + " bytes for " + text.length() + " chars of input");
    }
}
