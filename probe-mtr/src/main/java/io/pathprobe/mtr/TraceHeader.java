package io.pathprobe.mtr;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * The header of a trace's outputs: what the trace was asked to do, as mtr shows it (its {@code report.mtr} object
 * and {@code Start:} line). {@link TraceConfig} is the request itself, {@link TraceStatistics} the figures.
 *
 * @param targetHost    the target as the user gave it (mtr's {@code dst})
 * @param targetAddress the target's address
 * @param source        the name shown after {@code HOST:} (mtr shows the local host name)
 * @param mode          ICMP, UDP or TCP
 * @param port          destination port for UDP/TCP, 0 for ICMP
 * @param tos           IP TOS / traffic class, 0 when not set
 * @param packetSize    probe packet size in bytes (mtr's {@code -s}, {@code psize})
 * @param firstTtl      first TTL probed (mtr's {@code -f})
 * @param maxTtl        last TTL probed (mtr's {@code -m})
 * @param count         rounds asked for (mtr's {@code -c}, {@code tests}); 0 = until stopped
 * @param paths         flow identifiers probed per TTL: 1 = Paris mode, N = {@code --paths N}
 * @param start         when the trace started
 */
public record TraceHeader(String targetHost, InetAddress targetAddress, String source, ProbeMode mode, int port, int tos,
                        int packetSize, int firstTtl, int maxTtl, long count, int paths, Instant start) {
    public TraceHeader {
        Objects.requireNonNull(targetHost, "targetHost");
        Objects.requireNonNull(targetAddress, "targetAddress");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(start, "start");
        if (firstTtl < 1 || maxTtl > 255 || firstTtl > maxTtl) {
            throw new IllegalArgumentException("TTL range " + firstTtl + ".." + maxTtl
                    + " is not valid: the first TTL must be at least 1 and at most the max TTL (at most 255)");
        }
        if (paths < 1) {
            throw new IllegalArgumentException("paths must be at least 1, was " + paths);
        }
    }
}
