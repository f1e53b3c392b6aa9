package io.pathprobe.core;

import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pathprobe.core.internal.EngineCalls;
import io.pathprobe.nativeio.NativeIo;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.NativeSocket;
import io.pathprobe.nativeio.Privileges;
import io.pathprobe.nativeio.ReceiveClock;
import io.pathprobe.nativeio.NetworkNamespaces;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.core.spi.ProberProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs probes of every kind on one set of Netty event loops (epoll where available, NIO otherwise), with pacing
 * shared by all probers: at most {@link Builder#maxInFlight} probes outstanding and at most
 * {@link Builder#maxProbesPerSecond} started per second. Thread-safe; make one and reuse it, then close it.
 *
 * <pre>{@code
 * try (ProbeEngine engine = ProbeEngine.builder().maxProbesPerSecond(1000).build()) {
 *     ProbeRequest req = ProbeRequest.builder("tcp").target("127.0.0.1").port(80).build();
 *     ProbeOutcome outcome = engine.probe(req).join();
 * }
 * }</pre>
 */
public final class ProbeEngine implements AutoCloseable {
    /**
     * The shortest session interval allowed without root, as ping allows a user no flood: 2 ms.
     * Root may go lower; pacing still applies.
     */
    public static final Duration MIN_UNPRIVILEGED_INTERVAL = Duration.ofMillis(2);

    private final MultiThreadIoEventLoopGroup group;
    private final Transport transport;
    private final Probers probers;
    private final Map<String, Prober> active = new ConcurrentHashMap<>();
    private final EngineCalls calls;
    private final ProberContext context;
    private final String networkNamespace;
    /** Running repetitions (sessions, traces): stopped when the engine closes. */
    private final Set<Repetition> repetitions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /**
     * Keeps the kernel stamping arrivals for the engine's life, so that the first answers on a prober's new socket
     * carry their arrival time too (see {@link ReceiveClock#holdKernelStamping()}); null where none can be made.
     */
    private final NativeSocket stamping;

    private ProbeEngine(Builder b) {
        this.probers = b.probers != null ? b.probers : Probers.load();
        boolean epoll = !b.forceNio && Epoll.isAvailable();
        this.transport = epoll ? Transport.EPOLL : Transport.NIO;
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        ThreadFactory threads = new DefaultThreadFactory("pathprobe", true);
        if (b.networkNamespace != null) {
            // Sockets belong to the namespace of the thread that creates them, and probers create theirs on the
            // event loops: so loops that enter the namespace make the whole engine probe from inside it.
            threads = NetworkNamespaces.threadFactory(b.networkNamespace, threads);
        }
        this.networkNamespace = b.networkNamespace;
        this.group = new MultiThreadIoEventLoopGroup(b.threads, threads, factory);
        // Netty starts a loop's thread at its first task, from the thread that gives it, and a new thread inherits
        // that thread's network namespace: start them all now, so that the engine probes from the namespace of the
        // thread that built it, never from that of whichever thread first submits (one that entered a lab's, say).
        for (io.netty.util.concurrent.EventExecutor loop : group) {
            loop.submit(() -> { }).syncUninterruptibly();
        }
        Class<? extends SocketChannel> tcp = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        Class<? extends DatagramChannel> udp = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        this.context = new ProberContext() {
            @Override
            public MultiThreadIoEventLoopGroup group() {
                return group;
            }

            @Override
            public Transport transport() {
                return transport;
            }

            @Override
            public Class<? extends SocketChannel> socketChannelClass() {
                return tcp;
            }

            @Override
            public Class<? extends DatagramChannel> datagramChannelClass() {
                return udp;
            }
        };
        this.calls = new EngineCalls(group, b.maxInFlight, b.maxProbesPerSecond, List.copyOf(b.listeners),
                active::get);
        // Only the epoll transport's probers read stamps; the kernel's switch is one for all namespaces.
        this.stamping = epoll && NativeIo.support().supported() ? ReceiveClock.holdKernelStamping() : null;
    }

    /** An engine with default settings. */
    public static ProbeEngine create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The network namespace the engine probes from, or {@code null} for the process's own. */
    public String networkNamespace() {
        return networkNamespace;
    }

    /** The transport the engine's event loops run. */
    public Transport transport() {
        return transport;
    }

    /** Why the native (epoll) transport is not used, or empty when it is. */
    public static String epollUnavailabilityCause() {
        Throwable t = Epoll.unavailabilityCause();
        return t == null ? "" : String.valueOf(t.getMessage());
    }

    /** The prober kinds on the class path. */
    public java.util.Set<String> kinds() {
        return probers.kinds();
    }

    /**
     * Whether probes of {@code kind} can run here, and if not, why and what fixes it.
     *
     * @throws IllegalArgumentException when no prober of that kind is on the class path
     */
    public Availability availability(String kind) {
        return probers.get(kind).availability();
    }

    /**
     * Starts a probe (after pacing) and returns its outcome when it ends. Network failures complete the future
     * normally with a failure outcome; the future completes exceptionally only if the engine is closed. Cancelling
     * the future (or completing it yourself) ends the probe: the prober lets go of it and its in-flight slot is free.
     *
     * @throws IllegalArgumentException    when the request is not valid for its prober (the message says why)
     * @throws ProberUnavailableException  when its prober cannot run here (the message names the fixes)
     * @throws IllegalStateException       when the engine is closed
     */
    public CompletableFuture<ProbeOutcome> probe(ProbeRequest request) {
        Objects.requireNonNull(request, "request");
        Prober prober = prober(request.kind());
        prober.validate(request);
        return calls.submit(prober, request);
    }

    /**
     * Starts a probe for a session, whose request was {@link #validate validated} once when it started (not at each
     * probe), telling {@code observer} of this probe's end
     * ({@link ProbeEventListener#probeFinished(ProbeHandle, ProbeOutcome)} or {@code probeFailed}: no completion
     * stage on a future) and of its duplicate and late answers. Same exceptions as {@link #probe} but the check's.
     */
    void submitValidated(ProbeRequest request, ProbeEventListener observer) {
        calls.submit(prober(request.kind()), request, observer);
    }

    /** The number of event loops, for sessions that deal their targets out to them. */
    int loopCount() {
        return group.executorCount();
    }

    /** The calling thread's place among the event loops (as iterated), or -1 when it is not one of them. */
    int loopIndex() {
        int i = 0;
        for (io.netty.util.concurrent.EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** Checks {@code request} against its prober without running it (for {@link MultiTargetSession}). */
    void validate(ProbeRequest request) {
        prober(request.kind()).validate(request);
    }

    /** Runs one probe and waits for its outcome. Same exceptions as {@link #probe}. */
    public ProbeOutcome probeAndWait(ProbeRequest request) throws InterruptedException {
        try {
            return probe(request).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Starts a session that repeats {@code request} as {@code plan} says (like {@code ping -c/-i/-w}) and streams
     * outcomes to {@code listener}. The request is validated now.
     */
    public ProbeSession startSession(ProbeRequest request, SessionPlan plan, SessionListener listener) {
        Objects.requireNonNull(plan, "plan");
        checkInterval(plan.interval());
        Prober prober = prober(request.kind());
        prober.validate(request);
        ProbeSession s = new ProbeSession(this, request, plan, listener == null ? SessionListener.NONE : listener);
        s.start();
        return s;
    }

    /**
     * Makes the engine's scheduler for repeated probing: {@code rounds} called every {@code interval} on one of the
     * engine's event loops, {@code count} times (0: until stopped), for at most {@code deadline} (zero: no
     * deadline), stopped when the engine closes. Call {@link Repetition#start()} to begin; see {@link Repetition}.
     *
     * @throws IllegalArgumentException when the interval is not allowed here ({@link #checkInterval}), or the count
     *                                  or deadline is negative
     * @throws IllegalStateException    when the engine is closed
     */
    public Repetition repeat(Duration interval, long count, Duration deadline, Repetition.Rounds rounds) {
        checkInterval(interval);
        if (count < 0 || deadline.isNegative()) {
            throw new IllegalArgumentException("count " + count + " and deadline " + deadline + " must not be"
                    + " negative (0: no limit)");
        }
        if (closed) {
            throw new IllegalStateException("this ProbeEngine is closed");
        }
        Repetition r = new Repetition(this, group.next(), interval, count, deadline, rounds);
        repetitions.add(r);
        if (closed) {
            r.stop(); // closed meanwhile: close() may have missed it
        }
        return r;
    }

    void ended(Repetition r) {
        repetitions.remove(r);
    }

    /**
     * Checks that {@code interval} is allowed for this process: below {@link #MIN_UNPRIVILEGED_INTERVAL} needs root.
     *
     * @throws IllegalArgumentException naming the limit and how to lift it
     */
    public static void checkInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval " + interval.toMillis() + " ms must be positive");
        }
        if (interval.compareTo(MIN_UNPRIVILEGED_INTERVAL) < 0 && !Privileges.isRoot()) {
            throw new IllegalArgumentException("interval " + formatMillis(interval) + " is below "
                    + MIN_UNPRIVILEGED_INTERVAL.toMillis() + " ms, the shortest allowed without root (as ping): "
                    + "use a longer interval or run as root");
        }
    }

    private static String formatMillis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.3f ms", d.toNanos() / 1e6);
    }

    /** The engine's loops in turn: for EngineNamespaceTest, which checks each loop's namespace (no public use). */
    EventLoop nextLoop() {
        return group.next();
    }

    private Prober prober(String kind) {
        if (closed) {
            throw new IllegalStateException("this ProbeEngine is closed");
        }
        Prober p = active.get(kind);
        if (p != null) {
            return p;
        }
        ProberProvider provider = probers.get(kind);
        Availability a = provider.availability();
        if (!a.available()) {
            throw new ProberUnavailableException(kind, a);
        }
        return active.computeIfAbsent(kind, k -> provider.create(context));
    }

    /**
     * The engine's name resolver (see {@link NameResolver}), which resolves requests given without an address and
     * may resolve anything else for its users (a trace's target); its threads end with the engine.
     */
    public NameResolver resolver() {
        return calls.resolver();
    }

    /** Number of probes started and not yet ended. */
    public int inFlight() {
        return calls.inFlight();
    }

    /** Ends outstanding probes with a local error, closes the probers and stops the event loops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Sessions and traces end first, with what they measured, not with the local errors of the probes below.
        for (Repetition r : List.copyOf(repetitions)) {
            r.stop();
        }
        calls.shutdown();
        List<RuntimeException> errors = new ArrayList<>();
        for (Prober p : active.values()) {
            try {
                p.close();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (stamping != null) {
            try {
                stamping.close();
            } catch (NativeIoException ignored) {
                // closing: nothing left to do with it
            }
        }
        if (!errors.isEmpty()) {
            IllegalStateException e = new IllegalStateException("closing probers failed");
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Configures a {@link ProbeEngine}. */
    public static final class Builder {
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxInFlight = 10_240;
        private long maxProbesPerSecond;
        private boolean forceNio;
        private Probers probers;
        private String networkNamespace;
        private final List<ProbeEventListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** Event-loop threads; default: one per processor. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Most probes outstanding at once, across all probers; default 10,240 (as mtr-packet). */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Most probes started per second, across all probers; 0 (default) = unlimited. */
        public Builder maxProbesPerSecond(long rate) {
            if (rate < 0) {
                throw new IllegalArgumentException("maxProbesPerSecond must be 0 (unlimited) or positive, was " + rate);
            }
            this.maxProbesPerSecond = rate;
            return this;
        }

        /** Use NIO even where epoll is available (portable, but without native socket options). */
        public Builder forceNio(boolean forceNio) {
            this.forceNio = forceNio;
            return this;
        }

        /**
         * Probes from inside the Linux network namespace {@code name} (as {@code ip netns exec NAME} would): the
         * engine's event-loop threads enter {@code /run/netns/NAME} before they run. Needs root or CAP_SYS_ADMIN.
         * Without it, the engine probes from the namespace of the thread that calls {@link #build()}.
         *
         * @throws IllegalArgumentException at {@link #build()} when there is no such namespace
         */
        public Builder networkNamespace(String name) {
            if (name == null || name.isBlank() || name.contains("/")) {
                throw new IllegalArgumentException("network namespace name '" + name
                        + "' is not valid: give a name listed by 'ip netns list'");
            }
            this.networkNamespace = name;
            return this;
        }

        /** The probers to use; default: those found with {@link java.util.ServiceLoader}. */
        public Builder probers(Probers probers) {
            this.probers = Objects.requireNonNull(probers, "probers");
            return this;
        }

        /** Adds a listener for every probe's start and end (e.g. {@code ProbeMetrics}). */
        public Builder eventListener(ProbeEventListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public ProbeEngine build() {
            return new ProbeEngine(this);
        }
    }
}
