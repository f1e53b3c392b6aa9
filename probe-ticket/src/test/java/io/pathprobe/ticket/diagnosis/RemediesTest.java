package io.pathprobe.ticket.diagnosis;

import io.pathprobe.ticket.evidence.TicketEvidence;
import io.pathprobe.ticket.evidence.TicketFacts;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.evidence.VantageEvidence;
import io.pathprobe.ticket.report.ReportBundle;
import io.pathprobe.ticket.report.SummaryText;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static io.pathprobe.ticket.diagnosis.Ev.facts;
import static io.pathprobe.ticket.diagnosis.Ev.hop;
import static io.pathprobe.ticket.diagnosis.Ev.hostcheck;
import static io.pathprobe.ticket.diagnosis.Ev.ping;
import static io.pathprobe.ticket.diagnosis.Ev.tcp;
import static io.pathprobe.ticket.diagnosis.Ev.ticket;
import static io.pathprobe.ticket.diagnosis.Ev.trace;
import static io.pathprobe.ticket.diagnosis.Ev.vantage;
import static io.pathprobe.ticket.diagnosis.RulesTest.P80;
import static io.pathprobe.ticket.diagnosis.RulesTest.deadTimeouts;
import static io.pathprobe.ticket.diagnosis.RulesTest.healthy;
import static io.pathprobe.ticket.diagnosis.RulesTest.only;
import static io.pathprobe.ticket.diagnosis.RulesTest.withPublicIp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each cause's finding carries the troubleshooting guide's remedy as a structured step (its id, its commands or
 * file lines verbatim), and the step reads whole in English and in Simplified Chinese, with the commands, addresses
 * and numbers untouched.
 */
class RemediesTest {
    static final Locale ZH = Locale.SIMPLIFIED_CHINESE;

