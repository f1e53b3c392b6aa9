/**
 * The {@code dns} prober: one DNS query over UDP per probe to a resolver ({@link io.pathprobe.dns.DnsProberProvider}),
 * its options ({@link io.pathprobe.dns.DnsOptions}) and its outcome kinds and attributes
 * ({@link io.pathprobe.dns.DnsOutcomes}), in core's open outcome model. Found with {@code ServiceLoader}; nothing
 * outside this module names it.
 */
package io.pathprobe.dns;
