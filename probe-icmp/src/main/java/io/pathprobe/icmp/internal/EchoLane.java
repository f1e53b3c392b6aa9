package io.pathprobe.icmp.internal;

import io.netty.channel.IoEventLoop;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.nativeio.ErrorQueue;
import io.pathprobe.nativeio.MessageBatch;
import io.pathprobe.nativeio.NativeIo;
import io.pathprobe.core.internal.ResourceLimits;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.nativeio.NativeSocket;
import io.pathprobe.nativeio.ReceiveClock;
import io.pathprobe.nativeio.SocketConstants;
import io.pathprobe.nativeio.SocketError;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.SweepTimer;
import io.pathprobe.icmp.EchoReply;
import io.pathprobe.core.spi.NativeTerms;
import io.pathprobe.icmp.IcmpOptions;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import static io.pathprobe.nativeio.SocketConstants.EAGAIN;
import static io.pathprobe.nativeio.SocketConstants.EINTR;
import static io.pathprobe.nativeio.SocketConstants.ENOBUFS;

/**
 * All echo probes of one address family, socket mode and socket set-up (Don't Fragment, vantage point) for one
 * engine: the sockets, the table of probes in flight, their timeouts and the batch buffers, all confined to one
 * event loop. Probes arrive from any loop through a lock-free queue and leave in {@code sendmmsg} batches; answers
 * come in through {@code recvmmsg} (and, for ping sockets, the error queue) and are matched strictly: key from
 * identifier and sequence, then source (or quoted destination), then the payload's token and send time.
 *
 * <p>What a blind (off-path) attacker would have to guess to make a forged packet count: the identifier (random per
 * lane for raw sockets; ping sockets are bound to a random one, not the kernel's next in turn), the sequence (the
 * lane's sequence space starts at a random offset), and the 64-bit token. A reply counts only when it carries the
 * whole payload that was sent ({@link IcmpCodec#verifyReply}); one with the token but other bytes or another
 * length is ping's "wrong data byte", reported apart and never as received. An error counts only when its quote
 * matches ({@link IcmpCodec#quoteMatches}: the token, or for a quote of 8 bytes the checksum the probe carried).
 */
final class EchoLane {
    private static final Logger LOG = Logger.getLogger(EchoLane.class.getName());
    private static final int BATCH = 64;
    private static final int SLOT = 2048;
    /** Largest IPv4 header (60) plus ICMP header: what a receive slot needs beyond the payload. */
    private static final int RECEIVE_OVERHEAD = 68;
    private static final int BIG_SLOT = 65536 + RECEIVE_OVERHEAD;
    /** Messages read per readiness event before yielding to the loop's other work. */
    private static final int MAX_READS_PER_EVENT = 1024;
    private static final int CONTROL = 64;
    /** Sends of a failing message beyond the first (each clears one pending error of an earlier probe). */
    private static final int MAX_SEND_RETRIES = 7;
    /** Pages of 65,536 keys: up to about 4 million probes in flight per lane. */
    private static final int MAX_PAGES = 64;
    private static final long SWEEP_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    final boolean v6;
    final boolean raw;
    private final boolean dontFragment;
    private final LocalVantagePoint vantagePoint;
    private final IoEventLoop loop;
    /** The wake-up at the earliest probe deadline, to time probes out. */
    private final SweepTimer sweeps;
    private final PendingTable table = new PendingTable(MAX_PAGES);
    private final TimeoutQueues timeouts = new TimeoutQueues(table);
    private final List<EchoSocket> sockets = new ArrayList<>();
    private final int idBase;
    /** Where the lane's on-wire sequence space starts: wire sequence = (key + seqBase) mod 2^16. */
    private final int seqBase;
    private final long nonce;
    private final Queue<ProbeCall> incoming = new ConcurrentLinkedQueue<>(); // any thread offers, the loop polls
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask = this::flush;
    private final IcmpMessage msg = new IcmpMessage();
    private final ErrorQueue errorQueue;
    private final TimeoutQueues.Expiry expiry = this::timedOut;

