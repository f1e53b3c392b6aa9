/**
 * The {@code udp} prober ({@link io.pathprobe.udp.UdpProberProvider}, options in {@link io.pathprobe.udp.UdpOptions}):
 * traceroute-style UDP datagrams to a port with a TTL, found by the engine through its service entry. MTR's UDP
 * mode composes it; any other user submits {@code ProbeRequest.builder("udp")}. Its implementation is in
 * {@code io.pathprobe.udp.internal}, which is not API.
 */
package io.pathprobe.udp;
