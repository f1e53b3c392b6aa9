/**
 * Remote vantage points: {@code pathprobe agent}, an HTTP/1.1 server on Netty that runs ticket capture plans for
 * a coordinator, and the coordinator's client for it. An agent is a traffic generator that others can aim, so it
 * listens on loopback unless told otherwise, authenticates every {@code /v1} request, and probes only what its
 * target policy allows.
 */
package io.pathprobe.agent;
