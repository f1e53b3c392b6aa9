/** Internal: the prober itself. Not API; may change in any release. */
package io.pathprobe.dns.internal;
