/**
 * The text every front end prints about a series of probes, written once: the generic summary of any prober's
 * series, the {@code rtt min/avg/max/mdev} line, the figures summaries read ({@link io.pathprobe.core.text.SummaryFigures})
 * and the millisecond formats they use. The command-line tool and the ticket report both print these, so a summary
 * pasted from either reads the same; a prober's own summary (ping's, the TCP connect one) is in its module, built on
 * these.
 */
package io.pathprobe.core.text;
