/**
 * The agent's Prometheus face: {@code GET /probe?module=&target=} with blackbox_exporter's contract (one probe per
 * scrape, multi-packet modules with loss and jitter), {@code GET /metrics} with continuous probes in
 * smokeping_prober's model plus the agent's health, and the YAML configuration file both read
 * ({@link io.pathprobe.agent.prometheus.ConfigFile}). Exposition is Micrometer's Prometheus registry.
 */
package io.pathprobe.agent.prometheus;
