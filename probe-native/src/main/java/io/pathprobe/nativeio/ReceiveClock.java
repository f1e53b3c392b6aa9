package io.pathprobe.nativeio;

import java.time.Instant;

/**
 * When a datagram really arrived, on the {@link System#nanoTime()} scale, from the kernel's receive timestamp
 * ({@code SO_TIMESTAMPNS}, wall-clock nanoseconds). An event loop reads a datagram some time after the kernel
 * queued it (the loop was busy, e.g. with cold code in a JVM's first seconds); an RTT ending at the read would
 * include that wait. The wait is measured as wall-clock now minus the kernel's stamp, both read close together, so
 * a wall-clock step between send and receive does not matter.
 *
 * <p>One instance per batch of reads: {@link #now()} samples both clocks once. The pairing of the two clocks is
 * known only to within half the time the wall-clock read took ({@link #uncertaintyNanos()}); an arrival that
 * appears that little before its send is taken as arriving at the send.
 */
public final class ReceiveClock {
    /** SCM_TIMESTAMPNS carries a struct timespec: two 64-bit fields. */
    static final int TIMESPEC_SIZE = 16;
    /**
     * Pairings tried at most. The first read after the thread slept runs cold (a few microseconds here, where a warm
     * one takes well under one): at least two are tried, and more only while none was tight.
     */
    private static final int PAIRING_TRIES = 5;
    private static final int MIN_PAIRING_TRIES = 2;
    private static final long GOOD_PAIRING_NANOS = 1_000;

    private final long nanoTime;
    private final long epochNanos;
    private final long uncertaintyNanos;

    private ReceiveClock(long nanoTime, long epochNanos, long uncertaintyNanos) {
        this.nanoTime = nanoTime;
        this.epochNanos = epochNanos;
        this.uncertaintyNanos = uncertaintyNanos;
    }

    /**
     * Both clocks, now: the wall clock read between two {@code nanoTime} reads, paired with their midpoint, the
     * tightest of a few tries (a read that took long, e.g. a cold one after the thread slept, or the JVM's first
     * {@code Instant.now()} with its class loading, would otherwise shift every arrival by up to half that long).
     */
    public static ReceiveClock now() {
        long bestNano = 0;
        long bestWall = 0;
        long bestSpread = Long.MAX_VALUE;
        for (int i = 0; i < PAIRING_TRIES && (i < MIN_PAIRING_TRIES || bestSpread > GOOD_PAIRING_NANOS); i++) {
            long before = System.nanoTime();
            Instant wall = Instant.now();
            long after = System.nanoTime();
            if (after - before < bestSpread) {
                bestSpread = after - before;
                bestNano = before + bestSpread / 2;
                bestWall = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
            }
        }
        return new ReceiveClock(bestNano, bestWall, (bestSpread + 1) / 2);
    }

    /** The {@link System#nanoTime()} at which this clock was read. */
    public long nanoTime() {
        return nanoTime;
    }

    /**
     * The arrival time on the {@code nanoTime} scale of a datagram the kernel stamped {@code kernelEpochNanos};
     * {@link #nanoTime()} when there is no stamp ({@code < 0}) or it lies in the future (clock granularity).
     */
    public long arrival(long kernelEpochNanos) {
        if (kernelEpochNanos < 0) {
            return nanoTime;
        }
        long waited = epochNanos - kernelEpochNanos;
        // A wait longer than a minute is no queueing delay but a wall-clock step: ignore the stamp.
        return waited > 0 && waited < 60_000_000_000L ? nanoTime - waited : nanoTime;
    }

    /** How far off the pairing of the two clocks may be, either way: half the time the wall-clock read took. */
    public long uncertaintyNanos() {
        return uncertaintyNanos;
    }

    /**
     * The round-trip time of a probe sent at {@code sentNanos} ({@code nanoTime} scale) whose answer the kernel
     * stamped {@code kernelEpochNanos}: up to {@link #arrival}. An arrival before the send by no more than the
     * pairing's {@link #uncertaintyNanos() uncertainty} is an answer at the send, as far as the clocks can tell (a
     * loopback answer comes a microsecond or two after it): 0. Further before the send, the stamp was not taken on
     * this host's receive path, and the RTT runs to the read. Never negative.
     */
    public long rtt(long sentNanos, long kernelEpochNanos) {
        long arrived = arrival(kernelEpochNanos);
        if (arrived >= sentNanos) {
            return arrived - sentNanos;
        }
        if (kernelEpochNanos >= 0 && sentNanos - arrived <= uncertaintyNanos) {
            return 0;
        }
        return Math.max(0, nanoTime - sentNanos);
    }

    /**
     * A socket that asks for receive stamps and is held open, so that the kernel stamps every arriving packet from
     * now on. The kernel stamps packets on arrival only while some socket asks for stamps, and when the first one
     * asks it turns stamping on later, from a work queue: a probe socket made just before its answer arrives (a
     * Time Exceeded from a router microseconds away) would otherwise find its answer stamped at the read, by the
     * loop's clock. The engine holds one for its life (any socket serves every namespace: the switch is the
     * kernel's own); null when no socket can be made here.
     */
    public static NativeSocket holdKernelStamping() {
        try {
            NativeSocket s = NativeSocket.open(SocketConstants.AF_INET,
                    SocketConstants.SOCK_DGRAM | SocketConstants.SOCK_CLOEXEC, 0);
            if (!enable(s)) {
                s.close();
                return null;
            }
            return s;
        } catch (NativeIoException | RuntimeException e) {
            return null;
        }
    }

    /** Turns on {@code SO_TIMESTAMPNS} on {@code socket}; false when the kernel refuses (RTTs then end at the read). */
    public static boolean enable(NativeSocket socket) {
        try {
            socket.setInt(SocketConstants.SOL_SOCKET, SocketConstants.SO_TIMESTAMPNS, 1);
            return true;
        } catch (NativeIoException e) {
            return false;
        }
    }
}
