/**
 * MTR-style tracing: {@link io.pathprobe.mtr.Tracer} runs rounds of probes with every TTL in flight together
 * through a {@link io.pathprobe.core.ProbeEngine}, {@link io.pathprobe.mtr.TraceStatistics} keeps mtr's statistics per hop, per
 * responding address and per flow, {@link io.pathprobe.mtr.LossAnalysis} reads the loss, and
 * {@link io.pathprobe.mtr.MtrReport}, {@link io.pathprobe.mtr.MtrJson}, {@link io.pathprobe.mtr.MtrCsv} and
 * {@link io.pathprobe.mtr.MtrRaw} print it as mtr does.
 *
 * <p>Modes ({@link io.pathprobe.mtr.ProbeMode}): ICMP echo (the {@code icmp} prober), UDP to a port (the
 * {@code udp} prober of probe-udp, {@link io.pathprobe.udp.UdpProberProvider}: unprivileged, answers read from
 * the socket error queue and matched by a token in the payload) and TCP connects with a TTL (the {@code tcp}
 * prober). How each mode holds a flow for Paris tracing, and why TCP mode cannot, is in
 * {@link io.pathprobe.mtr.TraceConfig}.
 *
 * <p>RTTs of ICMP and UDP probes end at the kernel's receive time stamp of the answer, so a busy event loop (a
 * JVM's first seconds, many traces at once) does not inflate them; TCP-mode RTTs end when the loop handles the
 * connect's result.
 */
package io.pathprobe.mtr;
