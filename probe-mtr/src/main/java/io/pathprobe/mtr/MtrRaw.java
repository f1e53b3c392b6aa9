package io.pathprobe.mtr;

import io.pathprobe.core.AddressText;
import io.pathprobe.core.ProbeOutcome;

import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * mtr's {@code --raw} format (its FORMATS file), one line per event, {@code POS} being the hop's position from 0
 * (TTL − 1):
 * <pre>
 * x POS SEQ          a probe went out
 * h POS ADDRESS      a hop answered from an address it had not used last time (new in its list, or changed)
 * d POS NAME         the hop's name, once, when names are shown and known
 * p POS USEC SEQ     the answer to probe SEQ, its RTT in microseconds
 * </pre>
 * As in mtr, sequence numbers run from 33000 to 65535 and start again; a lost probe has its {@code x} line and
 * no {@code p}. Unlike mtr, the {@code x} line is written when the probe ends (right before its answer), since the
 * trace tells its listeners about a probe once it has ended; counting {@code x} and {@code p} lines per position
 * gives mtr's Snt and Rcv.
 */
public final class MtrRaw {
    /** mtr's first sequence number, and the first it wraps back to. */
    static final int FIRST_SEQUENCE = 33000;
    private static final int SEQUENCES_END = 65536;

    private MtrRaw() {
    }

    /**
     * A listener writing the raw lines of every probe to {@code out} (synchronised on it).
     *
     * @param names how hop names are found, or null for none (mtr's {@code -n}): a {@code d} line is written the
     *              first time the name of a position's address differs from the address
     */
    public static TraceListener listener(Appendable out, Function<InetAddress, String> names) {
        return new Writer(out, names);
    }

    private static final class Writer implements TraceListener {
        private final Appendable out;
        private final Function<InetAddress, String> names;
        private final Map<Integer, Set<InetAddress>> seen = new HashMap<>();
        private final Map<Integer, InetAddress> current = new HashMap<>();
        private final Set<Integer> named = new HashSet<>();
        private int next = FIRST_SEQUENCE;

        Writer(Appendable out, Function<InetAddress, String> names) {
            this.out = out;
            this.names = names;
        }

        @Override
        public void onProbe(ProbeRecord record) {
            StringBuilder lines = new StringBuilder(64);
            synchronized (this) {
                int pos = record.ttl() - 1;
                int seq = next;
                next = next + 1 >= SEQUENCES_END ? FIRST_SEQUENCE : next + 1;
                lines.append("x ").append(pos).append(' ').append(seq).append('\n');
                ProbeOutcome o = record.outcome();
                InetAddress who = o.responder();
                if (who != null && o.rttNanos() >= 0) {
                    if (!who.equals(current.get(pos))) {
                        if (seen.computeIfAbsent(pos, k -> new HashSet<>()).add(who)) {
                            host(lines, pos, who);
                        }
                        current.put(pos, who);
                        host(lines, pos, who); // mtr tells the hop's new current address too
                    }
                    if (names != null && !named.contains(pos)) {
                        String name = names.apply(who);
                        if (name != null && !name.equals(AddressText.of(who))) {
                            named.add(pos);
                            lines.append("d ").append(pos).append(' ').append(name).append('\n');
                        }
                    }
                    lines.append("p ").append(pos).append(' ').append(o.rttNanos() / 1000).append(' ').append(seq)
                            .append('\n');
                }
                synchronized (out) { // under this lock too: lines in the order of their sequence numbers
                    try {
                        out.append(lines);
                        if (out instanceof Flushable) {
                            ((Flushable) out).flush(); // as mtr: raw output is read as it comes
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }

        private static void host(StringBuilder lines, int pos, InetAddress who) {
            lines.append("h ").append(pos).append(' ').append(AddressText.of(who)).append('\n');
        }
    }
}
