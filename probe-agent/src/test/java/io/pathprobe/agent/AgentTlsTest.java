package io.pathprobe.agent;

import io.pathprobe.agent.policy.TargetPolicy;
import io.pathprobe.ticket.agent.AgentCredentials;
import io.pathprobe.ticket.agent.AgentException;
import io.pathprobe.ticket.agent.AgentInfo;
import io.pathprobe.ticket.agent.LocalAgent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS and mutual TLS between a coordinator and an agent on loopback, with certificates made by openssl for the
 * test: the right client certificate is let in; a certificate from another CA, or none, is refused at the
 * handshake, before any request is read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentTlsTest {
    @TempDir
    static Path pki;

    @BeforeAll
    static void certificates() throws Exception {
        io.pathprobe.testkit.Installed.program("openssl", "openssl");
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=pathprobe test CA");
        for (String who : List.of("server", "client")) {
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                    who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who);
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", who + ".pem", "-days", "1", "-extfile", "san.ext");
        }
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                "rogue.key", "-out", "rogue.pem", "-days", "1", "-subj", "/CN=client");
    }

    static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    AgentServer start(Path clientCa) throws IOException {
        return AgentServer.start(AgentServerConfig.builder(TargetPolicy.of("127.0.0.1/32"))
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .tls(pki.resolve("server.pem"), pki.resolve("server.key"), clientCa).name("tls-agent")
                .vantage(LocalAgent.host()).build());
    }

    HttpAgent agent(AgentServer s, String clientName) {
        Path cert = clientName == null ? null : pki.resolve(clientName + ".pem");
        Path key = clientName == null ? null : pki.resolve(clientName + ".key");
        return HttpAgent.of(URI.create("https://127.0.0.1:" + s.address().getPort()),
                new AgentCredentials(null, pki.resolve("ca.pem"), cert, key));
    }

    @Test
    void mutualTlsLetsInOnlyTheCaSignedClient() throws Exception {
        try (AgentServer s = start(pki.resolve("ca.pem"))) {
            AgentInfo info = agent(s, "client").info();
            assertEquals("tls-agent", info.id());
            AgentException rogue = assertThrows(AgentException.class, () -> agent(s, "rogue").info());
            assertEquals(503, rogue.status(), rogue.getMessage());
            AgentException none = assertThrows(AgentException.class, () -> agent(s, null).info());
            assertEquals(503, none.status(), none.getMessage());
        }
    }

    @Test
    void httpsWithoutClientCertificatesStillNeedsTheServersCertificateToBeTrusted() throws Exception {
        try (AgentServer s = start(null)) {
            assertEquals("tls-agent", agent(s, null).info().id()); // loopback without tokens: allowed
            HttpAgent untrusting = HttpAgent.of(URI.create("https://127.0.0.1:" + s.address().getPort()),
                    new AgentCredentials(null, pki.resolve("rogue.pem"), null, null));
            assertThrows(AgentException.class, untrusting::info);
            HttpAgent plain = HttpAgent.of(URI.create("http://127.0.0.1:" + s.address().getPort()),
                    AgentCredentials.none());
            assertThrows(AgentException.class, plain::info);
        }
    }
}
