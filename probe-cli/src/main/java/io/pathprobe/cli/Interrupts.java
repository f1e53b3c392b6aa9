package io.pathprobe.cli;

import jnr.ffi.LibraryLoader;
import jnr.ffi.types.intptr_t;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C, the same way for every command. While a run is {@linkplain #during under way}:
 * <ul>
 * <li>the first SIGINT stops it (the command's stop action, on a thread of its own); the command then prints what
 * was measured as at a normal end and exits with the status its {@link Status} says;</li>
 * <li>a second SIGINT, or a stop that has not ended the run within its grace time, exits at once with 130;</li>
 * <li>SIGTERM (or any other exit while it runs) stops the run too and waits, within the grace time, for what it
 * prints: the JVM then exits with the signal's status.</li>
 * </ul>
 * Also, a process that inherited SIGINT as ignored ({@code pathprobe ... &} from a script) still takes it, as
 * iputils ping does: {@link #handleSigintEvenIfInheritedIgnored()}.
 */
final class Interrupts implements AutoCloseable {
    /** 128 + SIGINT: a shell's status for a job that Ctrl-C ended. */
    static final int SIGNALLED = 130;
    /** How long a stopped run may take to print and write what it measured before the process exits anyway. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    /** A second SIGINT's exit runs the JVM's shutdown hooks (the terminal's mode back); this long at most. */
    private static final long EXIT_HOOKS_MILLIS = 2000;

    private static final int SIGINT = 2;
    private static final long SIG_DFL = 0;

    /** What the exit status is after Ctrl-C. */
    enum Status {
        /** The run's own status, as if it had ended by itself: iputils ping and fping. */
        AS_AT_THE_END,
        /** 130 (what a shell reports for a job Ctrl-C killed), whatever was measured: mtr, and pathprobe's own. */
        SIGNALLED
    }

    /** The one libc function needed, bound by jnr-ffi. */
    public interface Signals {
        @intptr_t long signal(int signum, @intptr_t long handler);
    }

    private final Runnable stop;
    private final Status status;
    private final Duration grace;
    /** SIGINTs seen during this run. */
    private final AtomicInteger sigints = new AtomicInteger();
    /** Counted down when the run has printed what it measured ({@link #close()}). */
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread hook;
    private final sun.misc.SignalHandler previous;
    private volatile boolean stopped;
    private volatile boolean exiting;

    private Interrupts(Runnable stop, Status status, Duration grace) {
        this.stop = stop;
        this.status = status;
        this.grace = grace;
        this.hook = new Thread(this::onExit, "pathprobe-stop-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        this.previous = install(s -> onSigint());
    }

    /**
     * Makes Ctrl-C stop a run until {@link #close()}: call it before the run starts, close it once the run has
     * printed (try-with-resources), and exit with {@link #status(int)}.
     *
     * @param stop   ends the run: the sessions stop, the command's thread goes on to print and return; must not
     *               wait for that thread
     * @param status the exit status after Ctrl-C
     * @param grace  how long the stopped run may take before the process exits without it
     */
    static Interrupts during(Runnable stop, Status status, Duration grace) {
        return new Interrupts(stop, status, grace);
    }

    /** {@link #during(Runnable, Status, Duration)} with {@link #DEFAULT_GRACE}. */
    static Interrupts during(Runnable stop, Status status) {
        return during(stop, status, DEFAULT_GRACE);
    }

    /** Whether a signal stopped the run. */
    boolean stopped() {
        return stopped;
    }

    /** The status to exit with: {@code atTheEnd} (the run's own) unless Ctrl-C came and the status says 130. */
    int status(int atTheEnd) {
        return sigints.get() > 0 && status == Status.SIGNALLED ? SIGNALLED : atTheEnd;
    }

    /** The run has printed what it measured: signals act as before it started again. */
    @Override
    public void close() {
        ended.countDown();
        if (previous != null) {
            install(previous);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook sees the run ended and returns
        }
    }

    private void onSigint() {
        if (sigints.incrementAndGet() > 1) {
            exitNow(null); // the user means it
            return;
        }
        stopOnce();
        Thread watch = new Thread(() -> {
            if (!await(grace)) {
                exitNow("the run did not end within " + Durations.format(grace) + " of Ctrl-C");
            }
        }, "pathprobe-ctrl-c-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** A shutdown hook: an exit that is not ours (SIGTERM, SIGHUP) still stops the run and lets it print. */
    private void onExit() {
        if (exiting || ended.getCount() == 0) {
            return;
        }
        stopOnce();
        await(grace);
    }

    private synchronized void stopOnce() {
        if (stopped) {
            return;
        }
        stopped = true;
        Thread t = new Thread(stop, "pathprobe-ctrl-c");
        t.setDaemon(true);
        t.start();
    }

    private boolean await(Duration d) {
        try {
            return ended.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Exits with 130 now: the shutdown hooks get a moment (the live view gives the terminal back), then a halt. */
    private void exitNow(String why) {
        exiting = true;
        if (why != null) {
            System.err.println("pathprobe: " + why + ": exiting now");
            System.err.flush();
        }
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(EXIT_HOOKS_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(SIGNALLED);
        }, "pathprobe-halt");
        halt.setDaemon(true);
        halt.start();
        Thread exit = new Thread(() -> System.exit(SIGNALLED), "pathprobe-exit");
        exit.setDaemon(true);
        exit.start();
    }

    /** Installs a SIGINT handler and returns the one it replaced; null where SIGINT is not ours (e.g. -Xrs). */
    private static sun.misc.SignalHandler install(sun.misc.SignalHandler handler) {
        try {
            return sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
        } catch (IllegalArgumentException e) {
            return null; // the JVM's own SIGINT exit stands; the shutdown hook still stops the run
        }
    }

    /**
     * Makes SIGINT end the process as usual if it was inherited as ignored; otherwise does nothing. A shell runs
     * {@code pathprobe ping ... &} from a script (job control off) with SIGINT set to SIG_IGN, and the JVM keeps an
     * ignored SIGINT ignored (it would not install a handler either), so {@code kill -INT} did nothing. iputils ping
     * installs its handler whatever it inherited; so does pathprobe: the disposition goes back to the default,
     * then a handler that exits with 130 through the shutdown hooks, as an inherited SIGINT does; a run replaces it
     * with {@link #during}'s.
     */
    static void handleSigintEvenIfInheritedIgnored() {
        try {
            if (!ignored(Path.of("/proc/self/status"), SIGINT)) {
                return;
            }
            LibraryLoader.create(Signals.class).load("c").signal(SIGINT, SIG_DFL);
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> System.exit(128 + SIGINT));
        } catch (IOException | RuntimeException | LinkageError e) {
            // Not Linux, or no libc binding: SIGINT stays as inherited; SIGTERM still ends the run cleanly.
        }
    }

    /** Whether {@code signal} is in the SigIgn mask of a /proc status file. */
    static boolean ignored(Path status, int signal) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (signal - 1))) != 0;
            }
        }
        return false;
    }
}
