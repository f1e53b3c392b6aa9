package io.pathprobe.core;

import io.pathprobe.core.fixtures.ScriptedProber;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Duplicate, late and corrupted answers reach every engine listener, even after one of them throws. */
class ExtraEventsTest {
    /** Records the rare events it hears, or throws on each when {@code fails}. */
    private static final class Listener implements ProbeEventListener {
        final boolean fails;
        final List<String> heard = new ArrayList<>();

        Listener(boolean fails) {
            this.fails = fails;
        }

        private synchronized void hear(String event) {
            if (fails) {
                throw new IllegalStateException("a listener that fails on " + event);
            }
            heard.add(event);
        }

        synchronized List<String> heard() {
            return List.copyOf(heard);
        }

        @Override
        public void probeDuplicate(ProbeHandle probe) {
            hear("duplicate");
        }

        @Override
        public void probeLate(ProbeHandle probe, long rttNanos) {
            hear("late " + rttNanos);
        }

        @Override
        public void probeCorrupted(ProbeHandle probe, int byteIndex) {
            hear("corrupted " + byteIndex);
        }
    }

    @Test
    void everyListenerHearsEachRareEventInTurn() throws Exception {
        Listener failing = new Listener(true);
        Listener first = new Listener(false);
        Listener second = new Listener(false);
        ScriptedProber prober = ScriptedProber.of("test", call -> {
            // All before the outcome, so that each is told before probe()'s future completes.
            call.reportCorrupted(3);
            call.reportDuplicate();
            call.reportLate(42);
            call.complete(new ProbeOutcome.TimedOut(1));
        });
        try (ProbeEngine engine = ProbeEngine.builder().threads(1).probers(Probers.of(prober))
                .eventListener(failing).eventListener(first).eventListener(second).build()) {
            engine.probe(ProbeRequest.builder("test").target(InetAddress.getLoopbackAddress())
                    .timeout(Duration.ofSeconds(5)).build()).get(10, TimeUnit.SECONDS);
        }
        List<String> all = List.of("corrupted 3", "duplicate", "late 42");
        assertEquals(all, first.heard(), "told past the listener that threw");
        assertEquals(all, second.heard());
    }
}
