package io.pathprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.core.AddressText;
import io.pathprobe.testkit.CommandResult;
import io.pathprobe.testkit.LinearPath;
import io.pathprobe.testkit.NetLab;
import io.pathprobe.testkit.NetLabExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.StandardProtocolFamily;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real mtr (mtr-tiny, 0.95) and {@code pathprobe mtr} on the same lab path ({@code client - r1 - r2 - server}),
 * with the same flags, for each output: {@code -r}, {@code -rw}, {@code --csv}, {@code --raw}, {@code --json}.
 * Their structure is compared (headers, columns, keys, line kinds, hops), the numbers only by their form: the two
 * measure at different moments.
 */
@Tag("netns")
@ExtendWith(NetLabExtension.class)
@Timeout(300)
class MtrSideBySideLabTest {
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
    /** pathprobe's lines after mtr's table: the stop reason and its loss analysis. */
    private static final Pattern ADDITION = Pattern.compile("(Stop|Loss|Note|Paths): .*|  flow .*");

    private static String[] flags(String target, String... output) {
        List<String> a = new ArrayList<>(List.of("-n", "-c", "3", "-i", "0.2"));
        a.addAll(List.of(output));
        a.add(target);
        return a.toArray(String[]::new);
    }

    private static CommandResult mtr(LinearPath path, String target, String... output) {
        List<String> cmd = new ArrayList<>(List.of("mtr", "-G", "1"));
        cmd.addAll(List.of(flags(target, output)));
        CommandResult r = path.client().run(Duration.ofSeconds(60), cmd.toArray(String[]::new));
        assertTrue(r.ok(), r.commandLine() + ": " + r.stderr());
        return r;
    }