    static NextStep step(Finding f, String id) {
        return f.steps().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + id + " in " + f.steps()));
    }

    /** Both renderings hold every part; the Chinese one is Chinese (not the English fallback). */
    static void inBoth(NextStep s, List<String> en, List<String> zh) {
        String e = s.line(Locale.ENGLISH);
        String z = s.line(ZH);
        en.forEach(p -> assertTrue(e.contains(p), () -> "'" + p + "' missing from: " + e));
        zh.forEach(p -> assertTrue(z.contains(p), () -> "'" + p + "' missing from: " + z));
        assertNotEquals(e, z);
        assertTrue(z.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN), z);
    }

    static void summaryInBoth(Finding f) {
        assertEquals(f.summary(), f.summary(Locale.ENGLISH));
        String z = f.summary(ZH);
        assertNotEquals(f.summary(), z);
        assertTrue(z.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN), z);
    }

    /** The diagnosis's report in Chinese, also in target/i18n/NAME.zh-CN.html for a person to read. */
    static String html(TicketEvidence e, String name) {
        TicketResults r = TicketResults.of(e, new Diagnoser().diagnose(e), "pathprobe test");
        String html = ReportBundle.html(r, ZH);
        try {
            Path out = Path.of("target", "i18n");
            Files.createDirectories(out);
            Files.writeString(out.resolve(name + ".zh-CN.html"), html);
            Files.writeString(out.resolve(name + ".zh-CN.txt"), SummaryText.render(r, ZH));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return html;
    }

    @Test
    void cause1AddsTheListenerOnEachPort() {
        Finding f = only(new NoListenerRule(), ticket(List.of(80, 443), deadTimeouts("a", "10.0.1.2"),
                deadTimeouts("b", "10.0.3.2")));
        summaryInBoth(f);
        NextStep s = step(f, "no-listener.add-listener");
        inBoth(s, List.of("Add a listener on port 80 to load balancer lb-123 (VIP 203.0.113.10)"),
                List.of("负载均衡实例 lb-123（VIP 203.0.113.10）", "端口 80 的监听"));
        assertEquals(2, f.steps().stream().filter(x -> x.id().equals("no-listener.add-listener")).count());
    }

    @Test
    void cause2KeepsTheGuidesThreeSysctlLinesAndSysctlP() {
        VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 20), List.of(tcp(80, 0, 0, 20)));
        VantageEvidence b = vantage("b", "10.0.3.2", ping(20, 20), List.of(tcp(80, 0, 0, 20)));
        Finding f = only(new RpFilterRule(), ticket(facts(P80, List.of(), TicketFacts.HEALTH_PASSING), List.of(),
                a, b));
        summaryInBoth(f);
        String html = html(ticket(facts(P80, List.of(), TicketFacts.HEALTH_PASSING), List.of(), a, b), "cause2");
        assertTrue(html.contains("<pre># /etc/sysctl.conf\nnet.ipv4.conf.all.rp_filter = 0\n"
                + "net.ipv4.conf.default.rp_filter = 0\nnet.ipv4.conf.eth0.rp_filter = 0\nsysctl -p</pre>"), html);
        NextStep s = step(f, "rp-filter.sysctl");
        List<String> lines = List.of("net.ipv4.conf.all.rp_filter = 0", "net.ipv4.conf.default.rp_filter = 0",
                "net.ipv4.conf.eth0.rp_filter = 0");
        assertEquals("/etc/sysctl.conf", s.file());
        assertEquals(lines, s.fileLines());
        assertEquals(List.of("sysctl -p"), s.commands());
        // The English step exactly as it was before the texts moved to the bundle.
        assertEquals("If rp_filter is on, add to /etc/sysctl.conf on the backend: net.ipv4.conf.all.rp_filter = 0;"
                + " net.ipv4.conf.default.rp_filter = 0; net.ipv4.conf.eth0.rp_filter = 0 (eth0: the backend's"
                + " interface) — then run 'sysctl -p'.", s.line(Locale.ENGLISH));
        inBoth(s, List.of(), List.of(String.join("; ", lines), "/etc/sysctl.conf", "sysctl -p", "后端服务器"));
        step(f, "rp-filter.hostcheck");
    }

    @Test
    void cause2WithAHostcheckGivesThatHostsLines() {
        VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 20), List.of(tcp(80, 0, 0, 20)));
        TicketEvidence e = ticket(facts(P80, List.of("10.0.2.5"), TicketFacts.HEALTH_UNKNOWN),
                List.of(hostcheck("backend1", 1, 1, List.of("10.0.2.5"), List.of())), a);
        NextStep s = step(only(new RpFilterRule(), e), "rp-filter.sysctl-backend");
        assertEquals(List.of("net.ipv4.conf.all.rp_filter = 0", "net.ipv4.conf.eth0.rp_filter = 0"), s.fileLines());
        assertEquals(List.of("sysctl -p"), s.commands());
        inBoth(s, List.of("On backend backend1", "net.ipv4.conf.all.rp_filter = 0; net.ipv4.conf.eth0.rp_filter = 0",
                "'sysctl -p'"), List.of("后端服务器 backend1", "/etc/sysctl.conf", "sysctl -p"));
    }

    @Test
    void cause3GivesTheWindowsLoopbackAdapterAndWeakHostModel() {
        VantageEvidence backend = vantage("netns:backend1", "10.0.2.5", ping(60, 60), List.of(tcp(80, 45, 0, 15)));
        Finding f = only(new BackendLoopRule(), ticket(facts(P80, List.of("10.0.2.5", "10.0.2.6", "10.0.2.7",
                "10.0.2.8"), TicketFacts.HEALTH_UNKNOWN), List.of(), backend, healthy("b", "10.0.3.2")));
        summaryInBoth(f);
        NextStep s = step(f, "backend-loop.windows-weak-host");
        List<String> netsh = List.of("netsh interface ipv4 show interface",
                "netsh interface ipv4 set interface IDX weakhostsend=enabled",
                "netsh interface ipv4 set interface IDX weakhostreceive=enabled");
        assertEquals(netsh, s.commands());
        List<String> en = new java.util.ArrayList<>(netsh);
        en.addAll(List.of("Windows", "install the loopback network adapter", "weak host model on every interface"));
        List<String> zh = new java.util.ArrayList<>(netsh);
        zh.addAll(List.of("Windows", "回环网卡", "弱主机模式", "所有网卡"));
        inBoth(s, en, zh);
        inBoth(step(f, "backend-loop.no-own-vip"), List.of("layer-7"), List.of("七层", "后端服务器"));
        String html = html(ticket(facts(P80, List.of("10.0.2.5", "10.0.2.6", "10.0.2.7", "10.0.2.8"),
                TicketFacts.HEALTH_UNKNOWN), List.of(), backend, healthy("b", "10.0.3.2")), "cause3");
        assertTrue(html.contains("<pre>" + String.join("\n", netsh) + "</pre>"), html);
    }

    @Test
    void cause4SaysWhereTheProblemIs() {
        VantageEvidence a = vantage("a", "10.0.1.2", ping(100, 70), List.of(tcp(80, 80, 0, 20)),
                trace("icmp", 0, 1, hop(1, "192.168.1.1", 100, 30, false), hop(2, "198.51.100.1", 100, 30, false),
                        hop(3, Ev.VIP, 100, 30, true)));
        Finding f = only(new ClientPathRule(), ticket(P80, a, healthy("b", "10.0.3.2")));
        summaryInBoth(f);
        inBoth(step(f, "client-path.own-network"), List.of("hop 1 (192.168.1.1)", "inside the client's own network"),
                List.of("第 1 跳（192.168.1.1）", "客户端内部网络"));
    }

    @Test
    void cause5WhitelistsThePublicIpOnTheLoadBalancerWithTheWarningAndFindsTheSource() {
        VantageEvidence a = withPublicIp(vantage("a", "10.0.1.2", ping(20, 0), List.of(tcp(80, 0, 0, 20)),
                trace("icmp", 0, 3, hop(1, "192.168.1.1", 20, 0, false), hop(2, "198.51.100.1", 20, 0, false),
                        hop(3, "", 20, 100, false))), "198.51.100.7");
        Finding f = only(new ClientIpBlockedRule(), ticket(P80, a, healthy("b", "10.0.3.2")));
        summaryInBoth(f);
        assertTrue(html(ticket(P80, a, healthy("b", "10.0.3.2")), "cause5").contains("访问控制白名单"));
        inBoth(step(f, "client-ip-blocked.whitelist"), List.of("198.51.100.7",
                "access whitelist of load balancer lb-123 (VIP 203.0.113.10)", "let through entirely",
                "only if no attacks can come from it"), List.of("公网IP 198.51.100.7", "访问控制白名单", "完全放行",
                "不会发起攻击"));
        inBoth(step(f, "client-ip-blocked.find-source"), List.of("Find and clean the host that triggered the block",
                "same public IP", "infected"), List.of("找到并清理触发封禁的主机", "同一公网IP", "中毒"));
    }

    @Test
    void cause5WithoutAPublicIpSaysHowToFindIt() {
        VantageEvidence a = vantage("a", "10.0.1.2", ping(20, 0), List.of(tcp(80, 0, 0, 20)));
        Finding f = only(new ClientIpBlockedRule(), ticket(P80, a, healthy("b", "10.0.3.2")));
        inBoth(step(f, "client-ip-blocked.whitelist"), List.of("10.0.1.2 is a private source address",
                "--public-ip-url", "access whitelist"), List.of("10.0.1.2 是私网源地址", "--public-ip-url", "白名单"));
    }

    @Test
    void theDiagnosisHeadlineAndStepsRenderInBothLanguages() {
        Diagnosis d = new Diagnoser().diagnose(ticket(P80, deadTimeouts("a", "10.0.1.2"),
                deadTimeouts("b", "10.0.3.2")));
        assertEquals("Cause 1: No listener configured on the load balancer (high confidence)", d.headline());
        assertEquals(d.headline(), d.headline(Locale.ENGLISH));
        assertEquals("原因 1：负载均衡未配置监听（置信度：高）", d.headline(ZH));
        assertEquals(d.nextSteps(), d.nextSteps(Locale.ENGLISH));
        assertEquals(d.steps().size(), d.nextSteps(ZH).size());
    }
}
