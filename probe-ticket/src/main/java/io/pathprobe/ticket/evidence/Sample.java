package io.pathprobe.ticket.evidence;

/**
 * One probe of a series, for the RTT-over-time chart.
 *
 * @param atMs    when the probe ended, in milliseconds from the start of the capture
 * @param seq     the probe's number in its series, from 1
 * @param outcome the outcome label ({@code reply}, {@code connected}, {@code refused}, {@code timed-out}, ...)
 * @param rttMs   the round-trip time, or {@code null} when nothing answered
 */
public record Sample(long atMs, long seq, String outcome, Double rttMs) {
}
