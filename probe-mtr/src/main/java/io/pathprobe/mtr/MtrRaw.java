package io.pathprobe.mtr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pathprobe.core.ProbeOutcome;
import io.pathprobe.core.AddressText;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;

/**
 * {@code --raw} output: one JSON object per line per probe outcome, e.g.
 * {@code {"round":1,"flow":0,"ttl":2,"time":1714557600123,"type":"ttl-exceeded","host":"10.0.1.1","rtt_ms":0.213}}.
 * {@code host} and {@code rtt_ms} are null when nothing answered; ICMP type/code and the errno cause are added when
 * the outcome has them.
 */
public final class MtrRaw {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MtrRaw() {
    }

    /** One line, without its newline. */
    public static String line(ProbeRecord r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("round", r.round());
        o.put("flow", r.flow());
        o.put("ttl", r.ttl());
        o.put("time", r.sentMillis());
        ProbeOutcome out = r.outcome();
        o.put("type", out.type().label());
        InetAddress who = out.responder();
        if (who == null) {
            o.putNull("host");
        } else {
            o.put("host", AddressText.of(who));
        }
        if (out.rttNanos() >= 0) {
            o.put("rtt_ms", MtrJson.round3(out.rttNanos() / 1e6));
        } else {
            o.putNull("rtt_ms");
        }
        if (out instanceof ProbeOutcome.Unreachable) {
            ProbeOutcome.Unreachable u = (ProbeOutcome.Unreachable) out;
            o.put("icmp_type", u.icmpType());
            o.put("icmp_code", u.icmpCode());
            o.put("detail", u.describe());
        } else if (out instanceof ProbeOutcome.TtlExceeded) {
            o.put("icmp_code", ((ProbeOutcome.TtlExceeded) out).icmpCode());
        } else if (out instanceof ProbeOutcome.LocalError) {
            o.put("detail", ((ProbeOutcome.LocalError) out).message());
        }
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A listener writing one line per probe to {@code out} (synchronised on it). */
    public static TraceListener listener(Appendable out) {
        return new TraceListener() {
            @Override
            public void onProbe(ProbeRecord record) {
                String line = line(record);
                synchronized (out) {
                    try {
                        out.append(line).append('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
    }
}
