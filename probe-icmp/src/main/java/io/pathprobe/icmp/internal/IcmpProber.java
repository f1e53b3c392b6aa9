package io.pathprobe.icmp.internal;

import io.netty.channel.IoEventLoop;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.core.internal.ResourceLimits;
import io.pathprobe.core.spi.NativeTerms;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.icmp.IcmpOptions;
import io.pathprobe.icmp.IcmpProberProvider;
import io.pathprobe.icmp.IcmpSocketMode;

import java.net.Inet6Address;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The echo prober of one engine: one {@link EchoLane} per event loop, address family, socket mode and socket set-up.
 * A probe goes to the lane of the loop the engine gave it, so each loop sends and receives on sockets of its own
 * and the kernel hands each lane its own replies (ping sockets by their identifier, raw sockets through the
 * lane's BPF filter): the engine's loops probe in parallel with no lock or hand-over between them. Times its
 * probes out itself (a sweep of sorted queues, not a timer each).
 */
public final class IcmpProber implements Prober {
    private static final Set<ProbeOption<?>> KNOWN = Set.of(ProbeOption.TTL, ProbeOption.TOS,
            IcmpOptions.PAYLOAD_SIZE, IcmpOptions.PATTERN, IcmpOptions.DONT_FRAGMENT, IcmpOptions.SOCKET_MODE,
            IcmpOptions.FLOW_CHECKSUM);

    private static final String FLOW_CHECKSUM_V6 = "flow-checksum works for IPv4 only: the kernel computes the"
            + " ICMPv6 checksum over a pseudo-header with the source address it picks, which the prober cannot steer;"
            + " probe an IPv4 address, or leave flow-checksum off for IPv6";

    private final ProberContext context;
    private final Map<LaneKey, Object> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Which lane a probe goes to. */
    private record LaneKey(IoEventLoop loop, boolean v6, IcmpSocketMode mode, boolean dontFragment,
                           LocalVantagePoint vantagePoint) {
        boolean is(IoEventLoop l, boolean v6, IcmpSocketMode mode, boolean dontFragment, LocalVantagePoint vp) {
            return loop == l && this.v6 == v6 && this.mode == mode && this.dontFragment == dontFragment
                    && (vantagePoint == vp || vantagePoint.equals(vp));
        }
    }

    /** A lane and its key. */
    private record Found(LaneKey key, EchoLane lane) {
    }

    /**
     * The lane this thread's last probe went to: a loop's probes mostly go to one lane, found without a key
     * record and a hash lookup each (about a tenth of a probe's time on the loop before).
     */
    private final ThreadLocal<Found> last = new ThreadLocal<>();

    public IcmpProber(ProberContext context) {
        this.context = context;
    }

    @Override
    public void validate(ProbeRequest request) {
        if (request.port() != 0) {
            throw new IllegalArgumentException("icmp probes take no port (got " + request.port()
                    + "): remove the port, or use the tcp prober to check a port");
        }
        for (ProbeOption<?> o : request.options().keySet()) {
            if (!KNOWN.contains(o)) {
                throw new IllegalArgumentException("option " + o + " does not apply to icmp probes; icmp takes "
                        + "ttl, tos, payload-size, pattern, dont-fragment, socket-mode and flow-checksum");
            }
        }
        if (request.option(IcmpOptions.FLOW_CHECKSUM) >= 0) {
            int payload = request.option(IcmpOptions.PAYLOAD_SIZE);
            if (payload < IcmpOptions.FLOW_CHECKSUM_MIN_PAYLOAD) {
                throw new IllegalArgumentException("flow-checksum needs a payload of at least "
                        + IcmpOptions.FLOW_CHECKSUM_MIN_PAYLOAD + " bytes (token, send time and 2 bytes that steer"
                        + " the checksum), but payload-size is " + payload + ": raise the payload size");
            }
            if (request.address() instanceof Inet6Address) {
                throw new IllegalArgumentException(FLOW_CHECKSUM_V6);
            }
        }
        LocalVantagePoint.required(request, "icmp");
    }

    @Override
    public boolean handlesTimeouts() {
        return true;
    }

    @Override
    public void start(ProbeCall call) {
        if (context.endedWithoutEpoll(call, "icmp")) {
            return;
        }
        ProbeRequest r = call.request();
        if (call.address() instanceof Inet6Address && r.option(IcmpOptions.FLOW_CHECKSUM) >= 0) {
            call.complete(new ProbeOutcome.LocalError(FLOW_CHECKSUM_V6 + " (" + r.host() + " resolved to "
                    + call.address().getHostAddress() + ")", null));
            return;
        }
        IoEventLoop loop = (IoEventLoop) call.eventLoop();
        boolean v6 = call.address() instanceof Inet6Address;
        IcmpSocketMode mode = r.option(IcmpOptions.SOCKET_MODE);
        boolean dontFragment = r.option(IcmpOptions.DONT_FRAGMENT);
        LocalVantagePoint vantagePoint = (LocalVantagePoint) r.vantagePoint();
        Found found = last.get();
        if (found != null && found.key().is(loop, v6, mode, dontFragment, vantagePoint)) {
            found.lane().submit(call);
            return;
        }
        LaneKey key = new LaneKey(loop, v6, mode, dontFragment, vantagePoint);
        Object lane = lanes.get(key);
        if (lane == null) {
            lane = lanes.computeIfAbsent(key, k -> openLane(k, k.loop()));
        }
        if (lane instanceof EchoLane l) {
            last.set(new Found(key, l));
            l.submit(call);
        } else if (lane instanceof ShortOf s) {
            lanes.remove(key, s); // not remembered: the next probe tries again
            call.retryLater(NativeTerms.cause(s.cause()));
        } else {
            call.complete((ProbeOutcome) lane);
        }
    }

    /** A lane that could not open for lack of descriptors or buffers: its probes wait, rather than fail. */
    private record ShortOf(NativeIoException cause) {
    }

    /**
     * Opens a lane on this thread (the probe's event loop); a failure is remembered as the outcome for its probes,
     * except a lack of resources ({@link ShortOf}), which says nothing about which socket kind works here.
     */
    private Object openLane(LaneKey k, IoEventLoop loop) {
        if (closed) {
            return new ProbeOutcome.LocalError("the icmp prober is closed", null);
        }
        boolean tryDgram = k.mode() != IcmpSocketMode.RAW;
        boolean tryRaw = k.mode() != IcmpSocketMode.DGRAM;
        NativeIoException dgramFailure = null;
        if (tryDgram) {
            try {
                return new EchoLane(k.v6(), false, k.dontFragment(), k.vantagePoint(), loop);
            } catch (NativeIoException e) {
                if (ResourceLimits.isShortage(NativeTerms.cause(e))) {
                    return new ShortOf(e);
                }
                dgramFailure = e;
            }
        }
        if (tryRaw) {
            try {
                return new EchoLane(k.v6(), true, k.dontFragment(), k.vantagePoint(), loop);
            } catch (NativeIoException e) {
                if (ResourceLimits.isShortage(NativeTerms.cause(e))) {
                    return new ShortOf(e);
                }
                return new ProbeOutcome.LocalError(IcmpProberProvider.unavailableMessage(dgramFailure, e),
                        NativeTerms.cause(e));
            }
        }
        return new ProbeOutcome.LocalError(IcmpProberProvider.unavailableMessage(dgramFailure, null),
                NativeTerms.cause(dgramFailure));
    }

    /** The lanes opened so far (for tests and reports). */
    Map<?, Object> lanes() {
        return lanes;
    }

    @Override
    public void close() {
        closed = true;
        for (Object lane : lanes.values()) {
            if (lane instanceof EchoLane l) {
                l.close();
            }
        }
    }
}
