/**
 * Bearer-token authentication for the agent's {@code /v1} API: tokens from a file or the environment (never from
 * the command line), each with an id for logs, compared in constant time.
 */
package io.pathprobe.agent.auth;
