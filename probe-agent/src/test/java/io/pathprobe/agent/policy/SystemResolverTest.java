package io.pathprobe.agent.policy;

import io.pathprobe.core.AddressText;
import org.junit.jupiter.api.Test;

import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy over the system resolver (core's NameResolver): every address a name resolves to is checked, whichever
 * family. Names come from the tests' hosts file (see the pom): loopback only, no DNS query.
 */
class SystemResolverTest {
    @Test
    void aNameThatResolvesToADeniedAddressIsDeniedWithEveryAddressNamed() {
        TargetDeniedException e = assertThrows(TargetDeniedException.class,
                () -> TargetPolicy.of("192.0.2.0/24").resolve("localhost", Resolver.system()));
        assertTrue(e.getMessage().startsWith("localhost resolved to 127.0.0.1, ::1, and the request is denied"
                + " because every resolved address must be allowed: "), e.getMessage());
        // One family allowed is not enough: the name's other address is denied, so the whole request is.
        TargetDeniedException half = assertThrows(TargetDeniedException.class,
                () -> TargetPolicy.of("127.0.0.1/32").resolve("localhost", Resolver.system()));
        assertTrue(half.getMessage().contains("::1"), half.getMessage());
    }

    @Test
    void allowedAddressesArePinnedAndUnknownNamesReadAsTheJvmsWould() throws Exception {
        PinnedTarget p = TargetPolicy.of("127.0.0.1/32", "::1/128").resolve("v4only.test", Resolver.system());
        assertEquals(List.of(AddressText.parse("127.0.0.1")), p.addresses());
        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> TargetPolicy.of("127.0.0.1/32").resolve("no-such-host.invalid", Resolver.system()));
        assertEquals("no-such-host.invalid: Name or service not known", e.getMessage());
    }

    @Test
    void aNulOrAHugeNameNeverReachesTheResolver() {
        AtomicInteger asked = new AtomicInteger();
        Resolver counting = name -> {
            asked.incrementAndGet();
            return Resolver.system().resolve(name);
        };
        for (String host : new String[] {"localhost\0.evil.example", "a".repeat(300) + ".example"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TargetPolicy.of("127.0.0.0/8").resolve(host, counting));
            assertTrue(!e.getMessage().contains("\n") && e.getMessage().indexOf('\0') < 0, e.getMessage());
        }
        assertEquals(0, asked.get(), "the policy's syntax check comes before any lookup");
    }
}
