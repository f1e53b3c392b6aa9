package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pathprobe.testkit.ClientLab;
import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.Host;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.Nft;
import io.pathprobe.testkit.ProcessOutput;
import io.pathprobe.testkit.PtrServer;
import io.pathprobe.testkit.Router;
import io.pathprobe.testkit.TcpListener;
import io.pathprobe.ticket.agent.CaptureEvent;
import io.pathprobe.ticket.report.ResultsJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Agents as real {@code pathprobe agent} processes in two lab namespaces on different paths to the VIP, and the
 * coordinator as a real {@code pathprobe ticket} process in a third: the diagnosis from merged evidence, an agent
 * killed mid-capture, a stream cut and resumed, and the agent's security table with nft counters proving that no
 * packet left toward a denied target.
 *
 * <pre>
 *  ca (agent a) -- ra -- rb -- vip (listener :80)
 *                        |  \
 *          (agent b) cb -+   co (coordinator)
 * </pre>
 */
@Tag("netns")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AgentLabTest {
    static final StandardProtocolFamily V4 = StandardProtocolFamily.INET;
    static final String SECRET = "lab-agent-token-0123456789abcdef";
    static final int AGENT_PORT = 9917;

    @TempDir
    Path dir;

    @BeforeEach
    void available() {
        NetLab.assumeAvailable();
    }

    record Lab(NetLab lab, Host a, Host b, Host co, Router ra, Router rb, Host vip) {
        InetAddress vipAddress() {
            return vip.address(V4);
        }
    }

    static Lab topology(NetLab lab) throws Exception {
        ClientLab t = ClientLab.builder().hostsOn("rb", "co").build(lab);
        return new Lab(lab, t.a(), t.b(), t.host("co"), t.router("ra"), t.router("rb"), t.target());
    }

    /** A running {@code pathprobe agent} process, its stderr and audit lines collected. */
    static final class Agent implements AutoCloseable {
        final Process process;
        final List<String> stderr = new CopyOnWriteArrayList<>();
        final List<String> audit = new CopyOnWriteArrayList<>();
        final String url;

        Agent(Process p, String url) {
            this.process = p;
            this.url = url;
            ProcessOutput.follow(p.getErrorStream(), stderr, "agent-output");
            ProcessOutput.follow(p.getInputStream(), audit, "agent-output");
        }

        void awaitListening() throws InterruptedException {
            for (int i = 0; i < 300; i++) {
                if (stderr.stream().anyMatch(l -> l.contains("listening on"))) {
                    return;
                }
                if (!process.isAlive()) {
                    fail("the agent exited " + process.exitValue() + ": " + stderr);
                }
                Thread.sleep(100);
            }
            fail("the agent did not start in 30 s: " + stderr);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    Path agentTokens() throws IOException {
        Path f = dir.resolve("agent-tokens");
        if (!Files.exists(f)) {
            Files.writeString(f, "coord " + SECRET + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        return f;
    }

    Path coordinatorToken() throws IOException {
        Path f = dir.resolve("coordinator-token");
        if (!Files.exists(f)) {
            Files.writeString(f, SECRET + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        return f;
    }

    /** The java command line of this test JVM ({@link ChildCli}), its heap capped: a lab runs several. */
    static List<String> java(String... args) {
        return ChildCli.command(List.of("-Xmx128m"), args);
    }

    Agent startAgent(Lab l, Host h, String name, String... extra) throws Exception {
        String listen = h.address(V4).getHostAddress() + ":" + AGENT_PORT;
        List<String> cmd = new ArrayList<>(List.of(l.lab().ipPath(), "netns", "exec", h.namespace()));
        List<String> args = new ArrayList<>(List.of("agent", "--listen", listen, "--token-file",
                agentTokens().toString(), "--allow", l.vipAddress().getHostAddress() + "/32", "--name", name));
        args.addAll(List.of(extra));
        cmd.addAll(java(args.toArray(String[]::new)));
        Agent a = new Agent(new ProcessBuilder(cmd).start(), "http://" + listen);
        a.awaitListening();
        return a;
    }

    /** {@code pathprobe ticket} in the coordinator's namespace through the given agents; the results.json. */
    JsonNode ticket(Lab l, String scenario, Duration length, Agent... agents) throws Exception {
        return ticket(l, scenario, length, List.of(), agents);
    }

    /** As above, with {@code --vantage} values of this host's own forms too. */
    JsonNode ticket(Lab l, String scenario, Duration length, List<String> local, Agent... agents) throws Exception {
        Path out = dir.resolve(scenario);
        List<String> args = new ArrayList<>(List.of("ticket", l.vipAddress().getHostAddress(), "-p", "80", "-d",
                length.toMillis() + "ms", "-i", "0.2", "--timeout", "1", "-o", out.toString(),
                "--agent-token-file", coordinatorToken().toString()));
        for (Agent a : agents) {
            args.add("--vantage");
            args.add("agent:" + a.url);
        }
        for (String v : local) {
            args.add("--vantage");
            args.add(v);
        }
        CommandResult r = l.co().run(length.plusSeconds(60), java(args.toArray(String[]::new)).toArray(String[]::new));
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, () -> "ticket exit " + r.exitCode() + "\n" + r.stdout()
                + "\n" + r.stderr());
        return ResultsJson.mapper().readTree(out.resolve("results.json").toFile());
    }

    static String verdict(JsonNode results) {
        return results.get("diagnosis").get("verdict").asText();
    }

    static JsonNode vantage(JsonNode results, Agent a) {
        return vantageById(results, "agent:" + a.url.substring("http://".length()));
    }

    /**
     * The smallest and largest counts {@code k} of Binomial(n, p) such that P(X < lo) and P(X > hi) are each below
     * {@code tail}, summed exactly.
     */
    static long[] binomialBounds(long n, double p, double tail) {
        double[] pmf = new double[(int) n + 1];
        for (int k = 0; k <= n; k++) {
            double logC = 0;
            for (int j = 1; j <= k; j++) {
                logC += Math.log((double) (n - k + j) / j);
            }
            pmf[k] = Math.exp(logC + k * Math.log(p) + (n - k) * Math.log(1 - p));
        }
        long lo = 0;
        double below = 0;
        while (lo < n && below + pmf[(int) lo] < tail) {
            below += pmf[(int) lo++];
        }
        long hi = n;
        double above = 0;
        while (hi > 0 && above + pmf[(int) hi] < tail) {
            above += pmf[(int) hi--];
        }
        return new long[] {lo, hi};
    }

    static JsonNode vantageById(JsonNode results, String id) {
        for (JsonNode v : results.get("vantagePoints")) {
            if (v.get("id").asText().equals(id)) {
                return v;
            }
        }
        throw new AssertionError("no vantage " + id + " in " + results.get("vantagePoints"));
    }

    @Test
    void mergedEvidenceFromTwoAgentsNamesTheCause() throws Exception {
        try (NetLab net = NetLab.create()) {
            Lab l = topology(net);
            TcpListener listener = l.vip().listenTcp(l.vipAddress(), 80);
            try (Agent a = startAgent(l, l.a(), "a"); Agent b = startAgent(l, l.b(), "b")) {
                // Cause 5: the VIP drops everything from agent a's address; agent b is served.
                l.vip().nft().blockSource(l.a().address(V4));
                JsonNode blocked = ticket(l, "blocked", Duration.ofSeconds(5), a, b);
                assertEquals("client-ip-blocked", verdict(blocked), () -> blocked.get("diagnosis").toString());
                assertEquals("complete", vantage(blocked, a).get("status").asText());
                assertEquals("a", vantage(blocked, a).get("details").get("agent name").asText());
                l.vip().nft().flush();

                // Cause 1: no listener: the VIP answers every SYN with a RST, from everywhere.
                listener.close();
                JsonNode down = ticket(l, "down", Duration.ofSeconds(4), a, b);
                assertEquals("no-listener", verdict(down), () -> down.get("diagnosis").toString());
                listener = l.vip().listenTcp(l.vipAddress(), 80);

                // Cause 4: router ra (agent a's path only) drops 20% of what it receives. The same namespace is
                // also measured in-process by the coordinator at the same time: through the agent or not, the
                // same plan on the same path measures the same loss.
                // Only the traffic to and from the VIP: the coordinator's connection to agent a also crosses ra,
                // and its losses are another test's subject (connectsAgainWhenTheFirstConnectTimesOut).
                l.ra().nft().dropRandomPercent(20, l.vipAddress());
                String inProcess = "netns:" + l.a().namespace();
                JsonNode lossy = ticket(l, "lossy", Duration.ofSeconds(8), List.of(inProcess), a, b);
                assertEquals("client-path", verdict(lossy), () -> lossy.get("diagnosis").toString());
                for (JsonNode v : List.of(vantage(lossy, a), vantageById(lossy, inProcess))) {
                    assertEquals("complete", v.get("status").asText(), v::toString);
                    JsonNode st = v.get("ping").get("stats");
                    long n = st.get("sent").asLong() - st.get("inFlight").asLong();
                    long lost = n - st.get("received").asLong();
                    // Each ping crosses ra twice: it survives with 0.8^2 = 0.64, so lost ~ Binomial(n, 0.36).
                    // Bounds: each tail below 2.5e-5, computed exactly; four tails (two vantage points) < 1e-4.
                    long[] b2 = binomialBounds(n, 0.36, 2.5e-5);
                    assertTrue(lost >= b2[0] && lost <= b2[1], v.get("id") + ": " + lost + " of " + n
                            + " pings lost, outside [" + b2[0] + ", " + b2[1] + "]");
                }
                String summary = lossy.get("diagnosis").get("findings").get(0).toString();
                assertTrue(summary.contains("agent:" + a.url.substring(7)), summary);
                l.ra().nft().flush();
            } finally {
                listener.close();
            }
        }
    }

    /**
     * Agent a's host drops every SYN to the agent's port from the first one until 5.5 s later: the coordinator's
     * first connect (however many SYNs the kernel sends in it) times out after 5 s having sent no request, and a
     * later connect is answered. Without another connect the vantage point would be lost before its capture began.
     */
    @Test
    void connectsAgainWhenTheFirstConnectTimesOut() throws Exception {
        try (NetLab net = NetLab.create()) {
            Lab l = topology(net);
            l.vip().listenTcp(l.vipAddress(), 80);
            try (Agent a = startAgent(l, l.a(), "a")) {
                String syn = "tcp dport " + AGENT_PORT + " tcp flags & (syn | ack) == syn";
                l.a().nft().count(Nft.Chain.INPUT, syn, "agent-syn").rule(Nft.Chain.INPUT, syn + " drop");
                long[] dropped = {0, 0}; // SYNs dropped; how long the drop lasted after the first, ms
                Thread opener = new Thread(() -> {
                    long first = 0;
                    try {
                        for (int i = 0; i < 1200; i++) {
                            Thread.sleep(50);
                            dropped[0] = l.a().nft().packets("agent-syn");
                            if (dropped[0] > 0 && first == 0) {
                                first = System.nanoTime();
                            }
                            if (first != 0 && System.nanoTime() - first > 5_500_000_000L) {
                                break;
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        dropped[1] = first == 0 ? 0 : (System.nanoTime() - first) / 1_000_000;
                        l.a().nft().flush();
                    }
                }, "syn-opener");
                opener.start();
                JsonNode r = ticket(l, "syn", Duration.ofSeconds(2), a);
                opener.join(10_000);
                assertTrue(dropped[1] > 5_000, dropped[0] + " SYNs dropped for " + dropped[1]
                        + " ms: the first connect was not held for its 5 s");
                JsonNode v = vantage(r, a);
                assertEquals("complete", v.get("status").asText(), v::toString);
                assertTrue(v.get("ping").get("stats").get("received").asLong() > 0, v::toString);
            }
        }
    }

    @Test
    void aKilledAgentIsMarkedLostAndACutStreamLosesNoEvent() throws Exception {
        try (NetLab net = NetLab.create()) {
            Lab l = topology(net);
            l.vip().listenTcp(l.vipAddress(), 80);
            try (Agent a = startAgent(l, l.a(), "a"); Agent b = startAgent(l, l.b(), "b")) {
                Thread saboteur = new Thread(() -> {
                    try {
                        // Once both agents stream, reset agent a's connections for 1.5 s (its coordinator must
                        // resume after the last event it has), then kill -9 agent b.
                        awaitStream(a);
                        awaitStream(b);
                        Thread.sleep(1000);
                        l.a().nft().rule(Nft.Chain.OUTPUT, "tcp sport " + AGENT_PORT + " reject with tcp reset");
                        Thread.sleep(1500);
                        l.a().nft().flush();
                        Thread.sleep(1000);
                        b.process.destroyForcibly();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "saboteur");
                saboteur.start();
                JsonNode r = ticket(l, "lost", Duration.ofSeconds(14), a, b);
                saboteur.join(10_000);
                JsonNode va = vantage(r, a);
                JsonNode vb = vantage(r, b);
                assertEquals("complete", va.get("status").asText(), va.toString());
                assertEquals("lost", vb.get("status").asText(), vb.get("notes").toString());
                assertTrue(vb.get("lostAt").asText().startsWith("20"), vb.toString());
                assertTrue(vb.hasNonNull("ping"), "the lost agent's partial evidence is kept: " + vb);
                long pingsBeforeLoss = vb.get("ping").get("stats").get("sent").asLong();
                assertTrue(pingsBeforeLoss >= 5 && pingsBeforeLoss < 60, "partial evidence kept: " + pingsBeforeLoss);
                assertTrue(r.get("diagnosis").get("observations").toString().contains("agent lost at"),
                        r.get("diagnosis").toString());
                // Every event of agent a, numbered 1..n without a gap or a repeat, although its stream was cut.
                Map<String, List<Long>> seqs = new HashMap<>();
                for (String line : Files.readAllLines(dir.resolve("lost").resolve("events.jsonl"))) {
                    CaptureEvent e = ResultsJson.mapper().readValue(line, CaptureEvent.class);
                    seqs.computeIfAbsent(e.vantage(), k -> new ArrayList<>()).add(e.eventSeq());
                }
                List<Long> as = seqs.get(va.get("id").asText());
                for (int i = 0; i < as.size(); i++) {
                    assertEquals(i + 1, as.get(i), "event " + (i + 1) + " of agent a");
                }
                long expected = va.get("ping").get("stats").get("sent").asLong()
                        + va.get("tcp").get(0).get("stats").get("sent").asLong();
                assertTrue(as.size() >= expected, as.size() + " events for " + expected + " pings and connects");
                long streams = a.audit.stream().filter(x -> x.contains("event stream")).count();
                assertTrue(streams >= 2, "the cut made the coordinator reconnect: " + streams + " stream requests");
            }
        }
    }

    /** Waits (at most 60 s) until the agent has served an event stream. */
    static void awaitStream(Agent a) throws InterruptedException {
        for (int i = 0; i < 600 && a.audit.stream().noneMatch(x -> x.contains("event stream")); i++) {
            Thread.sleep(100);
        }
    }

    /** One raw HTTP/1.1 request from inside {@code from}'s namespace; the status line's code and the body. */
    static String[] http(Host from, String url, String method, String token, String body) throws Exception {
        java.net.URI u = java.net.URI.create(url);
        return from.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName(u.getHost()), u.getPort()), 5000);
                s.setSoTimeout(10_000);
                byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                String head = method + " " + u.getRawPath() + " HTTP/1.1\r\nHost: " + u.getAuthority()
                        + "\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                        + "\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
                OutputStream out = s.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                try {
                    out.write(b);
                    out.flush();
                } catch (IOException closedEarly) {
                    // a 413 is answered before the body is read, and the connection closed
                }
                String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int sp = all.indexOf(' ');
                return new String[] {all.substring(sp + 1, sp + 4), all.substring(all.indexOf("\r\n\r\n") + 4)};
            }
        });
    }

    static String plan(String target, String address) {
        return "{\"target\":\"" + target + "\",\"address\":" + (address == null ? "null" : "\"" + address + "\"")
                + ",\"family\":0,\"ports\":[80],\"ping\":true,\"traceModes\":[\"icmp\"],\"durationMs\":2000,"
                + "\"pingIntervalMs\":200,\"tcpIntervalMs\":200,\"traceIntervalMs\":500,\"timeoutMs\":1000,"
                + "\"maxTtl\":6,\"publicIpUrl\":null}";
    }

    @Test
    void theAgentSendsNothingTowardADeniedTarget() throws Exception {
        try (NetLab net = NetLab.create()) {
            Lab l = topology(net);
            l.vip().listenTcp(l.vipAddress(), 80);
            InetAddress denied = l.rb().addressToward(l.vip(), V4);
            String vip = l.vipAddress().getHostAddress();
            // Every packet agent a's namespace sends toward the denied address is counted.
            l.a().nft().count(Nft.Chain.OUTPUT, "ip daddr " + denied.getHostAddress(), "denied");
            try (PtrServer dns = PtrServer.startIn(l.a(), InetAddress.getLoopbackAddress())) {
                dns.addresses("vip.lab", l.vipAddress()).addresses("bad.lab", denied)
                        .addresses("rebind.lab", l.vipAddress(), denied);
                String ns = dns.address().getAddress().getHostAddress() + ":" + dns.address().getPort();
                try (Agent a = startAgent(l, l.a(), "a", "--name-server", ns)) {
                    String captures = a.url + "/v1/captures";
                    Host co = l.co();
                    assertEquals("401", http(co, captures, "POST", null, plan(vip, vip))[0]);
                    assertEquals("401", http(co, captures, "POST", "wrong-token-0123456789abcdef", plan(vip, vip))[0]);
                    String d = denied.getHostAddress();
                    String[] literal = http(co, captures, "POST", SECRET, plan(d, d));
                    assertEquals("403", literal[0], literal[1]);
                    assertTrue(literal[1].contains(d), literal[1]);
                    assertEquals("403", http(co, captures, "POST", SECRET, plan("::ffff:" + d, "::ffff:" + d))[0]);
                    long decimal = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(denied.getAddress()).getInt());
                    assertEquals("403", http(co, captures, "POST", SECRET, plan(Long.toString(decimal), null))[0]);
                    assertEquals("403", http(co, captures, "POST", SECRET, plan("0x" + Long.toHexString(decimal),
                            null))[0]);
                    String[] name = http(co, captures, "POST", SECRET, plan("bad.lab", null));
                    assertEquals("403", name[0], name[1]);
                    assertTrue(name[1].contains("bad.lab resolved to " + d), name[1]);
                    // Rebinding: the first answer is allowed and pinned; the second (denied) is refused.
                    String[] first = http(co, captures, "POST", SECRET, plan("rebind.lab", null));
                    assertEquals("202", first[0], first[1]);
                    assertTrue(first[1].contains("\"address\":\"" + vip + "\""), first[1]);
                    assertEquals("403", http(co, captures, "POST", SECRET, plan("rebind.lab", null))[0]);
                    assertEquals("413", http(co, captures, "POST", SECRET, "{\"target\":\""
                            + "x".repeat(10 * 1024 * 1024) + "\"}")[0]);
                    // Four captures at once is the default quota; the fifth is 429.
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        String[] ok = http(co, captures, "POST", SECRET, plan("vip.lab", null).replace(
                                "\"durationMs\":2000", "\"durationMs\":30000"));
                        assertEquals("202", ok[0], ok[1]);
                        ids.add(ResultsJson.mapper().readTree(ok[1]).get("id").asText());
                    }
                    String[] over = http(co, captures, "POST", SECRET, plan(vip, vip).replace("\"durationMs\":2000",
                            "\"durationMs\":30000"));
                    if (over[0].equals("202")) {
                        // the rebind capture had already ended: one more fills the quota
                        ids.add(ResultsJson.mapper().readTree(over[1]).get("id").asText());
                        over = http(co, captures, "POST", SECRET, plan(vip, vip));
                    }
                    assertEquals("429", over[0], over[1]);
                    for (String id : ids) {
                        assertEquals("202", http(co, captures + "/" + id, "DELETE", SECRET, null)[0]);
                    }
                    Thread.sleep(2500); // whatever was sent in the last round has left by now
                    assertEquals(0, l.a().nft().packets("denied"), l.a().nft().ruleset());
                    assertTrue(a.audit.stream().anyMatch(x -> x.contains("\"status\":403")
                            && x.contains("bad.lab")), a.audit::toString);
                }
            }
            // Listening on a lab address without a token is refused at start.
            CommandResult open = l.a().run(Duration.ofSeconds(60), java("agent", "--listen",
                    l.a().address(V4).getHostAddress() + ":" + AGENT_PORT, "--allow", vip + "/32")
                    .toArray(String[]::new));
            assertEquals(2, open.exitCode(), open.stderr());
            assertTrue(open.stderr().contains("without authentication"), open.stderr());
        }
    }
}
