package io.pathprobe.testkit;

/** Routes that reject instead of forwarding (see {@link Node#replaceRoute(String, RouteType)}). */
public enum RouteType {
    /** Drop and answer ICMP host unreachable (ICMPv6: no route). ping prints "Destination Host Unreachable". */
    UNREACHABLE("unreachable"),
    /** Drop and answer ICMP communication administratively prohibited (ping: "Packet filtered"). */
    PROHIBIT("prohibit"),
    /** Drop silently, like a lost packet. */
    BLACKHOLE("blackhole");

    private final String keyword;

    RouteType(String keyword) {
        this.keyword = keyword;
    }

    /** The iproute2 keyword. */
    String keyword() {
        return keyword;
    }
}