    private final MessageBatch smallSend = new MessageBatch(BATCH, SLOT, CONTROL);
    private MessageBatch bigSend;
    private final MessageBatch smallReceive = new MessageBatch(BATCH, SLOT, CONTROL);
    private MessageBatch bigReceive;
    private boolean bigPayloads;
    private MessageBatch sendBatch = smallSend;
    private final int[] batchKeys = new int[BATCH];
    private int batchCount;
    /** When the batch's first probe was encoded: its probes' encode time (see {@link #queue}). */
    private long batchNanos;
    private int batchFrom;
    private EchoSocket batchSocket;
    private boolean blocked;

    private String lastPatternHex = "";
    private byte[] lastPattern = new byte[0];
    private InetAddress lastV6;
    private byte[] lastV6Bytes;
    private volatile boolean closed;

    /** Opens the first socket; runs on {@code loop} (so an engine in a network namespace opens it there). */
    EchoLane(boolean v6, boolean raw, boolean dontFragment, LocalVantagePoint vantagePoint, IoEventLoop loop)
            throws NativeIoException {
        this.v6 = v6;
        this.raw = raw;
        this.dontFragment = dontFragment;
        this.vantagePoint = vantagePoint;
        this.loop = loop;
        this.sweeps = new SweepTimer(loop, this::sweep, SWEEP_SLACK_NANOS);
        SecureRandom random = new SecureRandom();
        this.idBase = random.nextInt(1 << 16);
        this.seqBase = random.nextInt(1 << 16);
        this.nonce = random.nextLong();
        this.errorQueue = raw ? null : new ErrorQueue(SLOT);
        addPage();
    }

