package io.pathprobe.core.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.OutcomeCategory;
import io.pathprobe.core.ProbeEventListener;
import io.pathprobe.core.ProbeHandle;
import io.pathprobe.core.NameResolver;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.UnresolvedHostException;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.spi.Prober;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The life of every probe an engine runs: pacing, name resolution, the per-probe timeout, listener events and
 * the end of outstanding probes at shutdown, and backpressure: a probe its prober hands back for lack of a local
 * resource ({@link io.pathprobe.core.spi.ProbeCall#retryLater}) waits, first in line, while fewer run at once.
 */
public final class EngineCalls {
    private static final Logger LOG = Logger.getLogger(EngineCalls.class.getName());

    private final EventLoopGroup group;
    /** The group's loops, fixed when it was built: which of them (if any) the calling thread is. */
    private final EventLoop[] loops;
    private final Pacer<Pending> pacer;
    private final List<ProbeEventListener> listeners;
    /**
     * Calls admitted and not finished, for {@link #shutdown()}: doubly-linked lists through the calls themselves
     * (8 bytes a call, where a concurrent set cost about 40), one per event loop, holding the calls that run on it.
     * So a list's lock and its calls are touched by their loop nearly alone: with lists picked by identity hash,
     * the submitting thread and both loops wrote into each other's calls and locks at every probe. Calls still
     * queued are in the pacer's queues, which shutdown empties.
     */
    private final Stripe[] stripes;

    /**
     * One list of outstanding calls and its lock. Padded past 64 bytes: the stripes are made one after another, and
     * lock words sharing a cache line would make the loops take the line from each other.
     */
    @SuppressWarnings("unused") // p1..p7: padding
    private static final class Stripe {
        EngineCall head;
        long p1, p2, p3, p4, p5, p6, p7;
    }
    /** One instance for every call without an observer (a method reference made per call would cost 16 bytes each). */
    private final EngineCall.Owner owner = new ObservedOwner(null);
    /** The prober of each kind, for a probe handed back (the call does not keep its prober: 8 bytes a call). */
    private final Function<String, Prober> probers;
    private final long giveUpNanos;
    private volatile NameResolver resolver;
    private volatile boolean shutdown;

    private record Pending(Prober prober, EngineCall call) {
    }

    /** @param probers the engine's prober of a kind, as {@link #submit} was given it */
    public EngineCalls(EventLoopGroup group, int maxInFlight, long maxPerSecond, List<ProbeEventListener> listeners,
                       Function<String, Prober> probers) {
        this(group, maxInFlight, maxPerSecond, listeners, probers, ResourceLimits.GIVE_UP_AFTER.toNanos());
    }

    /** @param giveUpNanos how long a resource shortage may last with nothing in flight before held probes end */
    EngineCalls(EventLoopGroup group, int maxInFlight, long maxPerSecond, List<ProbeEventListener> listeners,
                Function<String, Prober> probers, long giveUpNanos) {
        this.group = group;
        this.loops = loopsOf(group);
        this.listeners = listeners;
        this.probers = probers;
        this.giveUpNanos = giveUpNanos;
        this.stripes = new Stripe[Math.max(1, loops.length)];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe();
        }
        this.pacer = Pacer.create(maxInFlight, maxPerSecond, group.next(), this::start, loops);
    }

    public CompletableFuture<ProbeOutcome> submit(Prober prober, ProbeRequest request) {
        return submit(prober, request, null);
    }

    /**
     * Queues a probe; {@code observer} (may be null) hears of this probe's end and of its duplicate and late
     * answers, as the engine's listeners do (its end after theirs, before the future completes).
     */
    public CompletableFuture<ProbeOutcome> submit(Prober prober, ProbeRequest request, ProbeEventListener observer) {
        if (shutdown) {
            throw new IllegalStateException("this ProbeEngine is closed");
        }
        EngineCall call = new EngineCall(request, observer == null ? owner : new ObservedOwner(observer));
        pacer.submit(new Pending(prober, call));
        if (shutdown) {
            // Closed meanwhile: shutdown may have emptied the queues before this call was in one (it ends the calls
            // it finds); ending it here too is harmless, as a call ends once.
            call.completeAndAbort(new ProbeOutcome.LocalError("engine closed", null));
        }
        return call.future();
    }

    public int inFlight() {
        return pacer.inFlight();
    }

    /** The in-flight limit now in force: the configured one, or lower while a local resource is short. */
    public int inFlightLimit() {
        return pacer.limit();
    }

    /**
     * A prober handed {@code call} back: a resource ran out before anything was sent. Held to start again, unless
     * the shortage has lasted with nothing in flight, when it ends with an error naming what ran out.
     */
    private void retry(EngineCall call, ErrnoCause cause) {
        Prober prober = probers.apply(call.request().kind());
        if (shutdown || prober == null) {
            call.complete(new ProbeOutcome.LocalError(shutdown ? "engine closed" : ResourceLimits.gaveUp(cause), cause));
            return;
        }
        unlink(call); // off its loop's list (which it is told by its loop, until unstart clears that)
        if (!call.unstart()) {
            return; // ended meanwhile (engine closed)
        }
        if (shutdown) {
            call.completeAndAbort(new ProbeOutcome.LocalError("engine closed", null)); // shutdown may not see it
            return;
        }
        if (!pacer.hold(new Pending(prober, call), giveUpNanos)) {
            pacer.releaseWithoutProgress(); // unstarted, so its end gives no slot back itself; before it is seen
            call.complete(new ProbeOutcome.LocalError(ResourceLimits.gaveUp(cause), cause));
        }
    }

    /** Runs on the pacer's draining thread; must not throw. */
    private void start(Pending p) {
        EngineCall call = p.call();
        EventLoop loop = loopFor();
        if (!call.admit(loop)) {
            pacer.release(); // ended while queued (engine closed): nobody else gives this slot back
            return;
        }
        link(call);
        if (call.isDone()) {
            unlink(call); // ended between its admission and the link (its own unlink came first)
            return;
        }
        InetAddress address = call.request().address();
        if (shutdown) {
            call.complete(new ProbeOutcome.LocalError("engine closed before the probe started", null));
        } else if (address != null) {
            call.resolved(address);
            begin(p.prober(), call);
        } else {
            String host = call.request().host();
            resolver().resolve(host, NameResolver.Family.ANY).whenComplete((a, e) -> {
                if (a != null) {
                    call.resolved(a);
                    begin(p.prober(), call);
                } else if (e instanceof UnresolvedHostException u) {
                    call.complete(new ProbeOutcome.LocalError("cannot resolve host " + host + ": " + u.reason(),
                            null));
                } else {
                    call.complete(new ProbeOutcome.LocalError("engine closed before the probe started", null));
                }
            });
        }
    }

    /**
     * The loop a probe runs on: the current one when the submitter is already one of this engine's loops (a session
     * ticking on its loop keeps its probes there, with no hand-over between threads), else the next in turn.
     */
    private EventLoop loopFor() {
        for (EventLoop loop : loops) {
            if (loop.inEventLoop()) {
                return loop;
            }
        }
        return group.next();
    }

    private static EventLoop[] loopsOf(EventLoopGroup group) {
        java.util.ArrayList<EventLoop> list = new java.util.ArrayList<>();
        for (EventExecutor e : group) {
            list.add((EventLoop) e);
        }
        return list.toArray(new EventLoop[0]);
    }

    private void begin(Prober prober, EngineCall call) {
        // Probers create their sockets on the probe's event loop: an engine living in a network namespace has
        // only its loop threads inside it.
        EventLoop loop = call.eventLoop();
        if (loop.inEventLoop()) {
            startOnLoop(prober, call);
        } else {
            loop.execute(() -> startOnLoop(prober, call));
        }
    }

    private void startOnLoop(Prober prober, EngineCall call) {
        if (call.isDone()) {
            return;
        }
        boolean again = call.isRetry();
        call.started(System.nanoTime());
        for (int i = 0; !again && i < listeners.size(); i++) { // a held probe's start was told already
            try {
                listeners.get(i).probeStarted(call);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "probe listener failed", e);
            }
        }
        if (!prober.handlesTimeouts()) {
            long nanos = call.request().timeout().toNanos();
            call.timeout(call.eventLoop().schedule(
                    () -> call.completeAndAbort(new ProbeOutcome.TimedOut(nanos)), nanos, TimeUnit.NANOSECONDS));
        }
        try {
            prober.start(call);
        } catch (RuntimeException | LinkageError e) {
            // a LinkageError too: a prober's class that cannot load (a stale or missing jar) fails every probe alike,
            // and would otherwise leave each to its timeout, or for ever where the prober times out its own
            LOG.log(Level.FINE, "prober failed to start a probe", e);
            call.completeAndAbort(new ProbeOutcome.LocalError("probe could not start: " + e, null));
        }
    }

    /**
     * Tells every listener of a rare event (a duplicate, late or corrupted answer); one listener's failure is logged
     * and the others still hear of it. The probe start and end, once per probe, keep loops of their own that allocate
     * nothing.
     */
    private void tellAll(Consumer<ProbeEventListener> event) {
        for (ProbeEventListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "probe listener failed", e);
            }
        }
    }

    /** Tells every engine listener of duplicate and late answers; one instance, so plain probes allocate nothing. */
    private final ProbeEventListener extras = new ProbeEventListener() {
        @Override
        public void probeDuplicate(ProbeHandle probe) {
            tellAll(l -> l.probeDuplicate(probe));
        }

        @Override
        public void probeLate(ProbeHandle probe, long rttNanos) {
            tellAll(l -> l.probeLate(probe, rttNanos));
        }

        @Override
        public void probeCorrupted(ProbeHandle probe, int byteIndex) {
            tellAll(l -> l.probeCorrupted(probe, byteIndex));
        }
    };

    /**
     * The owner of calls: the engine's end of each, and who hears of late answers (the listeners, the observer).
     * With an observer it is also the listener telling both (one object per observed call, not two).
     */
    private final class ObservedOwner implements EngineCall.Owner, ProbeEventListener {
        /** Null for the engine's own owner. */
        private final ProbeEventListener observer;

        ObservedOwner(ProbeEventListener observer) {
            this.observer = observer;
        }

        @Override
        public void probeDuplicate(ProbeHandle probe) {
            extras.probeDuplicate(probe);
            observer.probeDuplicate(probe);
        }

        @Override
        public void probeLate(ProbeHandle probe, long rttNanos) {
            extras.probeLate(probe, rttNanos);
            observer.probeLate(probe, rttNanos);
        }

        @Override
        public void probeCorrupted(ProbeHandle probe, int byteIndex) {
            extras.probeCorrupted(probe, byteIndex);
            observer.probeCorrupted(probe, byteIndex);
        }

        @Override
        public void finished(EngineCall call) {
            EngineCalls.this.finished(call);
            if (observer != null) { // a session hears of the end here: no completion stage per probe
                tell(observer, call);
            }
        }

        @Override
        public void retry(EngineCall call, ErrnoCause cause) {
            EngineCalls.this.retry(call, cause);
        }

        @Override
        public ProbeEventListener extras() {
            return observer != null ? this : EngineCalls.this.extras;
        }
    }

    /** The list of the loop the call was admitted to (the first, for a call not admitted: on no list). */
    private Stripe stripe(EngineCall call) {
        EventLoop l = call.eventLoop();
        for (int i = 0; i < loops.length; i++) {
            if (loops[i] == l) {
                return stripes[i];
            }
        }
        return stripes[0];
    }

    private void link(EngineCall call) {
        Stripe st = stripe(call);
        synchronized (st) {
            EngineCall head = st.head;
            call.next = head;
            if (head != null) {
                head.prev = call;
            }
            st.head = call;
        }
    }

    /** Takes {@code call} off its list; a no-op when it is not on it (shutdown took it off already). */
    private void unlink(EngineCall call) {
        Stripe st = stripe(call);
        synchronized (st) {
            unlink(st, call);
        }
    }

    private static void unlink(Stripe st, EngineCall call) {
        EngineCall p = call.prev;
        EngineCall n = call.next;
        if (p != null) {
            p.next = n;
        } else if (st.head == call) {
            st.head = n;
        } else {
            return;
        }
        if (n != null) {
            n.prev = p;
        }
        call.prev = null;
        call.next = null;
    }

    /** Takes the first outstanding call of {@code st} off its list, or null when none is left. */
    private static EngineCall unlinkFirst(Stripe st) {
        synchronized (st) {
            EngineCall head = st.head;
            if (head != null) {
                unlink(st, head);
            }
            return head;
        }
    }

    private void finished(EngineCall call) {
        unlink(call);
        if (call.wasAdmitted()) {
            ProbeOutcome o = call.outcome();
            if (o instanceof ProbeOutcome.LocalError e && ResourceLimits.isShortage(e.cause())) {
                pacer.releaseWithoutProgress(); // it freed nothing: no sign that the shortage is over
            } else {
                pacer.release();
            }
        }
        for (int i = 0; i < listeners.size(); i++) { // no iterator per probe
            tell(listeners.get(i), call);
        }
    }

    /** Tells {@code l} of {@code call}'s end; a failing listener is logged, and the probe still ends. */
    private static void tell(ProbeEventListener l, EngineCall call) {
        ProbeOutcome end = call.outcome();
        try {
            if (end.category() == OutcomeCategory.LOCAL_ERROR) {
                l.probeFailed(call, end);
            } else {
                l.probeFinished(call, end);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "probe listener failed", e);
        }
    }

    /** The engine's resolver, made at its first use and closed with the engine. */
    public NameResolver resolver() {
        NameResolver r = resolver;
        if (r == null) {
            synchronized (this) {
                r = resolver;
                if (r == null) {
                    r = NameResolver.create(NameResolver.DEFAULT_TIMEOUT);
                    if (shutdown) {
                        r.close(); // closed meanwhile: a lookup now is refused, as it would be after the close
                    }
                    resolver = r;
                }
            }
        }
        return r;
    }

    /** Ends every outstanding probe with a local error. */
    public void shutdown() {
        shutdown = true;
        // One at a time off the lists: calls that finish meanwhile take themselves off, so this ends. (A call
        // submitted meanwhile sees the flag: submit refuses or ends it, or it is ended when it starts.)
        for (Stripe st : stripes) {
            for (EngineCall call = unlinkFirst(st); call != null; call = unlinkFirst(st)) {
                call.completeAndAbort(new ProbeOutcome.LocalError("engine closed", null));
            }
        }
        // Those still queued (or held for a retry): taken off the queues, never admitted, so no slot to give back.
        pacer.drainQueued(p -> p.call().completeAndAbort(new ProbeOutcome.LocalError("engine closed", null)));
        NameResolver r;
        synchronized (this) {
            r = resolver;
        }
        if (r != null) {
            r.close();
        }
    }
}
