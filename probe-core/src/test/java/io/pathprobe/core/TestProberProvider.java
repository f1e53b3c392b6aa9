package io.pathprobe.core;

import io.pathprobe.core.fixtures.ScriptedProber;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.core.spi.ProberProvider;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A prober with no network in it, for testing the engine's own logic (pacing, timeouts, sessions, listeners).
 * The target host says what it does: {@code "answer"} answers at once with a reply whose RTT is 1 ms;
 * {@code "silent"} never answers (the engine must time it out and run its abort action); {@code "held"} parks the
 * call in {@link #HELD} for the test to complete; {@code "unlinked"} fails to start with a {@link LinkageError}, and
 * any other host with an exception.
 */
public final class TestProberProvider extends ScriptedProber {
    static final BlockingQueue<ProbeCall> HELD = new LinkedBlockingQueue<>();
    static final AtomicInteger ABORTED = new AtomicInteger();

    public TestProberProvider() {
        super("test", "engine test double (no network)", TestProberProvider::noPort, TestProberProvider::start);
    }

    /** A request to this prober: {@code host} says what the probe does ("answer", "silent", "held"). */
    static ProbeRequest request(String host, Duration timeout) {
        return ProbeRequest.builder("test").target(host, InetAddress.getLoopbackAddress()).timeout(timeout).build();
    }

    private static void noPort(ProbeRequest request) {
        if (request.port() != 0) {
            throw new IllegalArgumentException("the test prober takes no port");
        }
    }

    private static void start(ProbeCall call) {
        switch (call.request().host()) {
            case "answer" -> call.complete(TestOutcomes.answer(1_000_000, call.address()));
            case "silent" -> call.onAbort(ABORTED::incrementAndGet);
            case "held" -> HELD.add(call);
            // a prober whose class cannot load (a jar missing or stale): an Error, not an exception
            case "unlinked" -> throw new NoClassDefFoundError("io/pathprobe/Missing");
            default -> throw new IllegalStateException("unknown test host " + call.request().host());
        }
    }

    /** A provider that is never available, for testing the error message. */
    public static final class Unavailable implements ProberProvider {
        @Override
        public String kind() {
            return "never";
        }

        @Override
        public String description() {
            return "a prober that cannot run";
        }

        @Override
        public Availability availability() {
            return Availability.unavailable("it needs a thing this host lacks", "install the thing", "use the TCP prober");
        }

        @Override
        public Prober create(ProberContext context) {
            throw new AssertionError("must not be created when unavailable");
        }
    }
}