    /** Adds a page of keys: for ping sockets a new socket (the kernel gives each its own identifier). */
    private boolean addPage() throws NativeIoException {
        if (table.pages() == table.maxPages()) {
            return false;
        }
        if (raw && !sockets.isEmpty()) {
            table.addPage(); // one raw socket serves every identifier
            attachFilter(sockets.get(0));
            return true;
        }
        NativeSocket opened = IcmpSockets.open(v6, raw, dontFragment, vantagePoint);
        EchoSocket s;
        try {
            s = new EchoSocket(opened, table.pages(), this);
        } catch (NativeIoException e) {
            try {
                opened.close();
            } catch (NativeIoException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        s.register(loop);
        sockets.add(s);
        table.addPage();
        if (raw) {
            attachFilter(s);
        }
        return true;
    }

    /** Lets the kernel drop echo replies to identifiers not of this lane (see {@link EchoFilter}). */
    private void attachFilter(EchoSocket s) {
        try {
            s.nativeSocket().attachFilter(EchoFilter.program(v6, idBase, table.pages()));
        } catch (NativeIoException | RuntimeException e) {
            // Only an optimisation: every reply is matched in full anyway.
            LOG.log(Level.FINE, "could not attach the echo filter to a raw ICMP socket", e);
        }
    }

    /** Hands a probe to the lane; any thread. */
    void submit(ProbeCall call) {
        if (loop.inEventLoop() && !closed && !inSend) {
            // On the lane's own loop (a probe started as another ended): straight into the batch, no queue node;
            // the batch goes when this turn's tasks have run (or when full). Not from inside sendBatch (a failed
            // send's completion starting the next probe): that one takes the queue, or it would send mid-batch.
            if (blocked || !backlog.isEmpty()) {
                backlog.addLast(call);
            } else if (!call.isDone()) {
                queue(call);
            }
            // Read first: within a turn the flush is nearly always asked for already, and a CAS per probe is not free.
            if (!flushScheduled.get() && flushScheduled.compareAndSet(false, true)) {
                loop.execute(flushTask);
            }
            return;
        }
        incoming.offer(call);
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(flushTask);
        }
    }

    // ---- sending (on the loop)

    private void flush() {
        flushScheduled.set(false);
        if (blocked) {
            return; // onWritable or the retry timer flushes
        }
        ProbeCall call;
        while ((call = incoming.poll()) != null) {
            if (call.isDone()) {
                continue;
            }
            if (closed) {
                call.complete(new ProbeOutcome.LocalError("the icmp prober is closed", null));
                continue;
            }
            queue(call);
            if (blocked) {
                return;
            }
        }
        sendBatch();
    }

    private void queue(ProbeCall call) {
        int payload = call.request().option(IcmpOptions.PAYLOAD_SIZE);
        // One clock read a batch, not a probe (read per probe here and at the probe's start in the engine, the clock
        // was a tenth of the loops' user time in a profile). What uses this time needs it only not after the send,
        // which the batch's send call times itself (sendBatchNow); a batch goes in the turn it was begun, or when
        // the socket has room again.
        long now = batchCount > 0 ? batchNanos : (batchNanos = System.nanoTime());
        int key = table.allocate(call, now);
        if (key < 0) {
            try {
                if (addPage()) {
                    key = table.allocate(call, now);
                }
            } catch (NativeIoException e) {
                if (ResourceLimits.isShortage(NativeTerms.cause(e))) {
                    call.retryLater(NativeTerms.cause(e)); // no descriptor for another ping socket: it waits its turn
                    return;
                }
                LOG.log(Level.FINE, "could not add an ICMP socket", e);
            }
            if (key < 0) {
                call.complete(new ProbeOutcome.LocalError("too many ICMP probes in flight on one lane ("
                        + table.pending() + "); lower the engine's maxInFlight", null));
                return;
            }
        }
        EchoSocket socket = raw ? sockets.get(0) : sockets.get(key >>> PendingTable.PAGE_BITS);
        int length = IcmpCodec.HEADER + payload;
        MessageBatch wanted = length <= SLOT ? smallSend : bigSend();
        if (batchCount > 0 && (socket != batchSocket || wanted != sendBatch || batchCount == wanted.capacity())) {
            sendBatch();
            if (blocked) {
                // The key is taken; the probe goes out when the socket has room again.
                table.end(key, PendingTable.ENDED);
                table.free(key);
                pushBack(call);
                return;
            }
        }
        if (length + RECEIVE_OVERHEAD > SLOT) {
            bigPayloads = true;
        }
        sendBatch = wanted;
        batchSocket = socket;
        int i = batchCount;
        ByteBuffer d = wanted.data();
        int off = wanted.dataOffset(i);
        // Ping sockets write their own identifier (the one they are bound to); writing it too keeps a steered
        // checksum right when the kernel recomputes it.
        int id = raw ? (idBase + (key >>> PendingTable.PAGE_BITS)) & 0xffff : socket.id;
        IcmpCodec.encodeEchoRequest(d, off, v6, id, (key + seqBase) & 0xffff, token(key), now, payload,
                pattern(call), call.request().option(IcmpOptions.FLOW_CHECKSUM));
        if (!v6) {
            // A ping socket recomputes it over the same bytes (we write the identifier it writes): the same value.
            table.setChecksum(key, d.getShort(off + 2) & 0xffff);
        }
        wanted.prepareSend(i, call.address(), length);
        int ttl = call.request().option(ProbeOption.TTL);
        if (ttl > 0) {
            wanted.addControlInt(i, v6 ? SocketConstants.IPPROTO_IPV6 : SocketConstants.SOL_IP,
                    v6 ? SocketConstants.IPV6_HOPLIMIT : SocketConstants.IP_TTL, ttl);
        }
        int tos = call.request().option(ProbeOption.TOS);
        if (tos >= 0) {
            wanted.addControlInt(i, v6 ? SocketConstants.IPPROTO_IPV6 : SocketConstants.SOL_IP,
                    v6 ? SocketConstants.IPV6_TCLASS : SocketConstants.IP_TOS, tos);
        }
        batchKeys[i] = key;
        batchCount = i + 1;
        timeouts.add(key, call.request().timeout().toNanos());
        sweeps.atOrBefore(now + call.request().timeout().toNanos());
    }

    private final java.util.ArrayDeque<ProbeCall> backlog = new java.util.ArrayDeque<>();

    private void pushBack(ProbeCall call) {
        backlog.addFirst(call);
    }

    private boolean sendPathWarm;

    private MessageBatch bigSend() {
        if (bigSend == null) {
            bigSend = new MessageBatch(1, BIG_SLOT, CONTROL);
        }
        return bigSend;
    }

    /** Set while {@link #sendBatch} runs: what a failed send's completion starts must not re-enter it. */
    private boolean inSend;

    /** Sends what is batched; on a full socket buffer, waits (EPOLLOUT, or a timer for ENOBUFS) and keeps the rest. */
    private void sendBatch() {
        inSend = true;
        try {
            sendBatchNow();
        } finally {
            inSend = false;
        }
    }

    private void sendBatchNow() {
        if (!sendPathWarm && batchFrom < batchCount) {
            // The first sendmmsg through jnr-ffi costs tens of microseconds of first-use work, which counted in the
            // first probe's RTT: one call with no messages (it sends nothing) pays it before the clock starts.
            sendPathWarm = true;
            sendBatch.send(batchSocket.fd, batchFrom, 0);
        }
        int retries = 0;
        while (batchFrom < batchCount) {
            // RTTs count from the send call, not from when each probe was encoded into the batch. (Before the call:
            // on a fast path the answer can arrive, kernel-stamped, while sendmmsg is still sending the batch.)
            long sent = System.nanoTime();
            int r = sendBatch.send(batchSocket.fd, batchFrom, batchCount - batchFrom);
            if (r > 0) {
                for (int k = batchFrom; k < batchFrom + r; k++) {
                    table.setSentNanos(batchKeys[k], sent);
                }
                batchFrom += r;
                retries = 0;
                continue;
            }
            int errno = -r;
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                blocked = true;
                batchSocket.writeInterest(true);
                return;
            }
            if (errno == ENOBUFS) {
                blocked = true;
                loop.schedule(this::unblock, 1, TimeUnit.MILLISECONDS);
                return;
            }
            if (!raw && retries < MAX_SEND_RETRIES) {
                // A ping socket (IP_RECVERR) also keeps an ICMP error about an earlier echo as a pending socket
                // error, which the next send returns once and clears; the error itself is in the error queue. So a
                // failure may not be this message's (and while answers pour in, the next may meet a fresh one):
                // send it again a few times before failing it.
                retries++;
                continue;
            }
            failSend(batchKeys[batchFrom], errno); // the kernel stops at the failing message: end it, go on
            batchFrom++;
            retries = 0;
        }
        batchCount = 0;
        batchFrom = 0;
    }

