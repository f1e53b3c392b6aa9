package io.pathprobe.dns;

import io.pathprobe.core.Availability;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOption;
import io.pathprobe.core.spi.Prober;
import io.pathprobe.core.spi.ProberContext;
import io.pathprobe.core.spi.ProberProvider;
import io.pathprobe.dns.internal.DnsProber;

import java.util.List;

/**
 * The {@code "dns"} prober: one DNS query over UDP to a resolver at {@code host[:port]} (port 53 by default), what
 * {@code dig @host name type} tells a person, for a load balancer's DNS listener or a resolver on the path.
 * Outcomes: {@link DnsOutcomes} (noerror, nxdomain, servfail, dns-refused, dns-error, with the response code and
 * answer count), the core {@code timed-out} (no answer) and {@code refused} (ICMP port unreachable), or a local
 * error. Options: {@link DnsOptions}. Needs no privilege.
 */
public final class DnsProberProvider implements ProberProvider {
    /** The kind name of DNS query probes. */
    public static final String KIND = "dns";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "DNS query over UDP to a resolver (like dig): noerror, nxdomain, servfail, refused or timed out";
    }

    @Override
    public Availability availability() {
        return Availability.ok(); // an ordinary UDP socket needs no privilege
    }

    @Override
    public List<ProbeOption<?>> options() {
        return DnsOptions.ALL;
    }

    @Override
    public List<OutcomeType> outcomeTypes() {
        return List.of(DnsOutcomes.NOERROR, DnsOutcomes.NXDOMAIN, DnsOutcomes.SERVFAIL, DnsOutcomes.DNS_REFUSED,
                DnsOutcomes.DNS_ERROR);
    }

    @Override
    public Prober create(ProberContext context) {
        return new DnsProber(context);
    }
}
