package io.pathprobe.icmp.internal;

/**
 * One received ICMP/ICMPv6 message as {@link IcmpCodec} parsed it: a mutable view of offsets into the receive
 * buffer, reused for every packet so the receive path allocates nothing. Valid until the next parse.
 */
public final class IcmpMessage {
    /** What the message is, as far as echo probes care. */
    public enum Kind {
        /** An echo reply: {@link #id}, {@link #seq} and the payload are the reply's own. */
        ECHO_REPLY,
        /** Destination Unreachable (or ICMPv6 Packet Too Big) quoting one of our echo requests. */
        UNREACHABLE,
        /** Time Exceeded quoting one of our echo requests. */
        TIME_EXCEEDED
    }

    Kind kind;
    int type;
    int code;
    /** Echo identifier and sequence: the reply's own, or those of the quoted echo request. */
    int id;
    int seq;
    /** Size of the ICMP message (header and payload), as ping reports it. */
    int icmpLength;
    /** Echo payload: the reply's, or the part of the request that the error quoted (may be cut short). */
    int payloadOffset;
    int payloadLength;
    /** TTL from the IPv4 header when the socket delivers it, else -1. */
    int ttl;
    /** IPv4 source address from the IP header when the socket delivers it (raw IPv4). */
    int sourceV4;
    boolean hasIpHeader;
    /** Next-hop MTU of a fragmentation-needed / packet-too-big error, else 0. */
    int mtu;
    /** Offset of the quoted packet's destination address (4 or 16 bytes) in the buffer, or -1. */
    int quotedDestinationOffset;
    /** The checksum field of the quoted echo request (errors and error-queue entries), else 0. */
    int quotedChecksum;

    void reset() {
        kind = null;
        type = code = id = seq = quotedChecksum = icmpLength = payloadOffset = payloadLength = mtu = sourceV4 = 0;
        ttl = -1;
        hasIpHeader = false;
        quotedDestinationOffset = -1;
    }

    public Kind kind() {
        return kind;
    }

    public int type() {
        return type;
    }

    public int code() {
        return code;
    }

    public int id() {
        return id;
    }

    public int seq() {
        return seq;
    }

    public int icmpLength() {
        return icmpLength;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int ttl() {
        return ttl;
    }

    public int sourceV4() {
        return sourceV4;
    }

    public boolean hasIpHeader() {
        return hasIpHeader;
    }

    public int mtu() {
        return mtu;
    }

    public int quotedChecksum() {
        return quotedChecksum;
    }

    public int quotedDestinationOffset() {
        return quotedDestinationOffset;
    }

    @Override
    public String toString() {
        return kind + " type " + type + " code " + code + " id " + id + " seq " + seq + " len " + icmpLength
                + " ttl " + ttl + (mtu > 0 ? " mtu " + mtu : "");
    }
}