    void onWritable(EchoSocket socket) {
        socket.writeInterest(false);
        unblock();
    }

    private void unblock() {
        if (!blocked) {
            return;
        }
        blocked = false;
        sendBatch();
        if (blocked) {
            return;
        }
        ProbeCall call;
        while (!blocked && (call = backlog.poll()) != null) {
            if (!call.isDone()) {
                queue(call);
            }
        }
        if (!blocked) {
            flush();
        }
    }

    private void failSend(int key, int errno) {
        if (table.state(key) != PendingTable.PENDING) {
            return;
        }
        ProbeCall call = (ProbeCall) table.owner(key);
        table.end(key, PendingTable.ENDED);
        ProbeOutcome o;
        if (errno == SocketConstants.ENETUNREACH || errno == SocketConstants.EHOSTUNREACH) {
            o = new ProbeOutcome.Unreachable(-1, null, -1, -1, 0, NativeTerms.cause(errno));
        } else {
            o = new ProbeOutcome.LocalError("sending the echo request to " + call.address().getHostAddress()
                    + " failed", NativeTerms.cause(errno));
        }
        call.complete(o);
    }

    // ---- receiving (on the loop)

    void onReadable(EchoSocket socket) {
        read(socket, MAX_READS_PER_EVENT);
    }

    /** Reads and matches up to about {@code max} messages; returns whether the socket was left empty. */
    private boolean read(EchoSocket socket, int max) {
        MessageBatch b = bigPayloads ? bigReceive() : smallReceive;
        int total = 0;
        while (total < max) {
            int n = b.receive(socket.fd, b.capacity(), 0);
            if (n <= 0) {
                if (n < 0 && -n != EAGAIN && -n != EINTR) {
                    LOG.log(Level.FINE, "recvmmsg on an ICMP socket failed: {0}", NativeIo.errnoName(-n));
                }
                return true;
            }
            ReceiveClock clock = ReceiveClock.now();
            for (int i = 0; i < n; i++) {
                try {
                    received(socket, b, i, clock, b.controlTimestampNanos(i));
                } catch (RuntimeException e) {
                    // Never let one packet (or a listener behind complete()) stop the receiver.
                    LOG.log(Level.WARNING, "failed to handle an ICMP message", e);
                }
            }
            total += n;
            if (n < b.capacity()) {
                return true;
            }
        }
        return false;
    }

