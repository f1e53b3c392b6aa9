package io.pathprobe.core.internal;

import io.netty.channel.EventLoop;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.ProbeEventListener;
import io.pathprobe.core.ProbeHandle;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.spi.ProbeCall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The engine's side of one probe, and the future its submitter waits on: completes once, cancels its timer, runs
 * abort actions when ended early.
 *
 * <p>An engine may hold a million of these at once, so each is one object of 64 bytes (with compressed oops),
 * future included: it <em>is</em> the {@link CompletableFuture} (a separate one cost 24 bytes more, and a field),
 * the once-only state changes are compare-and-sets on its own fields through {@link VarHandle}s rather than
 * separate atomic objects, what the engine does at its end and whom it tells of late answers are one shared
 * {@link Owner}, and the engine's list of outstanding calls is threaded through {@link #prev}/{@link #next} rather
 * than held in a set.
 *
 * <p>{@link #complete} is both the prober's ({@link ProbeCall#complete}) and the future's: a submitter that completes
 * the future itself ends the probe for the engine as a prober would (its slot is freed, the listeners hear the
 * outcome given), and the prober's own answer is then ignored.
 */
public final class EngineCall extends CompletableFuture<ProbeOutcome> implements ProbeCall, ProbeHandle {
    private static final Runnable NO_ACTION = () -> { };
    private static final VarHandle ABORT_ACTION;
    private static final VarHandle OUTCOME;
    private static final VarHandle LOOP;
    private static final VarHandle ADDRESS;
    private static final VarHandle START_NANOS;
    /** In {@link #loop} of a call that ended before the pacer admitted it. */
    private static final Object ENDED_UNADMITTED = new Object();
    /** In {@link #startNanos} of a call handed back for lack of a resource, until it starts again. */
    private static final long RETRYING = Long.MIN_VALUE;

    /**
     * What the engine does when a call ends, and when its prober hands it back for lack of a resource; and whom the
     * call tells of its duplicate, late and corrupted answers. One per engine (one per session for sessions' calls).
     */
    public interface Owner {
        void finished(EngineCall call);

        void retry(EngineCall call, ErrnoCause cause);

        /** Told about duplicate, late and corrupted answers reported by the prober. */
        ProbeEventListener extras();
    }

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ABORT_ACTION = l.findVarHandle(EngineCall.class, "abortAction", Runnable.class);
            OUTCOME = l.findVarHandle(EngineCall.class, "outcome", ProbeOutcome.class);
            LOOP = l.findVarHandle(EngineCall.class, "loop", Object.class);
            ADDRESS = l.findVarHandle(EngineCall.class, "address", InetAddress.class);
            START_NANOS = l.findVarHandle(EngineCall.class, "startNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ProbeRequest request;
    private final Owner owner;
    /** Null once the call is done (later actions are dropped: the prober's own completion cleans up). */
    @SuppressWarnings("unused") // through ABORT_ACTION
    private volatile Runnable abortAction = NO_ACTION;
    private volatile InetAddress address;
    /** Null while queued; the event loop once admitted; {@link #ENDED_UNADMITTED} if it ended while queued. */
    @SuppressWarnings("unused") // written through LOOP
    private volatile Object loop;
    private volatile long startNanos;
    private volatile ScheduledFuture<?> timeout;
    private volatile ProbeOutcome outcome;
    /** Neighbours in {@link EngineCalls}' list of outstanding calls; guarded by that list's lock. */
    EngineCall prev;
    EngineCall next;

    public EngineCall(ProbeRequest request, Owner owner) {
        this.request = request;
        this.owner = owner;
    }

    /**
     * The pacer admitted this call (it holds an in-flight slot) and gave it {@code eventLoop}.
     *
     * @return false when the call had already ended while queued (engine closed): the slot is the caller's to
     *         give back, as nobody else will. Otherwise the call's end gives it back ({@link #wasAdmitted()}).
     */
    boolean admit(EventLoop eventLoop) {
        return LOOP.compareAndSet(this, null, eventLoop);
    }

    /**
     * Whether the pacer admitted this call before it ended. Exactly one of this (true, checked after the end) and a
     * failed {@link #admit} happens for an admitted call, so its in-flight slot is given back once.
     */
    boolean wasAdmitted() {
        return isLoop(loop);
    }

    /**
     * Whether {@code l}, a value of {@link #loop}, is an event loop: neither null nor the sentinel. Compared rather
     * than tested with {@code instanceof EventLoop}: a type test against an interface can scan the loop class's
     * interfaces (and on JDK 17 write the class's one-entry cache of the last match, shared by every loop), and it
     * ran at every probe's end.
     */
    private static boolean isLoop(Object l) {
        return l != null && l != ENDED_UNADMITTED;
    }

    /**
     * Back to queued after its prober handed it back ({@link #retryLater}): the timer and abort actions of this
     * attempt are dropped and the pacer slot is no longer this call's. Runs on the call's loop, where its timeout
     * fires too; only a shutdown can end it from elsewhere meanwhile, after which slot counts no longer matter.
     *
     * @return false when the call has ended (nothing changed)
     */
    boolean unstart() {
        Object l = loop;
        if (outcome != null || !isLoop(l) || !LOOP.compareAndSet(this, l, null)) {
            return false;
        }
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
            timeout = null;
        }
        for (Runnable a = abortAction; a != null && !ABORT_ACTION.compareAndSet(this, a, NO_ACTION); a = abortAction) {
            // retry until the reset wins, or the call ended (null)
        }
        startNanos = RETRYING;
        return outcome == null;
    }

    /** Whether this call starts again after a retry (its start was already told to the listeners). */
    boolean isRetry() {
        return startNanos == RETRYING;
    }

    /*
     * The two stores of every start are release stores, not volatile ones: each is followed on its thread by the
     * prober's start and, before anyone else acts on the call, by a compare-and-set (the outcome's) that publishes
     * it; nothing reads another field expecting this store to be seen first, so a volatile store's fence bought
     * nothing, twice a probe.
     */

    void resolved(InetAddress address) {
        ADDRESS.setRelease(this, address);
    }

    void started(long startNanos) {
        START_NANOS.setRelease(this, startNanos);
    }

    void timeout(ScheduledFuture<?> timeout) {
        this.timeout = timeout;
        if (outcome != null) {
            timeout.cancel(false);
        }
    }

    @Override
    public ProbeRequest request() {
        return request;
    }

    /** The call is its own handle for listeners: one per probe, and no field more. */
    @Override
    public boolean started() {
        return startNanos != 0;
    }

    @Override
    public InetAddress address() {
        return address;
    }

    @Override
    public EventLoop eventLoop() {
        Object l = loop;
        return isLoop(l) ? (EventLoop) l : null;
    }

    @Override
    public long startNanos() {
        return startNanos;
    }

    /** The future the submitter waits on: this call. */
    public CompletableFuture<ProbeOutcome> future() {
        return this;
    }

    /** The outcome, once done. */
    public ProbeOutcome outcome() {
        return outcome;
    }

    @Override
    public boolean complete(ProbeOutcome result) {
        return finish(result, false);
    }

    /** Ends the probe from the engine's side (timeout, shutdown) and runs the prober's abort actions. */
    boolean completeAndAbort(ProbeOutcome result) {
        return finish(result, true);
    }

    /**
     * Records the outcome once; false if already done. An abort's actions run before the outcome is published, so
     * whoever sees the outcome also sees the prober's resources released.
     */
    private boolean finish(ProbeOutcome result, boolean abort) {
        if (result == null) {
            throw new NullPointerException("outcome");
        }
        if (!OUTCOME.compareAndSet(this, null, result)) {
            return false;
        }
        if (loop == null) { // read first: nearly every call ends admitted, and a CAS each is not free
            LOOP.compareAndSet(this, null, ENDED_UNADMITTED); // ended while queued: admit() will fail
        }
        // Only an abort runs the actions, so only an abort needs them taken atomically; otherwise they are dropped,
        // and an onAbort racing with this store drops its action as it would after it (see onAbort).
        Runnable action;
        if (abort) {
            action = (Runnable) ABORT_ACTION.getAndSet(this, null);
        } else {
            action = null;
            ABORT_ACTION.setRelease(this, null);
        }
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        if (abort && action != null) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // a failed clean-up must not keep the outcome from its waiters
                java.util.logging.Logger.getLogger(EngineCall.class.getName())
                        .log(java.util.logging.Level.FINE, "probe abort action failed", e);
            }
        }
        owner.finished(this);
        super.complete(result);
        return true;
    }

    @Override
    public void retryLater(ErrnoCause cause) {
        if (outcome == null) {
            owner.retry(this, cause);
        }
    }

    @Override
    public void reportDuplicate() {
        owner.extras().probeDuplicate(this);
    }

    @Override
    public void reportLate(long rttNanos) {
        owner.extras().probeLate(this, rttNanos);
    }

    @Override
    public void reportCorrupted(int byteIndex) {
        owner.extras().probeCorrupted(this, byteIndex);
    }

    /** Whether the future is complete (the outcome is published; a prober's further {@link #complete} is ignored). */
    @Override
    public boolean isDone() {
        return super.isDone();
    }

    /** A submitter cancelling the future ends the probe: its prober's resources are released, its slot freed. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            finish(new ProbeOutcome.LocalError("the probe was cancelled by its submitter", null), true);
        }
        return cancelled;
    }

    /** As {@link #cancel}: a submitter failing the future ends the probe. */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        boolean failed = super.completeExceptionally(ex);
        if (failed) {
            finish(new ProbeOutcome.LocalError("the probe's future was failed by its submitter: " + ex, null), true);
        }
        return failed;
    }

    @Override
    public void onAbort(Runnable action) {
        while (true) {
            Runnable before = abortAction;
            if (before == null) {
                return; // already done: the prober's own completion path cleans up
            }
            Runnable after = before == NO_ACTION ? action : () -> {
                before.run();
                action.run();
            };
            if (ABORT_ACTION.compareAndSet(this, before, after)) {
                return;
            }
        }
    }
}
