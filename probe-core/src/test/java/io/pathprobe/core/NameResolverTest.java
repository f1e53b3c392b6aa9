package io.pathprobe.core;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one name resolver. Names come from the tests' hosts file (jdk.net.hosts.file, see the pom): loopback
 * addresses only, and nothing is ever asked of DNS. The time limit and the "no lookup" rules are checked with a
 * stand-in for the system's lookup (no network in those).
 */
class NameResolverTest {
    private final NameResolver system = NameResolver.system();

    private static InetAddress ip(String literal) {
        return AddressText.parse(literal);
    }

    @Test
    void aNameResolvesInTheFamilyAskedForInTheSystemsOrder() throws Exception {
        assertEquals(ip("127.0.0.1"), system.resolveNow("localhost", NameResolver.Family.IPV4));
        assertEquals(ip("::1"), system.resolveNow("localhost", NameResolver.Family.IPV6));
        assertEquals(List.of(ip("127.0.0.2"), ip("127.0.0.3")),
                system.resolveAllNow("two.test", NameResolver.Family.ANY));
        InetAddress any = system.resolve("localhost", NameResolver.Family.ANY).get(10, TimeUnit.SECONDS);
        assertEquals(system.resolveAllNow("localhost", NameResolver.Family.ANY).get(0), any, "the first of all");
    }

    @Test
    void aNameOfTheOtherFamilyOnlyIsAClearErrorNamingWhatItHas() {
        UnresolvedHostException e = assertThrows(UnresolvedHostException.class,
                () -> system.resolveNow("v4only.test", NameResolver.Family.IPV6));
        assertEquals(UnresolvedHostException.Kind.NO_ADDRESS_IN_FAMILY, e.kind());
        assertEquals(List.of(ip("127.0.0.1")), e.found());
        assertEquals("host 'v4only.test' has no IPv6 address (it has 127.0.0.1): ask for another family, or give"
                + " another host", e.getMessage());
        e = assertThrows(UnresolvedHostException.class, () -> system.resolveNow("::1", NameResolver.Family.IPV4));
        assertEquals("host '::1' has no IPv4 address (it has ::1): ask for another family, or give another host",
                e.getMessage());
    }

    @Test
    void aNameThatDoesNotResolveSaysSoInTheSystemsWords() throws Exception {
        UnresolvedHostException e = assertThrows(UnresolvedHostException.class,
                () -> system.resolveNow("not-in-the-hosts-file.test", NameResolver.Family.ANY));
        assertEquals(UnresolvedHostException.Kind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().startsWith("cannot resolve host 'not-in-the-hosts-file.test' ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("): check the name, or give an IP address"), e.getMessage());
        assertFalse(e.reason().startsWith("not-in-the-hosts-file.test"), "the host is not repeated: " + e.reason());
        // Asynchronously, the same failure, not wrapped.
        ExecutionException x = assertThrows(ExecutionException.class,
                () -> system.resolve("not-in-the-hosts-file.test", NameResolver.Family.ANY).get(10, TimeUnit.SECONDS));
        assertInstanceOf(UnresolvedHostException.class, x.getCause());
    }

    /** A stand-in for the system's lookup that counts what it is asked. */
    private static final class Counting implements NameResolver.Lookup {
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public InetAddress[] lookup(String host) {
            asked.incrementAndGet();
            return new InetAddress[] {ip("192.0.2.1")};
        }
    }

    @Test
    void literalsAndSpecialUseNamesAreAnsweredWithoutALookup() throws Exception {
        Counting lookup = new Counting();
        try (NameResolver r = new NameResolver(Duration.ofSeconds(10), lookup)) {
            assertEquals(ip("10.0.0.1"), r.resolveNow("10.0.0.1", NameResolver.Family.IPV4));
            assertEquals(ip("fd00::2"), r.resolveNow("fd00:0:0::2", NameResolver.Family.ANY));
            assertInstanceOf(Inet4Address.class, r.resolveNow("::ffff:10.0.0.1", NameResolver.Family.IPV4),
                    "an IPv4-mapped literal is its IPv4 address");
            UnresolvedHostException e = assertThrows(UnresolvedHostException.class,
                    () -> r.resolveNow("lb.INVALID.", NameResolver.Family.ANY));
            assertEquals(UnresolvedHostException.Kind.NOT_FOUND, e.kind());
            assertEquals("Name or service not known", e.reason());
            assertEquals(0, lookup.asked.get(), "looked up");
            assertEquals(ip("192.0.2.1"), r.resolveNow("lb.example", NameResolver.Family.ANY));
            assertEquals(1, lookup.asked.get());
        }
    }

    @Test
    void aHugeNameANulAndControlCharactersAreRefusedWithoutALookupInOneLine() throws Exception {
        Counting lookup = new Counting();
        try (NameResolver r = new NameResolver(Duration.ofSeconds(10), lookup)) {
            String huge = "a".repeat(60) + ".".repeat(0) + "b".repeat(100_000);
            String[] bad = {huge, "x".repeat(64) + ".test", "a\0b.test", "localhost\0.evil.test", "a b", "a\nb",
                    "tab\t", "", "del\u007f"};
            for (String host : bad) {
                UnresolvedHostException e = assertThrows(UnresolvedHostException.class,
                        () -> r.resolveNow(host, NameResolver.Family.ANY), host);
                assertEquals(UnresolvedHostException.Kind.INVALID, e.kind(), host);
                assertFalse(e.getMessage().contains("\n") || e.getMessage().indexOf('\0') >= 0
                        || e.getMessage().indexOf('\t') >= 0, "one printable line: " + e.getMessage());
                assertTrue(e.getMessage().length() < 200, "the name is cut in the message: " + e.getMessage());
                assertTrue(e.getMessage().endsWith(": give a DNS name or an IP address"), e.getMessage());
            }
            assertEquals(0, lookup.asked.get(), "looked up");
            String max = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61); // 253 characters: still a name
            assertEquals(253, max.length());
            assertThrows(UnresolvedHostException.class, () -> r.resolveNow(max + "a", NameResolver.Family.ANY));
            assertTrue(r.resolveNow(max + ".", NameResolver.Family.ANY) != null);
            assertEquals(1, lookup.asked.get());
        }
        UnresolvedHostException nul = assertThrows(UnresolvedHostException.class,
                () -> system.resolveNow("localhost\0", NameResolver.Family.ANY));
        assertTrue(nul.getMessage().contains("a NUL character") && nul.getMessage().contains("localhost\\u0000"),
                nul.getMessage());
    }

