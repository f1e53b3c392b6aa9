package io.pathprobe.core.spi;

import io.pathprobe.core.Availability;
import io.pathprobe.core.OutcomeType;
import io.pathprobe.core.ProbeOption;

import java.util.List;

/**
 * Service-provider interface: one implementation per probe kind, listed in
 * {@code META-INF/services/io.pathprobe.core.spi.ProberProvider} and found with {@link java.util.ServiceLoader}.
 */
public interface ProberProvider {
    /** The kind name requests use, e.g. {@code "tcp"}. Lower case, unique. */
    String kind();

    /** One line saying what this prober does, for listings. */
    String description();

    /**
     * Whether this prober can run on this host with these privileges, and if not, why and what fixes it.
     * Must not throw; cheap enough to call at start-up.
     */
    Availability availability();

    /**
     * The kind-specific options its requests take, so that a generic front end (the CLI's {@code probe}
     * command) can set them by name ({@link ProbeOption#parse}). Default: none.
     */
    default List<ProbeOption<?>> options() {
        return List.of();
    }

    /**
     * The outcome kinds of this prober's own ({@link OutcomeType#of}), so that a reader of events finds a label and
     * its decoder by the provider alone, before the prober ran here ({@link OutcomeType#find}). Must be cheap and
     * must not call {@link OutcomeType#find}. Default: none (the prober has only core's generic outcomes).
     */
    default List<OutcomeType> outcomeTypes() {
        return List.of();
    }

    /** Creates the prober for one engine. Called once per engine, lazily, only when available. */
    Prober create(ProberContext context);
}
