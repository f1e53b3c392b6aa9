/**
 * Real network topologies for tests: {@link io.pathprobe.testkit.NetLab} builds Linux network namespaces joined by
 * veth pairs, with IPv4 and IPv6 addresses, routes, sysctls and nftables rules, and deletes them afterwards.
 * Needs root, iproute2 and nftables; never needs netem (random loss is nftables {@code numgen}, ICMP rate limits
 * are nftables {@code limit}). See {@link io.pathprobe.testkit.NetLab} for the addressing scheme and the kernel
 * settings of lab nodes, and {@link io.pathprobe.testkit.NetLabExtension} for JUnit 5.
 *
 * <p>The fixtures tests share: {@link io.pathprobe.testkit.TcpListener} (a real listener, in a node or on loopback),
 * {@link io.pathprobe.testkit.ClientLab} (the two-client topology of the ticket and agent labs),
 * {@link io.pathprobe.testkit.Epoll} and {@link io.pathprobe.testkit.Installed} (skip with the reason, fail under
 * CI), {@link io.pathprobe.testkit.ProcessOutput} (a child process's output lines, for the tests that start one).
 * The prober with no network in it, {@code ScriptedProber}, is in probe-core's test fixtures
 * ({@code io.pathprobe.core.fixtures}, the probe-core {@code test-jar}), since probe-core's own tests use it.
 */
package io.pathprobe.testkit;
