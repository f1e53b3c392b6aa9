package io.pathprobe.nativeio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pathprobe.nativeio.internal.LibC;
import io.pathprobe.nativeio.internal.SocketCalls;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Guards against the jnr-ffi x86_64 stub bug that corrupts the 6th argument of all-primitive signatures. */
class LibCSignatureTest {
    @Test
    void noMethodHasSixOrMoreParametersThatAreAllPrimitive() {
        List<String> bad = new ArrayList<>();
        for (Class<?> binding : List.of(SocketCalls.class, LibC.class)) {
            for (Method m : binding.getMethods()) {
                Class<?>[] p = m.getParameterTypes();
                if (p.length >= 6 && Arrays.stream(p).allMatch(Class::isPrimitive)) {
                    bad.add(m.toString());
                }
            }
        }
        assertTrue(bad.isEmpty(), "jnr-ffi passes a corrupt 6th argument for these (jnr/jnr-ffi#181): " + bad);
    }
}
