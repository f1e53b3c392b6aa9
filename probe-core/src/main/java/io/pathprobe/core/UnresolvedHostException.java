package io.pathprobe.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * A host {@link NameResolver} could not turn into an address of the family asked for, and why ({@link #kind()}).
 * The message is one line in API terms; a command line says the same in its flags' terms from {@link #kind()},
 * {@link #reason()} and {@link #found()}.
 */
public final class UnresolvedHostException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    /** Why the host gave no address. */
    public enum Kind {
        /** Not a host anyone could look up (empty, too long, a control character): nothing was asked. */
        INVALID,
        /** The resolver knows no such name ({@link #reason()}: the system's words, e.g. "Name or service not known"). */
        NOT_FOUND,
        /** It resolves, but only to addresses of the other family ({@link #found()}). */
        NO_ADDRESS_IN_FAMILY,
        /** The lookup did not end within the resolver's time limit. */
        TIMED_OUT,
        /** The thread waiting for the lookup was interrupted (its interrupt flag is set again). */
        INTERRUPTED
    }

    private final Kind kind;
    private final String host;
    private final NameResolver.Family family;
    private final String reason;
    private final transient List<InetAddress> found;

    UnresolvedHostException(Kind kind, String host, NameResolver.Family family, String reason,
                            List<InetAddress> found, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.host = host;
        this.family = family;
        this.reason = reason;
        this.found = List.copyOf(found);
    }

    public Kind kind() {
        return kind;
    }

    /** The host as given. */
    public String host() {
        return host;
    }

    /** The family asked for. */
    public NameResolver.Family family() {
        return family;
    }

    /** Why, in a few words without the host (e.g. "Name or service not known", "no answer within 10 s"). */
    public String reason() {
        return reason;
    }

    /** For {@link Kind#NO_ADDRESS_IN_FAMILY}: the addresses the host does have; else empty. */
    public List<InetAddress> found() {
        return found == null ? List.of() : found;
    }
}
