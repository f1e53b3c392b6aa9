package io.pathprobe.core.spi;

import io.netty.channel.EventLoop;
import io.pathprobe.core.ErrnoCause;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;

import io.pathprobe.core.internal.ResourceLimits;

import java.net.InetAddress;

/** One probe in progress, as the engine hands it to a {@link Prober}. */
public interface ProbeCall {
    ProbeRequest request();

    /** The target address, resolved. */
    InetAddress address();

    /** The event loop this probe is assigned to; probers run their socket work on it. */
    EventLoop eventLoop();

    /**
     * Records the outcome; the first call wins and later ones return {@code false} (a late answer after a timeout,
     * for example). Safe from any thread.
     */
    boolean complete(ProbeOutcome outcome);

    /**
     * Completes with {@code answer}, an answer the prober read once the deadline may already have passed: if the
     * kernel's time of its arrival is known ({@code arrivalKnown}; the answer's RTT then ends at that time) and lies
     * past {@code timeoutNanos}, the probe ends {@link ProbeOutcome.TimedOut timed out} and the answer is
     * {@linkplain #reportLate reported late}, as if the deadline had been kept however busy the loop was. Without an
     * arrival time the answer counts as it is. The one rule for every prober that owns its timeouts: an outcome
     * depends on when the answer arrived, never on when it was read.
     *
     * @return whether the answer came in time (false: it came late)
     */
    default boolean completeUnlessLate(ProbeOutcome answer, long timeoutNanos, boolean arrivalKnown) {
        if (arrivalKnown && answer.rttNanos() > timeoutNanos) {
            complete(new ProbeOutcome.TimedOut(timeoutNanos));
            reportLate(answer.rttNanos());
            return false;
        }
        complete(answer);
        return true;
    }

    /** Whether an outcome has been recorded. */
    boolean isDone();

    /**
     * Registers an action to run if the engine ends this probe before the prober does (timeout, engine closed),
     * e.g. closing its channel. Runs at most once, on the thread that ended the probe.
     */
    void onAbort(Runnable action);

    /** {@link System#nanoTime()} when the engine started this probe, for RTTs measured by the prober. */
    long startNanos();

    /**
     * A further reply to this probe arrived after it had been answered (ping's {@code DUP!}). Counted apart,
     * never as a received reply. Safe from any thread.
     */
    default void reportDuplicate() {
    }

    /**
     * A reply to this probe arrived after it had timed out, {@code rttNanos} after it was sent. Counted apart,
     * never as a received reply. Safe from any thread.
     */
    default void reportLate(long rttNanos) {
    }

    /**
     * A reply that proves it answers this probe (it carries its secret token) arrived with other data than was
     * sent: ping's "wrong data byte", {@code byteIndex} the first payload byte that differs. Counted apart, never
     * as a received reply: the probe waits on for a reply that is intact. Safe from any thread.
     */
    default void reportCorrupted(int byteIndex) {
    }

    /**
     * Instead of {@link #complete}: this probe could not be set up because a local resource ran out ({@code EMFILE},
     * {@code ENFILE}, {@code ENOBUFS}, {@code EADDRNOTAVAIL}; see {@code ResourceLimits.isShortage}). Nothing was sent
     * and the prober holds nothing of this attempt (abort actions registered for it are dropped). The engine holds
     * the probe, runs fewer at once, and starts it again later with another {@link Prober#start}; a shortage that
     * lasts while nothing is in flight ends the probe with a {@link ProbeOutcome.LocalError} that names what ran out.
     * Call it on the probe's event loop. The default (a call outside an engine) ends the probe with that error.
     */
    default void retryLater(ErrnoCause cause) {
        complete(new ProbeOutcome.LocalError(ResourceLimits.gaveUp(cause), cause));
    }
}
