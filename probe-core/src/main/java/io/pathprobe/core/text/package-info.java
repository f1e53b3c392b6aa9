/**
 * The text every front end prints about a series of probes, written once: ping's summary, the TCP connect summary,
 * the {@code rtt min/avg/max/mdev} line and the millisecond formats they use. The command-line tool and the ticket
 * report both print these, so a summary pasted from either reads the same.
 */
package io.pathprobe.core.text;
