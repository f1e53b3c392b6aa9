package io.pathprobe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Interrupts} in a child JVM ({@link Run}) sent real SIGINTs: a run that stops prints and exits with its
 * status; a run whose stop hangs ends at a second SIGINT (its grace being ten minutes, only the signal can end it
 * within the test's wait), or by itself once its grace has passed, with 130 both times.
 */
@Timeout(120)
class InterruptsTest {
    /** The child: {@code Run MODE GRACE} with MODE {@code stops} (the stop ends the run) or {@code hangs}. */
    static final class Run {
        public static void main(String[] args) throws InterruptedException {
            CountDownLatch stopped = new CountDownLatch(1);
            boolean stops = args[0].equals("stops");
            Runnable stop = () -> {
                System.out.println("stopping");
                System.out.flush();
                if (stops) {
                    stopped.countDown();
                }
            };
            int status;
            try (Interrupts ctrlC = Interrupts.during(stop, Interrupts.Status.AS_AT_THE_END,
                    Duration.parse(args[1]))) {
                System.out.println("running");
                System.out.flush();
                // Bounded: a lost signal ends the child after a minute with 99, which fails the test.
                status = stopped.await(60, TimeUnit.SECONDS) ? 7 : 99;
                System.out.println("what was measured");
                System.out.flush();
                status = ctrlC.status(status);
            }
            System.exit(status);
        }
    }

    private record Child(Process process, BufferedReader out) {
        String next() throws Exception {
            return out.readLine();
        }
    }

    private static Child start(String mode, String grace) throws Exception {
        List<String> cmd = new ArrayList<>(ChildCli.command());
        cmd.set(cmd.indexOf(Main.class.getName()), Run.class.getName());
        cmd.addAll(List.of(mode, grace));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Child c = new Child(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        assertEquals("running", c.next());
        return c;
    }

    private static List<String> rest(Child c) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String l = c.next(); l != null; l = c.next()) {
            lines.add(l);
        }
        assertTrue(c.process().waitFor(30, TimeUnit.SECONDS), "ended: " + lines);
        return lines;
    }

    @Test
    void theFirstSigintStopsTheRunWhichPrintsAndKeepsItsStatus() throws Exception {
        Child c = start("stops", "PT10M");
        try {
            Sigint.send(c.process().pid());
            assertEquals(List.of("stopping", "what was measured"), rest(c));
            assertEquals(7, c.process().exitValue(), "the run's own status (as ping's, fping's)");
        } finally {
            c.process().destroyForcibly();
        }
    }

    @Test
    void aSecondSigintEndsAHungStopAt130() throws Exception {
        Child c = start("hangs", "PT10M");
        try {
            Sigint.send(c.process().pid());
            assertEquals("stopping", c.next(), "the first SIGINT runs the stop");
            Sigint.send(c.process().pid());
            List<String> rest = rest(c);
            assertEquals(130, c.process().exitValue(), "output after the stop: " + rest);
            assertTrue(rest.isEmpty(), "nothing more printed: " + rest);
        } finally {
            c.process().destroyForcibly();
        }
    }

    @Test
    void aStopThatHangsPastItsGraceExits130WithALine() throws Exception {
        Child c = start("hangs", "PT0.5S");
        try {
            Sigint.send(c.process().pid());
            List<String> rest = rest(c);
            assertEquals(130, c.process().exitValue(), "output: " + rest);
            assertEquals(List.of("stopping", "pathprobe: the run did not end within 0.5 s of Ctrl-C: exiting now"),
                    rest);
        } finally {
            c.process().destroyForcibly();
        }
    }
}
