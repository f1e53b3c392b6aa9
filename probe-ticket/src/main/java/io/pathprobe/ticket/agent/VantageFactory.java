package io.pathprobe.ticket.agent;

import java.util.List;

/**
 * Makes {@link ProbeAgent}s from {@code --vantage} values of one family of forms. Found with
 * {@link java.util.ServiceLoader}: a module that adds a kind of vantage point (e.g. remote agents) lists its
 * factory in {@code META-INF/services/io.pathprobe.ticket.agent.VantageFactory}.
 */
public interface VantageFactory {
    /** The forms it accepts, for messages, e.g. {@code agent:https://HOST:PORT}. */
    List<String> forms();

    /** Whether {@code spec} is one of its forms (it may still be malformed). */
    boolean accepts(String spec);

    /**
     * The agent {@code spec} names.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code spec}
     */
    ProbeAgent create(String spec, AgentCredentials credentials);

    /**
     * Every agent {@code spec} names: one for most forms; a selector form (e.g. {@code nats:region=eu}) names
     * every agent that matches it.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code spec}
     */
    default List<ProbeAgent> createAll(String spec, AgentCredentials credentials) {
        return List.of(create(spec, credentials));
    }
}