    /**
     * pathprobe in a JVM of its own started inside the client's namespace, as mtr is: nothing it opens can belong
     * to another namespace (threads or sockets this test JVM made earlier elsewhere).
     */
    private static Cli ours(LinearPath path, String target, String... output) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "mtr"));
        cmd.addAll(List.of(flags(target, output)));
        CommandResult r = path.client().run(Duration.ofSeconds(90), cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.commandLine() + ": " + r.stderr() + r.stdout());
        return new Cli(r.exitCode(), r.stdout(), r.stderr());
    }

    /** A report line with every figure as {@code #} and runs of blanks as one. */
    private static String shape(String line) {
        return NUMBER.matcher(line).replaceAll("#").replaceAll(" +", " ");
    }

    /** mtr's table: the report's lines up to pathprobe's additions. */
    private static List<String> table(String report) {
        List<String> lines = new ArrayList<>();
        for (String l : report.split("\n")) {
            if (ADDITION.matcher(l).matches()) {
                break;
            }
            lines.add(l);
        }
        return lines;
    }

    @Test
    void sameFormatsAsMtrOnTheSamePath(NetLab lab) throws Exception {
        // both programs run inside the client's namespace: every probe stays in the lab
        LinearPath path = lab.linearPath(2);
        String target = AddressText.of(path.server().address(StandardProtocolFamily.INET));

        for (String[] report : List.of(new String[]{"-r"}, new String[]{"-rw"})) {
            String theirs = mtr(path, target, report).stdout();
            String mine = ours(path, target, report).out();
            List<String> a = table(theirs);
            List<String> b = table(mine);
            assertEquals(5, a.size(), "Start, HOST and 3 hops: " + theirs);
            assertEquals(a.size(), b.size(), "mtr:\n" + theirs + "pathprobe:\n" + mine);
            assertTrue(a.get(0).matches("Start: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4}"), theirs);
            assertTrue(b.get(0).matches("Start: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4}"), mine);
            assertEquals(a.get(1), b.get(1), report[0] + ": the header, byte for byte");
            for (int i = 2; i < a.size(); i++) {
                assertEquals(shape(a.get(i)), shape(b.get(i)), report[0] + " hop line " + (i - 1));
                // The name column ends where mtr's does (figures may differ in width, not their start).
                assertEquals(a.get(i).indexOf(".|-- "), b.get(i).indexOf(".|-- "), b.get(i));
            }
            for (String extra : mine.split("\n")) {
                assertTrue(a.contains(extra) || b.contains(extra) || ADDITION.matcher(extra).matches(),
                        "after the table only pathprobe's stop and loss lines: " + extra);
            }
        }

        List<String> theirCsv = mtr(path, target, "--csv").stdout().lines().toList();
        List<String> ourCsv = ours(path, target, "--csv").out().lines().toList();
        assertEquals(theirCsv.get(0), ourCsv.get(0), "the CSV header, byte for byte");
        assertEquals(theirCsv.size(), ourCsv.size(), "a line per hop: " + theirCsv + " " + ourCsv);
        for (int i = 1; i < theirCsv.size(); i++) {
            String[] a = theirCsv.get(i).split(",", -1);
            String[] b = ourCsv.get(i).split(",", -1);
            assertEquals(a.length, b.length, ourCsv.get(i));
            for (int c = 0; c < a.length; c++) {
                if (c < 6 && c != 1) { // version, status, host, hop, ip
                    assertEquals(a[c], b[c], "column " + c + ": " + ourCsv.get(i));
                } else {
                    assertEquals(form(a[c]), form(b[c]),
                            "column " + c + " has mtr's form: " + ourCsv.get(i) + " vs " + theirCsv.get(i));
                }
            }
        }

        Raw theirRaw = Raw.parse(mtr(path, target, "--raw").stdout());
        Raw ourRaw = Raw.parse(ours(path, target, "--raw").out());
        int dest = 2; // position of the server: hop 3
        for (int pos = 0; pos < dest; pos++) {
            assertEquals(theirRaw.hosts.get(pos), ourRaw.hosts.get(pos), "the addresses of position " + pos);
        }
        for (Raw r : List.of(theirRaw, ourRaw)) {
            for (Map.Entry<Integer, Set<String>> e : r.hosts.entrySet()) {
                if (e.getKey() >= dest) { // beyond the destination, it answers itself (mtr's FORMATS says so too)
                    assertEquals(Set.of(target), e.getValue(), "position " + e.getKey());
                }
            }
            assertTrue(r.answers >= 3 * (dest + 1), "3 rounds answered at each position up to the destination");
        }

        // --xml: the same lines, element for element and attribute for attribute (mtr's BITPATTERN left out),
        // once the figures and the names (SRC is the host's name) are symbols.
        List<String> theirXml = mtr(path, target, "--xml").stdout().lines().toList();
        List<String> ourXml = ours(path, target, "--xml").out().lines().toList();
        assertEquals(theirXml.size(), ourXml.size(), "mtr:\n" + theirXml + "\npathprobe:\n" + ourXml);
        for (int i = 0; i < theirXml.size(); i++) {
            assertEquals(xmlShape(theirXml.get(i).replace(" BITPATTERN=\"0x00\"", "")), xmlShape(ourXml.get(i)),
                    "line " + i + ": " + theirXml.get(i) + " vs " + ourXml.get(i));
        }

        String theirText = mtr(path, target, "--json").stdout();
        String myText = ours(path, target, "--json").out();
        // the layout too, as a script that greps it sees it: the lines up to the first figure, and "key": value
        assertEquals(theirText.lines().limit(4).collect(java.util.stream.Collectors.toList()),
                myText.lines().limit(4).collect(java.util.stream.Collectors.toList()), "--json's first lines");
        assertFalse(myText.contains("\" : "), "mtr writes \"key\": value: " + myText);
        JsonNode theirs = new ObjectMapper().readTree(theirText);
        JsonNode mine = new ObjectMapper().readTree(myText);
        assertSameKeysAndTypes(theirs.path("report").path("mtr"), mine.path("report").path("mtr"), "report.mtr");
        JsonNode a = theirs.path("report").path("hubs");
        JsonNode b = mine.path("report").path("hubs");
        assertEquals(a.size(), b.size(), "hubs");
        for (int i = 0; i < a.size(); i++) {
            assertSameKeysAndTypes(a.get(i), b.get(i), "hubs[" + i + "]");
            assertEquals(a.get(i).path("host"), b.get(i).path("host"));
            assertEquals(a.get(i).path("count"), b.get(i).path("count"));
        }
    }

    /** An XML line with its figures as {@code #} (widths kept) and SRC's value as {@code S}. */
    private static String xmlShape(String line) {
        return line.replaceAll("SRC=\"[^\"]*\"", "SRC=\"S\"").replaceAll("\\d", "#");
    }

    /** A CSV figure's form: a whole number, two decimals, or the text itself. */
    private static String form(String v) {
        return v.matches("\\d+") ? "whole" : v.matches("\\d+\\.\\d\\d") ? "two decimals" : v;
    }

    /** Every key of mtr's object is in ours, in mtr's order first, with the same JSON type. */
    private static void assertSameKeysAndTypes(JsonNode theirs, JsonNode mine, String where) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = theirs.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        List<String> ours = new ArrayList<>();
        for (Iterator<String> it = mine.fieldNames(); it.hasNext(); ) {
            ours.add(it.next());
        }
        assertTrue(!keys.isEmpty() && ours.size() >= keys.size(), where + ": " + keys + " vs " + ours);
        assertEquals(keys, ours.subList(0, keys.size()), where + ": mtr's keys, in its order");
        for (String k : keys) {
            assertEquals(theirs.get(k).getNodeType(), mine.get(k).getNodeType(), where + "." + k);
        }
    }

    /** mtr's raw lines, checked as they are read: each {@code p} answers an {@code x} sent before it. */
    private static final class Raw {
        private static final Pattern LINE = Pattern.compile("x (\\d+) (\\d+)|h (\\d+) (\\S+)|p (\\d+) (\\d+) (\\d+)"
                + "|d (\\d+) (\\S+)");
        final Map<Integer, Set<String>> hosts = new HashMap<>();
        int answers;

        static Raw parse(String text) {
            Raw r = new Raw();
            Map<String, String> sentAt = new HashMap<>();
            for (String line : text.split("\n")) {
                Matcher m = LINE.matcher(line);
                assertTrue(m.matches(), "a raw line of mtr's kinds: " + line);
                if (m.group(1) != null) {
                    sentAt.put(m.group(2), m.group(1));
                } else if (m.group(3) != null) {
                    r.hosts.computeIfAbsent(Integer.parseInt(m.group(3)), k -> new TreeSet<>()).add(m.group(4));
                } else if (m.group(5) != null) {
                    assertEquals(m.group(5), sentAt.get(m.group(7)), "answer " + line + " to a probe sent there");
                    r.answers++;
                }
            }
            return r;
        }
    }
}