    private MessageBatch bigReceive() {
        if (bigReceive == null) {
            bigReceive = new MessageBatch(4, BIG_SLOT, CONTROL);
        }
        return bigReceive;
    }

    private void received(EchoSocket socket, MessageBatch b, int i, ReceiveClock clock, long stamp) {
        if ((b.messageFlags(i) & SocketConstants.MSG_TRUNC) != 0) {
            return;
        }
        ByteBuffer d = b.data();
        int off = b.dataOffset(i);
        int len = b.length(i);
        // A raw socket gets a message before the kernel's ICMP checks; a ping socket only one that passed them.
        boolean ok = raw && !v6 ? IcmpCodec.parseIpv4(d, off, len, msg) : IcmpCodec.parseIcmp(d, off, len, v6, raw, msg);
        if (!ok) {
            return;
        }
        int page;
        if (raw) {
            page = (msg.id - idBase) & 0xffff;
            if (page >= table.pages()) {
                return; // another program's echo, or an error about one
            }
        } else {
            page = socket.page;
        }
        int key = page << PendingTable.PAGE_BITS | keySeq(msg.seq);
        byte state = table.state(key);
        if (state == PendingTable.FREE) {
            return;
        }
        ProbeCall call = (ProbeCall) table.owner(key);
        InetAddress target = call.address();
        long sent = table.sentNanos(key);
        int sentPayload = call.request().option(IcmpOptions.PAYLOAD_SIZE);
        if (msg.kind == IcmpMessage.Kind.ECHO_REPLY) {
            if (!b.sourceIs(i, target)) {
                return;
            }
            int check = IcmpCodec.verifyReply(d, msg.payloadOffset, msg.payloadLength, sentPayload, token(key), sent,
                    pattern(call), call.request().option(IcmpOptions.FLOW_CHECKSUM) >= 0);
            if (check == IcmpCodec.REPLY_FOREIGN) {
                return; // not this probe: an older use of the key, or a forgery
            }
            if (check >= 0) {
                // Our token, other data (or length): damaged on the way, or by something on the path. As iputils,
                // told ("wrong data byte"); unlike iputils, not counted as received: the probe waits on.
                call.reportCorrupted(check);
                return;
            }
            long rtt = clock.rtt(sent, stamp);
            if (state == PendingTable.PENDING) {
                int ttl = msg.ttl >= 0 ? msg.ttl : b.controlInt(i,
                        v6 ? SocketConstants.IPPROTO_IPV6 : SocketConstants.SOL_IP,
                        v6 ? SocketConstants.IPV6_HOPLIMIT : SocketConstants.IP_TTL);
                table.end(key, PendingTable.ANSWERED); // a further copy is a duplicate, this one in time or late
                call.completeUnlessLate(new EchoReply(rtt, target, ttl, msg.icmpLength), timeoutNanos(call),
                        stamp >= 0);
            } else if (state == PendingTable.ANSWERED) {
                call.reportDuplicate();
            } else if (state == PendingTable.TIMED_OUT) {
                table.end(key, PendingTable.ANSWERED); // a further copy is a duplicate
                call.reportLate(rtt);
            }
            return;
        }
        // An ICMP error quoting our echo (raw sockets; ping sockets get these through the error queue).
        if (state != PendingTable.PENDING || !addressAt(d, msg.quotedDestinationOffset, target)
                || !IcmpCodec.quoteMatches(d, msg, v6, sentPayload, table.checksum(key), token(key), sent)) {
            return;
        }
        long rtt = clock.rtt(sent, stamp);
        InetAddress from = b.source(i);
        table.end(key, PendingTable.ENDED);
        call.completeUnlessLate(msg.kind == IcmpMessage.Kind.TIME_EXCEEDED
                ? new ProbeOutcome.TtlExceeded(rtt, from, msg.code)
                : new ProbeOutcome.Unreachable(rtt, from, msg.type, msg.code, msg.mtu, null),
                timeoutNanos(call), stamp >= 0);
    }

