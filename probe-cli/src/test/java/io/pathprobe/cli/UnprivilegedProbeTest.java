package io.pathprobe.cli;

import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pathprobe agent} as uid 65534 without capabilities in a namespace whose {@code ping_group_range} is closed:
 * the icmp module cannot run, and {@code /probe} says so with {@code probe_success 0} and a debug line, not a 500;
 * the tcp_connect module still works.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(120)
class UnprivilegedProbeTest {
    @Test
    void anIcmpModuleWithoutPrivilegeFailsTheProbeAndSaysWhy(NetLab lab) throws Exception {
        Host host = lab.host("u");
        host.sysctl("net.ipv4.ping_group_range", "1 0");
        try (Nobody nobody = new Nobody()) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
            cmd.addAll(nobody.command("agent", "--listen", "127.0.0.1:9917", "--allow", "127.0.0.1/32"));
            Process agent = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try {
                String health = "";
                for (int i = 0; i < 100 && !health.startsWith("HTTP/1.1 200"); i++) { // the JVM starts: <= 30 s
                    Thread.sleep(300);
                    health = get(host, "/-/healthy");
                }
                assertTrue(health.startsWith("HTTP/1.1 200"), "the agent came up: " + health);
                String r = get(host, "/probe?module=icmp&target=127.0.0.1&debug=true");
                assertTrue(r.startsWith("HTTP/1.1 200"), r);
                assertTrue(r.contains("\nprobe_success 0.0\n"), r);
                assertTrue(r.contains("level=error") && r.contains("icmp cannot run on this agent")
                        && r.contains("ping_group_range"), "a debug line says why: " + r);
                String plain = get(host, "/probe?module=icmp&target=127.0.0.1");
                assertTrue(plain.startsWith("HTTP/1.1 200") && plain.contains("\nprobe_success 0.0\n"), plain);
            } finally {
                agent.destroy();
                if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                    agent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** One GET to the agent on the namespace's loopback, from a thread inside the namespace. */
    static String get(Host host, String path) throws Exception {
        return host.call(Duration.ofSeconds(20), () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", 9917), 2000);
                s.setSoTimeout(15_000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                return b.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "not answering: " + e.getMessage();
            }
        });
    }
}
