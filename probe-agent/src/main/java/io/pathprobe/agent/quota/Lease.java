package io.pathprobe.agent.quota;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;

/**
 * An admitted capture's share of its token's quotas, held until {@link #close()} (when the capture ends, is
 * cancelled or fails). Closing twice is harmless.
 */
public final class Lease implements Admission, AutoCloseable {
    private final QuotaLedger ledger;
    private final String tokenId;
    final Instant plannedEnd;
    final Map<InetAddress, Double> rates;
    final double total;

    Lease(QuotaLedger ledger, String tokenId, Instant plannedEnd, Map<InetAddress, Double> rates, double total) {
        this.ledger = ledger;
        this.tokenId = tokenId;
        this.plannedEnd = plannedEnd;
        this.rates = rates;
        this.total = total;
    }

    /** The token the capture runs for. */
    public String tokenId() {
        return tokenId;
    }

    /** Returns the capture's share to its token; idempotent. */
    @Override
    public void close() {
        ledger.release(this);
    }
}
