package io.pathprobe.tcp.internal;

import io.pathprobe.core.LocalVantagePoint;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.ProbeRequest;
import io.pathprobe.core.VantagePoint;
import io.pathprobe.tcp.TcpOptions;

import java.net.InetAddress;

/** What a tcp request asks of its socket, read once per probe (or not at all for a request with no options). */
record TcpSettings(boolean abortiveClose, int bannerMillis, int bannerBytes, int ttl, int tos, InetAddress source,
        String device) {

    static final TcpSettings DEFAULTS = new TcpSettings(TcpOptions.ABORTIVE_CLOSE.defaultValue(),
            TcpOptions.BANNER_MILLIS.defaultValue(), TcpOptions.BANNER_BYTES.defaultValue(),
            ProbeOption.TTL.defaultValue(), ProbeOption.TOS.defaultValue(), null, null);

    /** The settings of a request that {@link TcpProber#validate} accepted. */
    static TcpSettings of(ProbeRequest r) {
        VantagePoint vp = r.vantagePoint();
        if (r.options().isEmpty() && vp == VantagePoint.local()) {
            return DEFAULTS;
        }
        LocalVantagePoint local = (LocalVantagePoint) vp;
        return new TcpSettings(r.option(TcpOptions.ABORTIVE_CLOSE), r.option(TcpOptions.BANNER_MILLIS),
                r.option(TcpOptions.BANNER_BYTES), r.option(ProbeOption.TTL), r.option(ProbeOption.TOS),
                local.sourceAddress().orElse(null), local.interfaceName().orElse(null));
    }
}
