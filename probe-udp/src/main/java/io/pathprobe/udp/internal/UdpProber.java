package io.pathprobe.udp.internal;

import io.netty.channel.IoEventLoop;
import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.internal.ResourceLimits;
import io.pathprobe.nativeio.NativeIoException;
import io.pathprobe.core.spi.ProbeCall;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.core.spi.NativeTerms;
import io.pathprobe.udp.UdpOptions;

import java.net.Inet6Address;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The UDP prober of one engine: one {@link UdpLane} (one socket) per address family, source port and vantage
 * point, on the event loop that first needed it. Each lane times its probes out (by when their answers arrived).
 */
public final class UdpProber implements Prober {
    private static final Set<ProbeOption<?>> KNOWN = Set.of(ProbeOption.TTL, ProbeOption.TOS,
            UdpOptions.SOURCE_PORT, UdpOptions.PAYLOAD_SIZE);

    private final ProberContext context;
    private final Map<LaneKey, UdpLane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private record LaneKey(boolean v6, int sourcePort, LocalVantagePoint vantagePoint) {
    }

    public UdpProber(ProberContext context) {
        this.context = context;
    }

    @Override
    public void validate(ProbeRequest request) {
        if (request.port() == 0) {
            throw new IllegalArgumentException("udp probes need a destination port: give one (traceroute uses 33434,"
                    + " a port nothing listens on, so that the destination answers port unreachable)");
        }
        for (ProbeOption<?> o : request.options().keySet()) {
            if (!KNOWN.contains(o)) {
                throw new IllegalArgumentException("option " + o + " does not apply to udp probes; udp takes ttl, tos,"
                        + " source-port and payload-size");
            }
        }
        LocalVantagePoint.required(request, "udp");
    }

    @Override
    public boolean handlesTimeouts() {
        return true;
    }

    @Override
    public void start(ProbeCall call) {
        if (context.endedWithoutEpoll(call, "udp")) {
            return;
        }
        if (closed) {
            call.complete(new ProbeOutcome.LocalError("the udp prober is closed", null));
            return;
        }
        ProbeRequest r = call.request();
        LaneKey key = new LaneKey(call.address() instanceof Inet6Address, r.option(UdpOptions.SOURCE_PORT),
                (LocalVantagePoint) r.vantagePoint());
        UdpLane lane = lanes.get(key);
        if (lane == null) {
            try {
                // Opened on this thread, the probe's loop: an engine in a network namespace opens it there.
                lane = lanes.computeIfAbsent(key, k -> open(k, (IoEventLoop) call.eventLoop()));
            } catch (LaneFailure e) {
                // Not remembered: a port in use now may be free for the next probe.
                if (ResourceLimits.isShortage(NativeTerms.cause(e.cause))) {
                    call.retryLater(NativeTerms.cause(e.cause)); // no descriptor free: it waits its turn
                    return;
                }
                call.complete(new ProbeOutcome.LocalError(e.getMessage(), NativeTerms.cause(e.cause)));
                return;
            }
        }
        lane.submit(call);
    }

    private static UdpLane open(LaneKey k, IoEventLoop loop) {
        try {
            return new UdpLane(k.v6(), k.sourcePort(), k.vantagePoint(), loop);
        } catch (NativeIoException e) {
            String port = k.sourcePort() == 0 ? "a kernel-chosen port" : "source port " + k.sourcePort();
            String hint = e.errno() == io.pathprobe.nativeio.SocketConstants.EADDRINUSE
                    ? ": another socket holds it; choose another source port" : "";
            throw new LaneFailure("cannot open a UDP socket on " + port + ": " + e.getMessage() + hint, e);
        }
    }

    /** A lane that could not open, carried out of {@code computeIfAbsent}. */
    private static final class LaneFailure extends RuntimeException {
        final NativeIoException cause;

        LaneFailure(String message, NativeIoException cause) {
            super(message, cause, false, false);
            this.cause = cause;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (UdpLane lane : lanes.values()) {
            lane.close();
        }
    }
}