    @Test
    void aLookupThatDoesNotEndIsGivenUpAtTheTimeLimitAndTheResolverClosesItsThreads() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(1);
        NameResolver r = new NameResolver(Duration.ofMillis(50), host -> {
            asked.countDown();
            try {
                stuck.await(30, TimeUnit.SECONDS); // a name server that never answers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {ip("192.0.2.1")};
        });
        try {
            CompletableFuture<InetAddress> f = r.resolve("slow.example", NameResolver.Family.ANY);
            UnresolvedHostException e = assertThrows(UnresolvedHostException.class,
                    () -> r.resolveNow("slow2.example", NameResolver.Family.ANY));
            assertEquals(UnresolvedHostException.Kind.TIMED_OUT, e.kind());
            assertEquals("cannot resolve host 'slow2.example' (no answer within 50 ms): check the name servers, or"
                    + " give an IP address", e.getMessage());
            ExecutionException x = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertEquals(UnresolvedHostException.Kind.TIMED_OUT, ((UnresolvedHostException) x.getCause()).kind());
            assertTrue(asked.await(10, TimeUnit.SECONDS));
        } finally {
            stuck.countDown();
            r.close();
        }
        ExecutionException x = assertThrows(ExecutionException.class,
                () -> r.resolve("after.example", NameResolver.Family.ANY).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, x.getCause());
        assertTrue(x.getCause().getMessage().contains("closed"), x.getCause().getMessage());
    }

    @Test
    void theEngineResolvesARequestWithoutAnAddressAndClosesItsResolver() throws Exception {
        try (ProbeEngine engine = ProbeEngine.builder().threads(1).build()) {
            assertInstanceOf(Inet6Address.class, engine.resolver().resolveNow("v6only.test",
                    NameResolver.Family.ANY));
            ProbeOutcome o = engine.probe(ProbeRequest.builder("test").target("no-such-host.invalid")
                    .timeout(Duration.ofSeconds(5)).build()).get(10, TimeUnit.SECONDS);
            assertEquals("cannot resolve host no-such-host.invalid: Name or service not known",
                    ((ProbeOutcome.LocalError) o).message());
            NameResolver r = engine.resolver();
            engine.close();
            ExecutionException x = assertThrows(ExecutionException.class,
                    () -> r.resolve("localhost", NameResolver.Family.ANY).get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, x.getCause());
        }
    }
}
