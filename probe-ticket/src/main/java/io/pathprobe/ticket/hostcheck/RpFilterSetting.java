package io.pathprobe.ticket.hostcheck;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The reverse-path filter of one interface: 0 off, 1 strict, 2 loose.
 *
 * @param name      {@code all}, {@code default} or an interface name
 * @param value     the value set for it in {@code /proc/sys/net/ipv4/conf/NAME/rp_filter}
 * @param effective what the kernel applies to packets arriving on it: max(all, value); for {@code all} and
 *                  {@code default}, the value itself
 */
public record RpFilterSetting(String name, int value, int effective) {
    /** Whether this entry is one of the pseudo-interfaces {@code all} and {@code default}. */
    @JsonIgnore
    public boolean isPseudo() {
        return name.equals("all") || name.equals("default");
    }

    /** A word for the value: off, strict, loose. */
    public static String mode(int v) {
        return v == 0 ? "off" : v == 1 ? "strict" : v == 2 ? "loose" : "unknown(" + v + ")";
    }
}
