package io.pathprobe.agent.policy;

import io.pathprobe.core.AddressText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allow rules, CIDR matching, special ranges and canonicalisation; pure, nothing is sent anywhere. */
class TargetPolicyTest {

    /** An address literal through the strict parser (no resolver involved). */
    static InetAddress ip(String literal) {
        return ((HostSyntax.Literal) HostSyntax.parse(literal)).address();
    }

    /** Sixteen bytes as an Inet6Address, even when they are IPv4-mapped (as a resolver or a socket could give). */
    static InetAddress raw6(String literal) throws UnknownHostException {
        return Inet6Address.getByAddress(null, AddressText.ipv6Bytes(literal), (NetworkInterface) null);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.0/8:443,80|10.0.0.0/8:80,443",
            "10.0.0.0/8:80,81,82-90,85|10.0.0.0/8:80-90",
            "10.0.0.0/8:1-65535|10.0.0.0/8",
            "10.1.2.3|10.1.2.3/32",
            "'  10.0.0.0/8	'|10.0.0.0/8",
            "0.0.0.0/0|0.0.0.0/0",
            "2001:DB8:0:0::/32|2001:db8::/32",
            "[2001:db8::/32]:443,8000-8100|[2001:db8::/32]:443,8000-8100",
            "[2001:db8::/32]|2001:db8::/32",
            "::1|::1/128",
            "[::1]:9917|[::1/128]:9917",
            "::/0|::/0",
            "::ffff:0:0:0/96|::ffff:0:0:0/96",
    })
    void rulesAreParsedToCanonicalText(String rule, String canonical) {
        assertEquals(List.of(canonical), TargetPolicy.of(rule).rules());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|an allow rule is empty",
            "10.0.0.1/8|has host bits set: use 10.0.0.0/8 for the network, or 10.0.0.1/32 for the one address",
            "2001:db8::1/32|use 2001:db8::/32 for the network, or 2001:db8::1/128",
            "10.0.0.0/33|prefix length '33' is not a number from 0 to 32",
            "2001:db8::/129|prefix length '129' is not a number from 0 to 128",
            "10.0.0.0/08|prefix length '08'",
            "10.0.0.0/|prefix length ''",
            "010.0.0.0/8|'010.0.0.0' is not a canonical IPv4 address",
            "10.1/16|'10.1' is not a canonical IPv4 address",
            "example.com|is not a canonical IPv4 address",
            "10.0.0.0/8:|the port list after ':' is empty",
            "10.0.0.0/8:0|'0' is not a port or a port range",
            "10.0.0.0/8:65536|'65536' is not a port",
            "10.0.0.0/8:+80|'+80' is not a port",
            "10.0.0.0/8:80-|'80-' is not a port",
            "10.0.0.0/8:080|'080' is not a port",
            "10.0.0.0/8:90-80|port range '90-80' runs backwards: write it low-high, e.g. 80-90",
            "10.0.0.0/8:80,,443|'' is not a port",
            "10.0.0.0/8:80:443|has more than one ':'",
            "10.0.0.0/8 :443|contains whitespace",
            "2001:db8::/32:443|an IPv6 rule with ports goes in brackets, e.g. [2001:db8::/32]:443",
            "[10.0.0.0/8]:443|brackets are for IPv6 prefixes",
            "[2001:db8::/32|has no closing ']'",
            "[2001:db8::/32]443|expected ':PORTS' after ']'",
            "2001:db8::[/32]|brackets go around the whole IPv6 prefix",
            "::ffff:10.0.0.0/104|inside the IPv4-mapped range ::ffff:0:0/96",
            "fe80::1%eth0/128|is not an IPv6 address",
    })
    void malformedRulesAreRefusedWithTheRuleNamed(String rule, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetPolicy.of(rule));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        if (!rule.isEmpty()) {
            assertTrue(e.getMessage().contains("allow rule '" + rule.strip() + "'"), e.getMessage());
        }
    }

    @Test
    void slashZeroCoversItsFamilyOnly() {
        TargetPolicy v4 = TargetPolicy.of("0.0.0.0/0");
        assertTrue(v4.decide(ip("8.8.8.8"), 53).allowed());
        assertTrue(v4.decide(ip("223.255.255.255"), 1).allowed());
        assertFalse(v4.decide(ip("2606:4700::1111"), 443).allowed());
        TargetPolicy v6 = TargetPolicy.of("::/0");
        assertTrue(v6.decide(ip("2606:4700::1111"), 443).allowed());
        assertFalse(v6.decide(ip("8.8.8.8"), 53).allowed());
    }

    @Test
    void hostPrefixesMatchExactlyOneAddress() {
        TargetPolicy p = TargetPolicy.of("93.184.215.14/32", "2606:2800:21f:cb07:6820:80da:af6b:8b2c/128");
        assertTrue(p.decide(ip("93.184.215.14"), 80).allowed());
        assertFalse(p.decide(ip("93.184.215.13"), 80).allowed());
        assertFalse(p.decide(ip("93.184.215.15"), 80).allowed());
        assertTrue(p.decide(ip("2606:2800:21f:cb07:6820:80da:af6b:8b2c"), 80).allowed());
        assertFalse(p.decide(ip("2606:2800:21f:cb07:6820:80da:af6b:8b2d"), 80).allowed());
        assertFalse(p.decide(ip("2606:2800:21f:cb07:6820:80da:af6b:8b2b"), 80).allowed());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "93.184.208.0/20|93.184.208.0|true",
            "93.184.208.0/20|93.184.223.255|true",
            "93.184.208.0/20|93.184.207.255|false",
            "93.184.208.0/20|93.184.224.0|false",
            "8.8.8.8/31|8.8.8.9|true",
            "8.8.8.8/31|8.8.8.10|false",
            "128.0.0.0/1|200.0.0.1|true",
            "128.0.0.0/1|127.255.255.255|false",
            "2606:4700::/29|2606:4707:ffff:ffff:ffff:ffff:ffff:ffff|true",
            "2606:4700::/29|2606:4708::|false",
            "2606:4700::/29|2606:46ff:ffff:ffff:ffff:ffff:ffff:ffff|false",
            "2606:4700::1:0/127|2606:4700::1:1|true",
            "2606:4700::1:0/127|2606:4700::1:2|false",
    })
    void prefixesMatchAtBitBoundaries(String rule, String address, boolean allowed) {
        assertEquals(allowed, TargetPolicy.of(rule).decide(ip(address), 443).allowed());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|127.0.0.0/8 (loopback)",
            "127.255.255.254|127.0.0.0/8 (loopback)",
            "::1|::1/128 (loopback)",
            "169.254.1.1|169.254.0.0/16 (link-local",
            "169.254.169.254|169.254.169.254/32 (cloud metadata",
            "fe80::1|fe80::/10 (link-local)",
            "febf:ffff::1|fe80::/10 (link-local)",
            "224.0.0.1|224.0.0.0/4 (multicast)",
            "239.255.255.250|224.0.0.0/4 (multicast)",
            "ff02::1|ff00::/8 (multicast)",
            "255.255.255.255|255.255.255.255/32 (limited broadcast)",
            "255.255.255.254|240.0.0.0/4 (reserved",
            "0.0.0.0|0.0.0.0/8 (",
            "0.1.2.3|0.0.0.0/8 (",
            "::|::/128 (unspecified)",
            "10.0.0.5|10.0.0.0/8 (private, RFC 1918)",
            "172.16.0.1|172.16.0.0/12 (private, RFC 1918)",
            "172.31.255.255|172.16.0.0/12 (private, RFC 1918)",
            "192.168.1.1|192.168.0.0/16 (private, RFC 1918)",
            "100.64.0.1|100.64.0.0/10 (carrier-grade NAT",
            "100.127.255.255|100.64.0.0/10 (carrier-grade NAT",
            "100.100.100.200|100.100.100.200/32 (cloud metadata",
            "168.63.129.16|168.63.129.16/32 (cloud platform endpoint",
            "fd00::1|fc00::/7 (private",
            "fc00::1|fc00::/7 (private",
            "fd00:ec2::254|fd00:ec2::254/128 (cloud metadata",
            "192.0.2.10|192.0.2.0/24 (documentation",
            "198.51.100.7|198.51.100.0/24 (documentation",
            "203.0.113.7|203.0.113.0/24 (documentation",
            "2001:db8::10|2001:db8::/32 (documentation",
            "3fff::1|3fff::/20 (documentation",
            "198.18.0.1|198.18.0.0/15 (benchmarking",
            "198.19.255.255|198.18.0.0/15 (benchmarking",
            "192.88.99.1|192.88.99.0/24 (6to4 relay",
            "192.0.0.170|192.0.0.0/24 (IETF protocol assignments",
            "2001::1|2001::/23 (IETF protocol assignments",
            "2001:1ff::1|2001::/23 (IETF protocol assignments",
            "100::1|100::/64 (discard-only",
            "64:ff9b:1::a00:1|64:ff9b:1::/48 (local-use NAT64",
            "0:0:0:1::1|::/8 (reserved",
            "1000::1|::/3 (unassigned",
            "4000::1|4000::/2 (unassigned",
            "5f00::1|5f00::/16 (SRv6",
            "8000::1|8000::/1 (unassigned",
            "fec0::1|fec0::/10 (site-local",
    })
    void specialRangesAreDeniedUnderSlashZeroAndOpenedByAnExplicitRule(String address, String range) {
        InetAddress a = ip(address);
        Decision d = TargetPolicy.of("0.0.0.0/0", "::/0").decide(a, 443);
        assertFalse(d.allowed(), d.reason());
        assertTrue(d.range().orElseThrow().startsWith(range), d.range().orElseThrow());
        assertTrue(d.reason().contains("broader"), d.reason());
        assertTrue(d.rule().isPresent(), "the /0 rule that did not open it is named");

        String cidr = range.substring(0, range.indexOf(' '));
        Decision explicit = TargetPolicy.of(cidr).decide(a, 443);
        assertTrue(explicit.allowed(), explicit.reason());
        assertEquals(cidr, explicit.rule().orElseThrow());
        String host = Literals.text(a) + "/" + (a.getAddress().length * 8);
        assertTrue(TargetPolicy.of(host).decide(a, 443).allowed(), "the address alone opens it too");
    }

    @Test
    void ordinaryAddressesAreAllowedBySlashZero() {
        TargetPolicy p = TargetPolicy.of("0.0.0.0/0", "::/0");
        for (String a : List.of("1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
                "169.253.255.255", "223.255.255.255", "198.17.255.255", "198.20.0.0", "2606:4700::1111",
                "2a00:1450:4001::200e", "2002:808:808::1", "64:ff9b::808:808", "2001:200::1", "3fff:1000::1")) {
            Decision d = p.decide(ip(a), 443);
            assertTrue(d.allowed(), d.reason());
        }
    }

    @Test
    void aRuleBroaderThanTheSpecialRangeDoesNotOpenIt() {
        Decision d = TargetPolicy.of("10.0.0.0/7").decide(ip("10.0.0.5"), 443);
        assertFalse(d.allowed());
        assertEquals("10.0.0.5:443 is denied: 10.0.0.5 is in 10.0.0.0/8 (private, RFC 1918), which only an allow"
                + " rule inside 10.0.0.0/8 opens (rule 10.0.0.0/7 covers it but is broader, so it does not)", d.reason());
        assertTrue(TargetPolicy.of("10.0.0.0/7").decide(ip("11.0.0.5"), 443).allowed());
        // The metadata address is its own range: the link-local /16 does not open it, a /32 does.
        assertFalse(TargetPolicy.of("169.254.0.0/16").decide(ip("169.254.169.254"), 80).allowed());
        assertTrue(TargetPolicy.of("169.254.0.0/16").decide(ip("169.254.169.253"), 80).allowed());
        assertTrue(TargetPolicy.of("169.254.169.254/32").decide(ip("169.254.169.254"), 80).allowed());
        // Broadcast sits inside 240/4 but is its own range.
        assertFalse(TargetPolicy.of("240.0.0.0/4").decide(ip("255.255.255.255"), 0).allowed());
        assertFalse(TargetPolicy.of("fc00::/7").decide(ip("fd00:ec2::254"), 80).allowed());
    }

    @Test
    void aSpecialAddressWithoutAnyRuleSaysHowToOpenIt() {
        Decision d = TargetPolicy.of("8.8.8.0/24").decide(ip("127.0.0.1"), 9917);
        assertEquals("127.0.0.1:9917 is denied: 127.0.0.1 is in 127.0.0.0/8 (loopback), which only an allow rule"
                + " inside 127.0.0.0/8 opens, e.g. 127.0.0.1/32", d.reason());
        assertTrue(d.rule().isEmpty());
        assertEquals("127.0.0.0/8 (loopback)", d.range().orElseThrow());
        Decision v6 = TargetPolicy.of().decide(ip("::1"), 9917);
        assertTrue(v6.reason().startsWith("[::1]:9917 is denied: ::1 is in ::1/128 (loopback)"), v6.reason());
    }

    @Test
    void defaultDenyNamesTheAddressAndPort() {
        assertEquals("8.8.8.8:53 is denied: the agent has no allow rules (default deny)",
                TargetPolicy.of().decide(ip("8.8.8.8"), 53).reason());
        Decision d = TargetPolicy.of("1.1.1.0/24").decide(ip("8.8.8.8"), 0);
        assertEquals("8.8.8.8 is denied: no allow rule covers 8.8.8.8 (default deny)", d.reason());
        assertTrue(d.rule().isEmpty() && d.range().isEmpty());
    }

    @Test
    void portListsAllowOnlyTheirPortsAndPortlessProbesFollowTheAddress() {
        TargetPolicy p = TargetPolicy.of("10.0.0.0/8:80,443,8000-8100", "[2001:db8::/32]:443");
        assertTrue(p.decide(ip("10.1.2.3"), 80).allowed());
        assertTrue(p.decide(ip("10.1.2.3"), 443).allowed());
        assertTrue(p.decide(ip("10.1.2.3"), 8000).allowed());
        assertTrue(p.decide(ip("10.1.2.3"), 8100).allowed());
        assertFalse(p.decide(ip("10.1.2.3"), 7999).allowed());
        assertFalse(p.decide(ip("10.1.2.3"), 8101).allowed());
        Decision ssh = p.decide(ip("10.1.2.3"), 22);
        assertEquals("10.1.2.3:22 is denied: rule 10.0.0.0/8:80,443,8000-8100 covers 10.1.2.3 but not port 22",
                ssh.reason());
        assertEquals("10.0.0.0/8:80,443,8000-8100", ssh.rule().orElseThrow());
        Decision ping = p.decide(ip("10.1.2.3"), 0);
        assertTrue(ping.allowed(), ping.reason());
        assertEquals("10.1.2.3 is allowed by rule 10.0.0.0/8:80,443,8000-8100", ping.reason());
        assertEquals("[2001:db8::5]:443 is allowed by rule [2001:db8::/32]:443",
                p.decide(ip("2001:db8::5"), 443).reason());
        assertEquals("[2001:db8::5]:80 is denied: rule [2001:db8::/32]:443 covers 2001:db8::5 but not port 80",
                p.decide(ip("2001:db8::5"), 80).reason());
    }

    @Test
    void theFirstRuleThatAllowsIsReported() {
        TargetPolicy p = TargetPolicy.of("10.0.0.0/8:22", "10.1.0.0/16", "10.0.0.0/8");
        assertEquals("10.1.0.0/16", p.decide(ip("10.1.2.3"), 443).rule().orElseThrow());
        assertEquals("10.0.0.0/8:22", p.decide(ip("10.1.2.3"), 22).rule().orElseThrow());
        assertEquals("10.0.0.0/8", p.decide(ip("10.2.2.3"), 443).rule().orElseThrow());
    }

    @Test
    void portsOutsideTheRangeAreAnError() {
        TargetPolicy p = TargetPolicy.of("0.0.0.0/0");
        assertThrows(IllegalArgumentException.class, () -> p.decide(ip("8.8.8.8"), -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.decide(ip("8.8.8.8"), 65536));
        assertEquals("port 65536 is out of range: use 1 to 65535, or 0 for a probe without a port", e.getMessage());
        assertTrue(p.decide(ip("8.8.8.8"), 65535).allowed());
    }

    @Test
    void ipv4MappedAddressesAreJudgedAsIpv4() throws Exception {
        InetAddress mapped = raw6("::ffff:127.0.0.1");
        assertInstanceOf(Inet6Address.class, mapped, "the test needs a real IPv6-typed mapped address");
        Decision open = TargetPolicy.of("0.0.0.0/0", "::/0").decide(mapped, 80);
        assertFalse(open.allowed());
        assertInstanceOf(Inet4Address.class, open.address());
        assertEquals("127.0.0.1:80 is denied: 127.0.0.1 is in 127.0.0.0/8 (loopback), which only an allow rule"
                + " inside 127.0.0.0/8 opens (rule 0.0.0.0/0 covers it but is broader, so it does not)", open.reason());
        // An IPv4 rule opens it without any IPv6 rule; an IPv6 /0 does not reach it at all.
        assertTrue(TargetPolicy.of("127.0.0.0/8").decide(mapped, 80).allowed());
        assertFalse(TargetPolicy.of("::/0").decide(raw6("::ffff:8.8.8.8"), 53).allowed());
        assertTrue(TargetPolicy.of("8.8.8.8").decide(raw6("::ffff:808:808"), 53).allowed());
        // The literal spelling is canonicalised the same way.
        assertInstanceOf(Inet4Address.class, ip("::ffff:10.0.0.5"));
        assertInstanceOf(Inet4Address.class, ip("[0:0:0:0:0:FFFF:0A00:0005]"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // address | its IPv4 | how
            "64:ff9b::7f00:1|127.0.0.1|NAT64",
            "64:ff9b::10.0.0.5|10.0.0.5|NAT64",
            "64:ff9b::169.254.169.254|169.254.169.254|NAT64",
            "2002:7f00:1::1|127.0.0.1|6to4",
            "2002:a9fe:a9fe::|169.254.169.254|6to4",
            "2002:c0a8:101:5::9|192.168.1.1|6to4",
    })
    void embeddedIpv4AddressesAreCheckedToo(String address, String ipv4, String how) {
        TargetPolicy open = TargetPolicy.of("0.0.0.0/0", "::/0");
        Decision d = open.decide(ip(address), 443);
        assertFalse(d.allowed(), d.reason());
        assertTrue(d.reason().contains("it embeds the IPv4 address " + ipv4 + " (" + how), d.reason());
        assertTrue(d.reason().contains("which is checked as well: " + ipv4 + ":443 is denied: " + ipv4 + " is in"),
                d.reason());
        assertTrue(d.range().isPresent());
        // The IPv6 form alone is ordinary space: the denial comes from the embedded address only.
        assertTrue(open.decide(ip(address), 443).reason().startsWith("[" + Literals.text(ip(address)) + "]:443"));
    }

    @Test
    void embeddedAddressesNeedBothFamiliesAllowed() {
        InetAddress nat64 = ip("64:ff9b::8.8.8.8");
        assertFalse(TargetPolicy.of("::/0").decide(nat64, 53).allowed(), "the IPv4 side is default deny");
        assertFalse(TargetPolicy.of("0.0.0.0/0").decide(nat64, 53).allowed(), "the IPv6 side is default deny");
        Decision both = TargetPolicy.of("::/0", "8.8.8.0/24:53").decide(nat64, 53);
        assertTrue(both.allowed(), both.reason());
        assertEquals("[64:ff9b::808:808]:53 is allowed by rule ::/0; its embedded IPv4 address 8.8.8.8 (NAT64"
                + " well-known prefix 64:ff9b::/96, RFC 6052) is allowed by rule 8.8.8.0/24:53", both.reason());
        assertFalse(TargetPolicy.of("::/0", "8.8.8.0/24:53").decide(nat64, 443).allowed(), "the port applies too");
        assertTrue(TargetPolicy.of("::/0", "0.0.0.0/0").decide(ip("2002:808:808::1"), 443).allowed());
    }

    @Test
    void ipv4CompatibleAndTranslatedNeedAnExplicitRuleAndTheirIpv4() {
        // Both lie in ::/8, reserved: an explicit rule there and the IPv4 side must allow.
        assertFalse(TargetPolicy.of("::/0", "0.0.0.0/0").decide(ip("::8.8.8.8"), 53).allowed());
        assertTrue(TargetPolicy.of("::/96", "0.0.0.0/0").decide(ip("::8.8.8.8"), 53).allowed());
        Decision loop = TargetPolicy.of("::/96", "0.0.0.0/0").decide(ip("::127.0.0.1"), 53);
        assertFalse(loop.allowed());
        assertTrue(loop.reason().contains("IPv4-compatible"), loop.reason());
        Decision tr = TargetPolicy.of("::ffff:0:0:0/96", "0.0.0.0/0").decide(ip("::ffff:0:7f00:1"), 53);
        assertFalse(tr.allowed());
        assertTrue(tr.reason().contains("IPv4-translated"), tr.reason());
        assertTrue(TargetPolicy.of("::ffff:0:0:0/96", "0.0.0.0/0").decide(ip("::ffff:0:808:808"), 53).allowed());
        // ::1 and :: are loopback and unspecified, not IPv4-compatible 0.0.0.1 / 0.0.0.0.
        assertTrue(TargetPolicy.of("::1").decide(ip("::1"), 9917).allowed());
        assertTrue(TargetPolicy.of("::/128").decide(ip("::"), 9917).allowed());
    }

    @Test
    void v6AddressesWithAScopeAreJudgedByTheirBytes() throws Exception {
        InetAddress scoped = Inet6Address.getByAddress(null, AddressText.ipv6Bytes("fe80::1"), 1);
        assertFalse(TargetPolicy.of("::/0").decide(scoped, 22).allowed());
        assertTrue(TargetPolicy.of("fe80::/10").decide(scoped, 22).allowed());
    }
}
