/**
 * What a ticket capture collects, as plain immutable records that serialize to {@code results.json}
 * (schema {@value io.pathprobe.ticket.evidence.TicketResults#SCHEMA}, documented in {@code RESULTS-SCHEMA.md}):
 * the {@link io.pathprobe.ticket.evidence.TicketFacts ticket facts}, and per vantage point the ping, the MTR traces
 * and the TCP connect checks ({@link io.pathprobe.ticket.evidence.VantageEvidence}). Times are milliseconds.
 */
package io.pathprobe.ticket.evidence;
