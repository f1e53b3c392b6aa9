package io.pathprobe.ticket.report;

import io.pathprobe.ticket.diagnosis.Finding;
import io.pathprobe.ticket.diagnosis.Messages;
import io.pathprobe.ticket.evidence.TicketResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundle in Simplified Chinese: the words translated (no English text of the bundle left, no raw key), the
 * measurements as they are, results.json the same in every language, and a report rendered again from
 * results.json in another language.
 */
class ReportLocaleTest {
    static final Locale ZH = Locale.SIMPLIFIED_CHINESE;

    @TempDir
    Path dir;

    @Test
    void summaryInChineseKeepsTheMeasurementsAndEndsWithTheChecklist() throws IOException {
        TicketResults r = SampleTicket.results();
        String en = SummaryText.render(r, Locale.ENGLISH);
        String zh = SummaryText.render(r, ZH);
        writeForPeople("summary.zh-CN.txt", zh);
        assertEquals(SummaryText.render(r), en);
        assertTrue(zh.contains("诊断结论：原因 4：客户端网络或运营商链路丢包（置信度："), zh);
        assertTrue(zh.contains("\n下一步操作：\n"), zh);
        for (Finding f : r.diagnosis().findings()) {
            f.evidence().forEach(e -> assertTrue(zh.contains("    " + e + "\n"), "evidence line as measured: " + e));
        }
        // The ping, TCP and mtr blocks are the tools' own text: the same lines in both languages.
        for (String block : List.of("--- 203.0.113.10 ping statistics ---", "tcp connect statistics ---",
                "HOST: 10.0.1.2")) {
            assertTrue(en.contains(block) && zh.contains(block), block);
        }
        List<String> lines = zh.lines().toList();
        int heading = lines.indexOf("提交工单时请附上以下信息：");
        assertEquals(lines.size() - 5, heading, "the summary ends with the checklist: " + lines.subList(
                Math.max(0, lines.size() - 8), lines.size()));
        assertEquals("  [x] 负载均衡实例 ID：lb-2ze8example（VIP 203.0.113.10）", lines.get(heading + 1));
        assertTrue(lines.get(heading + 2).startsWith("  [ ] 客户端公网IP：198.51.100.7（netns:client-a）；"
                + "netns:client-b 的公网IP未知。") && lines.get(heading + 2).contains("--public-ip-url"),
                lines.get(heading + 2));
        assertTrue(lines.get(heading + 3).startsWith("  [ ] 到 VIP 的长时间 ping 结果：仅采集了 5m。")
                && lines.get(heading + 3).contains("--duration（10m 或以上）"), lines.get(heading + 3));
        assertTrue(lines.get(heading + 4).startsWith("  [ ] 到 VIP 的长时间 MTR 结果：仅采集了 5m。"),
                lines.get(heading + 4));
        noEnglishOfTheBundle(zh, en);
    }

    @Test
    void htmlInChineseHasNoEnglishOfTheBundleLeft() throws IOException {
        TicketResults r = SampleTicket.results();
        String en = ReportBundle.html(r, Locale.ENGLISH);
        String zh = ReportBundle.html(r, ZH);
        assertTrue(zh.contains("<html lang=\"zh-CN\">"));
        assertTrue(zh.contains("id=\"checklist\""));
        assertTrue(zh.contains("<h3>下一步操作</h3>"), "the headings are translated");
        noEnglishOfTheBundle(textNodes(zh), textNodes(en));
    }

