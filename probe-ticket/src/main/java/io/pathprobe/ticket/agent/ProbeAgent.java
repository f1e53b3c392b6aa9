package io.pathprobe.ticket.agent;

/**
 * A vantage point that runs capture plans: this host ({@link LocalAgent}), a network namespace on it, or a
 * remote agent reached over the network (module {@code probe-agent}). A ticket capture and the Java API use
 * only this interface, as mtr's front end uses only {@code mtr-packet}'s protocol: ask what it can do
 * ({@link #info()}), start a plan, receive typed events, get the evidence.
 *
 * <p>Implementations are thread-safe; one agent runs many captures at once.
 */
public interface ProbeAgent extends AutoCloseable {
    /** The vantage point's identifier in output, e.g. {@code local}, {@code netns:lab1}, {@code agent:eu-1}. */
    String id();

    /**
     * What the agent is and can do here: its kind, version, clock and probers (with reasons and fixes when one
     * cannot run). For a remote agent this asks it.
     *
     * @throws AgentException when a remote agent cannot be asked (unreachable, refused, not authorised)
     */
    AgentInfo info();

    /**
     * Starts {@code plan}: its events stream to {@code listener} as they happen (on the agent's threads; keep it
     * quick), in {@link CaptureEvent#eventSeq()} order. The capture ends by itself after the plan's duration,
     * or at {@link AgentCapture#cancel()}; either way its evidence completes with what was measured.
     *
     * @throws AgentException when the agent refuses the plan (policy, quota, a bad plan) or cannot be reached
     */
    AgentCapture start(CapturePlan plan, CaptureListener listener);

    /** Releases what the agent holds (connections); running captures are cancelled. */
    @Override
    default void close() {
    }
}
