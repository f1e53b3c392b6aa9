package io.pathprobe.ticket.agent;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A reader without the ICMP and TCP probers (a class loader of their class path less those two modules) still reads
 * the first schema's {@code reply} and {@code connected} events, which carry no category: as answered outcomes.
 */
class CaptureEventWithoutProbersTest {
    @Test
    void theFirstSchemasKindsAreKnownWithoutTheirProbers() throws Exception {
        List<URL> path = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!p.contains("probe-icmp") && !p.contains("probe-tcp")) {
                path.add(new File(p).toURI().toURL());
            }
        }
        try (URLClassLoader without = new URLClassLoader(path.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName("io.pathprobe.tcp.TcpConnected", false,
                    without), "the TCP prober is not there");
            Class<?> event = Class.forName(CaptureEvent.class.getName(), true, without);
            Object mapper = Class.forName("io.pathprobe.ticket.report.ResultsJson", true, without)
                    .getMethod("mapper").invoke(null);
            for (String kind : List.of("reply", "connected")) {
                String json = "{\"eventSeq\":1,\"ms\":0,\"vantage\":\"a\",\"check\":\"tcp\",\"seq\":1,\"outcome\":\""
                        + kind + "\",\"rttMs\":0.5,\"responder\":\"10.0.0.1\",\"synRetransmits\":1}";
                Object e = mapper.getClass().getMethod("readValue", String.class, Class.class)
                        .invoke(mapper, json, event);
                assertEquals(true, event.getMethod("answered").invoke(e), kind);
                Object o = event.getMethod("toOutcome").invoke(e);
                assertEquals("io.pathprobe.core.ProbeOutcome$Observed", o.getClass().getName(), kind);
                assertEquals("ANSWERED", String.valueOf(o.getClass().getMethod("category").invoke(o)), kind);
                Object back = event.getMethod("of", long.class, String.class, long.class, String.class, String.class,
                        int.class, long.class, int.class, Class.forName("io.pathprobe.core.ProbeOutcome", false, without))
                        .invoke(null, 1L, null, 0L, "a", "tcp", 0, 1L, 0, o);
                String written = (String) mapper.getClass().getMethod("writeValueAsString", Object.class)
                        .invoke(mapper, back);
                java.lang.reflect.Method tree = mapper.getClass().getMethod("readTree", String.class);
                assertEquals(tree.invoke(mapper, json), tree.invoke(mapper, written),
                        kind + " is written back as it was read, without a category: " + written);
            }
        }
    }
}