    private static long timeoutNanos(ProbeCall call) {
        return call.request().timeout().toNanos();
    }

    /** Whether the 4 or 16 address bytes at {@code off} are {@code a}'s. */
    private boolean addressAt(ByteBuffer d, int off, InetAddress a) {
        if (off < 0) {
            return false;
        }
        if (a instanceof Inet4Address) {
            return d.getInt(off) == a.hashCode();
        }
        if (a != lastV6) { // one target probed many times: copy its bytes once
            lastV6Bytes = a.getAddress();
            lastV6 = a;
        }
        return MessageBatch.bytesEqual(d, off, lastV6Bytes);
    }

    /** Ping sockets report ICMP errors about our echoes here (IP_RECVERR): Time Exceeded, Unreachable. */
    void onError(EchoSocket socket) {
        readErrors(socket, MAX_READS_PER_EVENT);
    }

    private void readErrors(EchoSocket socket, int max) {
        if (errorQueue == null) {
            return;
        }
        for (int n = 0; n < max; n++) {
            Optional<SocketError> next;
            try {
                next = errorQueue.next(socket.fd);
            } catch (NativeIoException e) {
                LOG.log(Level.FINE, "reading an ICMP socket's error queue failed", e);
                return;
            }
            if (next.isEmpty()) {
                return;
            }
            try {
                queuedError(socket, next.get(), errorQueue.lastDestination(), ReceiveClock.now(),
                        errorQueue.lastTimestampNanos());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "failed to handle an ICMP error", e);
            }
        }
    }

    private void queuedError(EchoSocket socket, SocketError e, InetSocketAddress destination, ReceiveClock clock,
            long stamp) {
        byte[] q = e.quotedPayload();
        ByteBuffer qb = ByteBuffer.wrap(q);
        if (!IcmpCodec.parseOwnEcho(qb, 0, q.length, v6, msg)) {
            return;
        }
        // The kernel queued it on this socket because the quoted identifier is the socket's; it checks nothing
        // else (ping_err). The rest is ours to check, as for raw sockets.
        if (msg.id != socket.id) {
            return;
        }
        int key = socket.page << PendingTable.PAGE_BITS | keySeq(msg.seq);
        if (table.state(key) != PendingTable.PENDING) {
            return;
        }
        ProbeCall call = (ProbeCall) table.owner(key);
        long sent = table.sentNanos(key);
        if (destination == null || !destination.getAddress().equals(call.address())
                || !IcmpCodec.quoteMatches(qb, msg, v6, call.request().option(IcmpOptions.PAYLOAD_SIZE),
                        table.checksum(key), token(key), sent)) {
            return;
        }
        long rtt = clock.rtt(sent, stamp);
        ProbeOutcome o;
        boolean icmp = e.origin() == SocketConstants.SO_EE_ORIGIN_ICMP || e.origin() == SocketConstants.SO_EE_ORIGIN_ICMP6;
        if (icmp && e.offender() != null && e.icmpType() == (v6 ? IcmpCodec.ICMP6_TIME_EXCEEDED : IcmpCodec.ICMP_TIME_EXCEEDED)) {
            o = new ProbeOutcome.TtlExceeded(rtt, e.offender(), e.icmpCode());
        } else if (icmp) {
            boolean mtu = v6 ? e.icmpType() == IcmpCodec.ICMP6_PACKET_TOO_BIG
                    : e.icmpType() == IcmpCodec.ICMP_DEST_UNREACH && e.icmpCode() == 4;
            o = new ProbeOutcome.Unreachable(rtt, e.offender(), e.icmpType(), e.icmpCode(), mtu ? e.info() : 0,
                    NativeTerms.cause(e));
        } else {
            o = new ProbeOutcome.LocalError("the kernel refused the echo request"
                    + (e.info() > 0 ? " (path MTU " + e.info() + ")" : ""), NativeTerms.cause(e));
        }
        table.end(key, PendingTable.ENDED);
        call.completeUnlessLate(o, timeoutNanos(call), stamp >= 0);
    }

    // ---- timeouts (on the loop)

    private void sweep() {
        long now = System.nanoTime();
        // Answers that arrived in time may still wait in the sockets while the loop was busy (thousands of traces
        // ending at once, other work on a shared machine): match them before anything times out.
        drainAll();
        long next = timeouts.sweep(now, expiry);
        if (next != Long.MAX_VALUE) {
            sweeps.atOrBefore(next);
        }
    }

    private void timedOut(int key, long timeoutNanos) {
        ProbeCall call = (ProbeCall) table.owner(key);
        table.end(key, PendingTable.TIMED_OUT);
        try {
            call.complete(new ProbeOutcome.TimedOut(timeoutNanos));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "completing a timed-out ICMP probe failed", e);
        }
    }

    /**
     * Reads every socket (and ping sockets' error queues) until empty, or {@link #MAX_DRAIN} messages each: a full
     * receive buffer holds fewer, and the bound keeps a flood of foreign packets from holding the loop.
     */
    private void drainAll() {
        for (EchoSocket s : sockets) {
            if (!s.isClosed()) {
                read(s, MAX_DRAIN);
                readErrors(s, MAX_DRAIN);
            }
        }
    }

    /** Messages a drain before a sweep reads per socket at most: more than a 16 MB receive buffer holds. */
    private static final int MAX_DRAIN = 1 << 16;

    // ---- helpers

    /** The table key's low 16 bits for an on-wire sequence. */
    private int keySeq(int wireSeq) {
        return (wireSeq - seqBase) & 0xffff;
    }

    /** The per-probe payload token: unguessable without our nonce, different for every use of a key. */
    private long token(int key) {
        long z = nonce ^ ((long) table.generation(key) << 32 | (key & 0xffffffffL));
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL; // murmur3's 64-bit finaliser
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private byte[] pattern(ProbeCall call) {
        String hex = call.request().option(IcmpOptions.PATTERN);
        if (!hex.equals(lastPatternHex)) {
            lastPattern = HexFormat.of().parseHex(hex);
            lastPatternHex = hex;
        }
        return lastPattern;
    }

    /** Probes in flight (for tests and reports); on the loop. */
    int pending() {
        return table.pending();
    }

    /** Bytes held by the table and timeout queues (for memory reports); on the loop. */
    long footprintBytes() {
        return table.footprintBytes() + timeouts.size() * 8;
    }

    IoEventLoop loop() {
        return loop;
    }

    /** Closes the sockets; probes still queued end with a local error. Any thread. */
    void close() {
        closed = true;
        Runnable r = () -> {
            for (EchoSocket s : sockets) {
                s.close();
            }
            sweeps.cancel();
            ProbeCall call;
            while ((call = incoming.poll()) != null) {
                call.complete(new ProbeOutcome.LocalError("the icmp prober is closed", null));
            }
        };
        if (loop.inEventLoop() || loop.isShuttingDown()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }
}
