package io.pathprobe.agent.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static io.pathprobe.agent.policy.TargetPolicyTest.ip;
import static io.pathprobe.agent.policy.TargetPolicyTest.raw6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resolve once, check every address, pin the result: with a scripted resolver, nothing leaves the JVM. */
class PinnedTargetTest {
    private static final TargetPolicy POLICY = TargetPolicy.of("203.0.113.0/24:80,443", "[2001:db8::/32]:443");

    /** Answers each query with the next scripted answer and records the names it was asked. */
    static final class ScriptedResolver implements Resolver {
        final Deque<List<InetAddress>> answers = new ArrayDeque<>();
        final List<String> asked = new ArrayList<>();

        ScriptedResolver answer(String... addresses) {
            List<InetAddress> a = new ArrayList<>();
            for (String s : addresses) {
                a.add(ip(s));
            }
            answers.add(a);
            return this;
        }

        @Override
        public List<InetAddress> resolve(String name) throws UnknownHostException {
            asked.add(name);
            if (answers.isEmpty()) {
                throw new UnknownHostException(name + ": no scripted answer");
            }
            return answers.poll();
        }
    }

    @Test
    void aNameIsResolvedOnceAndTheFirstAnswerIsPinned() throws Exception {
        // The rebinding attack: an allowed address first, loopback on the next query.
        ScriptedResolver dns = new ScriptedResolver().answer("203.0.113.7").answer("127.0.0.1");
        PinnedTarget pinned = POLICY.resolve("LB.example.com", List.of(0, 443), dns);
        assertEquals(List.of("lb.example.com"), dns.asked);
        assertEquals(List.of(ip("203.0.113.7")), pinned.addresses());
        assertEquals("lb.example.com", pinned.host());
        assertFalse(pinned.literal());
        assertEquals(2, pinned.decisions().size());
        assertTrue(pinned.decisions().stream().allMatch(Decision::allowed));
        // Reading the pinned target again never asks the resolver, and never yields the second answer.
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(ip("203.0.113.7")), pinned.addresses());
        }
        assertEquals(1, dns.asked.size());
        // A new request resolves again and meets the new answer: denied, and the first pin is unchanged.
        TargetDeniedException e = assertThrows(TargetDeniedException.class,
                () -> POLICY.resolve("lb.example.com", List.of(443), dns));
        assertEquals(ip("127.0.0.1"), e.decision().address());
        assertEquals(List.of(ip("203.0.113.7")), pinned.addresses());
        assertEquals(2, dns.asked.size());
    }

    @Test
    void oneDeniedAddressDeniesTheWholeRequest() {
        ScriptedResolver dns = new ScriptedResolver().answer("203.0.113.7", "10.0.0.5", "203.0.113.8");
        TargetDeniedException e = assertThrows(TargetDeniedException.class,
                () -> POLICY.resolve("lb.example.com", List.of(443), dns));
        assertEquals("lb.example.com resolved to 203.0.113.7, 10.0.0.5, 203.0.113.8, and the request is denied"
                + " because every resolved address must be allowed: 10.0.0.5:443 is denied: 10.0.0.5 is in"
                + " 10.0.0.0/8 (private, RFC 1918), which only an allow rule inside 10.0.0.0/8 opens, e.g."
                + " 10.0.0.5/32", e.getMessage());
        assertEquals(ip("10.0.0.5"), e.decision().address());
        assertEquals(443, e.decision().port());
        assertEquals(0, e.getStackTrace().length, "a denial is an answer, not a fault");
    }

    @Test
    void everyPortIsCheckedOnEveryAddress() throws Exception {
        ScriptedResolver dns = new ScriptedResolver().answer("203.0.113.7", "2001:db8::7")
                .answer("203.0.113.7", "2001:db8::7");
        // 80 is allowed on the IPv4 rule only, so the IPv6 address denies the request.
        TargetDeniedException e = assertThrows(TargetDeniedException.class,
                () -> POLICY.resolve("lb.example.com", List.of(443, 80), dns));
        assertEquals("[2001:db8::7]:80 is denied: rule [2001:db8::/32]:443 covers 2001:db8::7 but not port 80",
                e.decision().reason());
        PinnedTarget ok = POLICY.resolve("lb.example.com", List.of(443), dns);
        assertEquals(List.of(ip("203.0.113.7"), ip("2001:db8::7")), ok.addresses());
    }

    @Test
    void literalsAreNeverHandedToTheResolver() throws Exception {
        ScriptedResolver dns = new ScriptedResolver();
        PinnedTarget v4 = POLICY.resolve("203.0.113.9", List.of(80), dns);
        assertTrue(v4.literal());
        assertEquals("203.0.113.9", v4.host());
        PinnedTarget v6 = POLICY.resolve("[2001:db8::9]", dns);
        assertEquals(List.of(ip("2001:db8::9")), v6.addresses());
        assertEquals("2001:db8::9", v6.host());
        PinnedTarget mapped = POLICY.resolve("::ffff:203.0.113.9", List.of(443), dns);
        assertInstanceOf(Inet4Address.class, mapped.addresses().get(0));
        assertEquals("203.0.113.9", mapped.host());
        TargetDeniedException e = assertThrows(TargetDeniedException.class,
                () -> POLICY.resolve("::ffff:127.0.0.1", List.of(443), dns));
        assertEquals("127.0.0.1:443 is denied: 127.0.0.1 is in 127.0.0.0/8 (loopback), which only an allow rule"
                + " inside 127.0.0.0/8 opens, e.g. 127.0.0.1/32", e.getMessage());
        assertTrue(dns.asked.isEmpty(), dns.asked.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x7f.1", "2130706433", "0177.0.0.1", "127.1", "127.0.0.1.", " lb.example.com",
            "fe80::1%eth0", "lb.example.com:443", "%6c%62"})
    void refusedSpellingsNeverReachTheResolver(String host) {
        ScriptedResolver dns = new ScriptedResolver().answer("203.0.113.7");
        assertThrows(IllegalArgumentException.class, () -> POLICY.resolve(host, List.of(443), dns));
        assertTrue(dns.asked.isEmpty(), dns.asked.toString());
    }

    @Test
    void resolvedAddressesAreCanonicalisedAndDeduplicated() throws Exception {
        // A resolver (or a hand-built answer) may give IPv4-mapped IPv6 addresses: they are the IPv4 ones.
        Resolver dns = name -> List.of(raw6("::ffff:203.0.113.7"), ip("203.0.113.7"), ip("2001:db8::7"));
        PinnedTarget p = POLICY.resolve("lb.example.com", List.of(443), dns);
        assertEquals(List.of(ip("203.0.113.7"), ip("2001:db8::7")), p.addresses());
        assertInstanceOf(Inet4Address.class, p.addresses().get(0));
        Resolver mappedLoopback = name -> List.of(raw6("::ffff:127.0.0.1"));
        TargetDeniedException e = assertThrows(TargetDeniedException.class,
                () -> POLICY.resolve("lb.example.com", List.of(443), mappedLoopback));
        assertTrue(e.getMessage().startsWith("lb.example.com resolved to 127.0.0.1, and the request is denied"),
                e.getMessage());
    }

    @Test
    void aNameWithoutAddressesIsUnknown() {
        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> POLICY.resolve("gone.example.com", name -> List.of()));
        assertEquals("gone.example.com has no addresses", e.getMessage());
        assertThrows(UnknownHostException.class, () -> POLICY.resolve("gone.example.com", new ScriptedResolver()));
    }

    @Test
    void withoutPortsTheAddressIsCheckedForPortlessProbes() throws Exception {
        PinnedTarget p = POLICY.resolve("203.0.113.7", name -> List.of());
        assertEquals(1, p.decisions().size());
        assertEquals(0, p.decisions().get(0).port());
        assertThrows(TargetDeniedException.class, () -> POLICY.resolve("198.51.100.7", name -> List.of()));
    }
}