    @Test
    void resultsJsonIsTheSameInEveryLanguageAndRendersAgain() throws IOException {
        TicketResults r = SampleTicket.results();
        ReportBundle.write(dir.resolve("en"), r, Locale.ENGLISH);
        ReportBundle.write(dir.resolve("zh"), r, ZH);
        String json = Files.readString(dir.resolve("en").resolve(ReportBundle.RESULTS));
        assertEquals(json, Files.readString(dir.resolve("zh").resolve(ReportBundle.RESULTS)));
        assertTrue(json.contains("\"headlineText\""), "the headline is in results.json as a key and arguments");
        assertTrue(json.contains("\"id\" : \"client-path.own-network\"") || json.contains("\"id\" : \"client-path."),
                "the steps are in results.json with their ids");
        TicketResults back = ResultsJson.read(dir.resolve("en").resolve(ReportBundle.RESULTS));
        ReportBundle.render(dir.resolve("again"), back, ZH);
        assertEquals(Files.readString(dir.resolve("zh").resolve(ReportBundle.SUMMARY)),
                Files.readString(dir.resolve("again").resolve(ReportBundle.SUMMARY)));
        assertEquals(Files.readString(dir.resolve("zh").resolve(ReportBundle.HTML)),
                Files.readString(dir.resolve("again").resolve(ReportBundle.HTML)));
    }

    /** A results.json from before the texts (no headlineText, summaryText, steps) renders its English words. */
    @Test
    void anOlderResultsFileRendersItsEnglishDiagnosis() throws IOException {
        TicketResults r = SampleTicket.results();
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                ResultsJson.mapper().readTree(ResultsJson.toJson(r));
        com.fasterxml.jackson.databind.node.ObjectNode d = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.get("diagnosis");
        d.remove(List.of("headlineText", "steps"));
        d.get("findings").forEach(f -> ((com.fasterxml.jackson.databind.node.ObjectNode) f)
                .remove(List.of("summaryText", "steps")));
        Path old = dir.resolve("old.json");
        Files.writeString(old, json.toString());
        TicketResults back = ResultsJson.read(old);
        String zh = SummaryText.render(back, ZH);
        assertTrue(zh.contains("诊断结论：" + r.diagnosis().headline() + "\n"), zh);
        r.diagnosis().nextSteps().forEach(s -> assertTrue(zh.contains("  - " + s + "\n"), s));
        assertTrue(ReportBundle.html(back, ZH).contains(HtmlReport.esc(r.diagnosis().headline())));
    }

    /**
     * No piece of an English text of the bundle (12 characters or more between arguments) is in the Chinese output,
     * leaving out the lines the two outputs share (measurements and tool output, the same in every language); and
     * no message key shows.
     */
    static void noEnglishOfTheBundle(String zh, String en) throws IOException {
        Set<String> shared = new HashSet<>(en.lines().toList());
        List<String> own = zh.lines().filter(l -> !shared.contains(l)).toList();
        Properties enBundle = bundle("messages.properties");
        Properties zhBundle = bundle("messages_zh_CN.properties");
        List<String> found = new ArrayList<>();
        for (String key : enBundle.stringPropertyNames()) {
            String z = zhBundle.getProperty(key).replace("''", "'");
            for (String piece : enBundle.getProperty(key).replace("''", "'").split("\\{\\d+}")) {
                String p = piece.replaceAll("<[^>]+>", "").trim();
                if (p.length() >= 12 && !z.contains(p) && own.stream().anyMatch(l -> l.contains(p))) {
                    found.add(key + ": '" + p + "'");
                }
            }
            if (key.contains(".") && own.stream().anyMatch(l -> l.contains(key))) {
                found.add("raw key " + key);
            }
        }
        assertEquals(List.of(), found, "English of the bundle left in the Chinese output");
        assertTrue(own.size() > 10, "the Chinese output has lines of its own");
    }

    /** The page's text, one text node a line (tags removed, entities as written). */
    static String textNodes(String html) {
        return String.join("\n", html.replaceAll("(?s)<style>.*?</style>", "").split("<[^>]*>"));
    }

    static Properties bundle(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream("/io/pathprobe/ticket/" + name)) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    /** For a person to read: target/i18n/NAME. */
    static void writeForPeople(String name, String text) throws IOException {
        Path out = Path.of("target", "i18n");
        Files.createDirectories(out);
        Files.writeString(out.resolve(name), text);
    }
}
