package io.pathprobe.mtr;

import io.pathprobe.icmp.EchoReply;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pathprobe.core.ProbeOutcome;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static io.pathprobe.mtr.Traces.MS;
import static io.pathprobe.mtr.Traces.hop;
import static io.pathprobe.mtr.Traces.ip;
import static io.pathprobe.mtr.Traces.probe;
import static io.pathprobe.mtr.Traces.router;
import static io.pathprobe.mtr.Traces.silent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Formatted output of a constructed trace against text written out by hand from mtr's layouts. */
class FormatTest {
    private static final FormatOptions UTC = FormatOptions.defaults().withZone(ZoneOffset.UTC);

    /**
     * Hop 1 answers 10 of 10 in 1 ms; hop 2 is silent; hop 3 is ECMP: 10.0.2.1 six times in 2 ms, then 10.0.2.9
     * four times in 4 ms (mean 2.8, ssd = 6·0.8² + 4·1.2² = 9.6, StDev = √(9.6/9) = 1.0328); the destination
     * answers 8 of 10 in 5 ms.
     */
    static TraceSnapshot sample() {
        TraceStatistics t = Traces.icmp();
        hop(t, 1, "10.0.0.1", 10, 0, 1);
        silent(t, 2, 10);
        for (int i = 0; i < 6; i++) {
            probe(t, 0, 3, router("10.0.2.1", 2));
        }
        for (int i = 0; i < 4; i++) {
            probe(t, 0, 3, router("10.0.2.9", 4));
        }
        hop(t, 4, "10.0.3.2", 10, 2, 5);
        t.finish(1);
        return t.snapshot();
    }

    @Test
    void reportAsMtrLaysItOut() {
        String expected = ""
                + "Start: 2024-05-01T10:00:00+0000\n"
                + "HOST: client                      Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
                + "  1.|-- 10.0.0.1                   0.0%    10    1.0   1.0   1.0   1.0   0.0\n"
                + "  2.|-- ???                       100.0%    10    0.0   0.0   0.0   0.0   0.0\n"
                + "  3.|-- 10.0.2.1                   0.0%    10    4.0   2.8   2.0   4.0   1.0\n"
                + "    |  `|-- 10.0.2.9\n"
                + "  4.|-- 10.0.3.2                  20.0%    10    5.0   5.0   5.0   5.0   0.0\n";
        assertEquals(expected, MtrReport.format(sample(), UTC.withAnnotate(false)));
    }

    @Test
    void annotationsFollowTheTable() {
        String report = MtrReport.format(sample(), UTC);
        String[] lines = report.split("\n");
        assertEquals("Stop: destination reached at hop 4 (10.0.3.2)", lines[7]);
        assertEquals("Loss: hop 2 (???) 100.0% is not carried on by later hops: the router limits its ICMP answers,"
                + " this is not forwarding loss", lines[8]);
        assertEquals("Loss: persistent from hop 4 (10.0.3.2), 20.0% at hop 4", lines[9]);
        assertEquals(10, lines.length);
    }

    @Test
    void tcpReportsSayTheirProbesHoldNoFlow() {
        TraceStatistics t = Traces.trace(ProbeMode.TCP, "10.0.3.2", 1);
        hop(t, 1, "10.0.3.2", 3, 0, 1);
        t.finish(1);
        String report = MtrReport.format(t.snapshot(), UTC);
        assertTrue(report.contains("\nNote: TCP mode connects from a kernel-chosen source port per probe"), report);
        assertFalse(MtrReport.format(sample(), UTC).contains("Note: TCP"), "ICMP reports have no such note");
    }

    @Test
    void fieldSelectionLikeMtrDashO() {
        String header = MtrReport.format(sample(), UTC.withFields("LDRSNBAWVGJMXI").withAnnotate(false)).split("\n")[1];
        // mtr 0.95's own header for -o LDRSNBAWVGJMXI, from column 33 on.
        assertEquals(" Loss% Drop   Rcv   Snt  Last  Best   Avg  Wrst StDev Gmean Jttr Javg Jmax Jint",
                header.substring(33));
        String hop4 = MtrReport.format(sample(), UTC.withFields("DR").withAnnotate(false)).split("\n")[6];
        assertEquals("  4.|-- 10.0.3.2                     2     8", hop4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MtrField.parse("LSQ"));
        assertTrue(e.getMessage().contains("'Q'") && e.getMessage().contains("'L' Loss%"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MtrField.parse(""));
    }

    @Test
    void longNamesAreCutAsMtrDoesUnlessWide() {
        TraceStatistics t = Traces.trace(ProbeMode.ICMP, "2001:db8:1234:5678:9abc:def0:0:2", 1);
        probe(t, 0, 1, new EchoReply(MS, ip("2001:db8:1234:5678:9abc:def0:0:2"), 64, 64));
        TraceSnapshot s = t.snapshot();
        // 8 + 33 characters: cut to 33 where the figures begin, as mtr does.
        String narrow = MtrReport.format(s, UTC.withAnnotate(false)).split("\n")[2];
        assertEquals("  1.|-- 2001:db8:1234:5678:9abc:d  0.0%     1    1.0   1.0   1.0   1.0   0.0", narrow);
        String[] wide = MtrReport.format(s, UTC.withAnnotate(false).withWide(true)).split("\n");
        assertEquals("  1.|-- 2001:db8:1234:5678:9abc:def0:0:2  0.0%     1    1.0   1.0   1.0   1.0   0.0", wide[2]);
        // mtr -w pads "HOST: src" and " nn.|-- name" to the same name width, so figures sit 2 right of titles.
        assertEquals("HOST: client                           Loss%   Snt   Last   Avg  Best  Wrst StDev", wide[1]);
        assertEquals(wide[1].indexOf("Loss%") + 5 + 2, wide[2].indexOf("0.0%") + 4, "mtr's offset of 2");
    }

    @Test
    void ipv6IsWrittenAsInetNtopWritesIt() {
        assertEquals("fd00::2", io.pathprobe.core.AddressText.of(ip("fd00:0:0:0:0:0:0:2")));
        assertEquals("2001:db8::1:0:0:1", io.pathprobe.core.AddressText.of(ip("2001:db8:0:0:1:0:0:1")));
        assertEquals("::1", io.pathprobe.core.AddressText.of(ip("::1")));
        assertEquals("fd00:1:2:3:4:5:6:0", io.pathprobe.core.AddressText.of(ip("fd00:1:2:3:4:5:6:0")));
        assertEquals("10.0.0.1", io.pathprobe.core.AddressText.of(ip("10.0.0.1")));
    }

    @Test
    void jsonHasMtrsShapeWithNumbersAndOurAdditions() throws Exception {
        JsonNode root = new ObjectMapper().readTree(MtrJson.format(sample(), UTC));
        JsonNode mtr = root.path("report").path("mtr");
        assertEquals("client", mtr.path("src").asText());
        assertEquals("10.0.3.2", mtr.path("dst").asText());
        assertEquals(0, mtr.path("tos").asInt());
        assertEquals(10, mtr.path("tests").asInt());
        assertEquals("64", mtr.path("psize").asText());
        JsonNode hubs = root.path("report").path("hubs");
        assertEquals(4, hubs.size());
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = hubs.get(0).fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertEquals(List.of("count", "host", "Loss%", "Snt", "Last", "Avg", "Best", "Wrst", "StDev"), keys.subList(0, 9));
        assertTrue(hubs.get(0).path("Loss%").isNumber() && hubs.get(0).path("Snt").isIntegralNumber());
        assertEquals("???", hubs.get(1).path("host").asText());
        assertEquals(100.0, hubs.get(1).path("Loss%").asDouble());
        assertEquals("not-carried-on", hubs.get(1).path("lossVerdict").asText());
        JsonNode h3 = hubs.get(2);
        assertEquals(2.8, h3.path("Avg").asDouble());
        assertEquals(1.033, h3.path("StDev").asDouble());
        assertEquals(2, h3.path("addresses").size());
        assertEquals("10.0.2.9", h3.path("addresses").get(1).path("host").asText());
        assertEquals(4, h3.path("addresses").get(1).path("count").asInt());
        assertEquals(4.0, h3.path("addresses").get(1).path("Avg").asDouble());
        assertEquals(20.0, hubs.get(3).path("Loss%").asDouble());
        JsonNode report = root.path("report");
        assertEquals("destination-reached", report.path("stop").path("reason").asText());
        assertEquals(4, report.path("stop").path("hop").asInt());
        assertEquals(4, report.path("persistentLossFromHop").asInt());
        assertEquals(1, report.path("paths").size());
        assertEquals(4, report.path("paths").get(0).path("route").size());
        assertEquals(1, report.path("distinctRoutes").asInt());
    }

    @Test
    void csvHasMtrsHeaderAndRows() {
        String[] lines = MtrCsv.format(sample(), UTC).split("\n");
        assertEquals("Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,", lines[0]);
        assertEquals("MTR.0.95,1714557600,OK,10.0.3.2,1,10.0.0.1,0.00,10,0,1.00,1.00,1.00,1.00,0.00", lines[1]);
        assertEquals("MTR.0.95,1714557600,OK,10.0.3.2,2,???,100.00,10,0,0.00,0.00,0.00,0.00,0.00", lines[2]);
        assertEquals("MTR.0.95,1714557600,OK,10.0.3.2,3,10.0.2.1,0.00,10,0,4.00,2.80,2.00,4.00,1.03", lines[3]);
        assertEquals(5, lines.length);
    }

    @Test
    void xmlHasMtrsElementsWithTheReportsCells() {
        String[] lines = MtrXml.format(sample(), UTC.withNames(a -> a.getHostAddress().equals("10.0.0.1") ? "r&d<1>"
                : a.getHostAddress())).split("\n");
        assertEquals("<?xml version=\"1.0\"?>", lines[0]);
        assertTrue(lines[1].matches("<MTR SRC=\"[^\"]+\" DST=\"10\\.0\\.3\\.2\" TOS=\"0x0\" PSIZE=\"\\d+\" TESTS=\"\\d+\">"),
                lines[1]);
        assertEquals("    <HUB COUNT=\"1\" HOST=\"r&amp;d&lt;1&gt;\">", lines[2], "the name escaped");
        assertEquals("        <Loss>  0.0%</Loss>", lines[3]);
        assertEquals("        <Snt>    10</Snt>", lines[4]);
        assertEquals("        <Last>   1.0</Last>", lines[5], "no element for the space field");
        assertEquals("    </HUB>", lines[10]);
        assertEquals("    <HUB COUNT=\"2\" HOST=\"???\">", lines[11]);
        assertEquals("        <Loss> 100.0%</Loss>", lines[12]);
        assertEquals("</MTR>", lines[lines.length - 1]);
        assertEquals(2 + 4 * 9 + 1, lines.length, "4 hops of 9 lines: HUB, 7 fields, /HUB");
    }

    @Test
    void wideCsvListsEachFurtherAddressOfAHopWithItsFigures() {
        String[] lines = MtrCsv.format(sample(), UTC.withWide(true)).split("\n");
        assertEquals(6, lines.length);
        assertEquals("MTR.0.95,1714557600,OK,10.0.3.2,3,10.0.2.9,0.00,10,0,4.00,2.80,2.00,4.00,1.03", lines[4]);
    }

    @Test
    void rawIsMtrsRawFormat() {
        StringBuilder out = new StringBuilder();
        TraceListener l = MtrRaw.listener(out, null);
        l.onProbe(new ProbeRecord(1, 0, 1, 0, router("10.0.0.1", 0.2134)));
        l.onProbe(new ProbeRecord(1, 0, 2, 0, Traces.timeout()));
        l.onProbe(new ProbeRecord(2, 0, 1, 0, router("10.0.0.1", 0.3)));
        l.onProbe(new ProbeRecord(3, 0, 1, 0, router("10.0.0.9", 1.5)));
        l.onProbe(new ProbeRecord(4, 0, 1, 0, router("10.0.0.1", 0.3)));
        assertEquals(""
                + "x 0 33000\nh 0 10.0.0.1\nh 0 10.0.0.1\np 0 213 33000\n" // new in the list, then current
                + "x 1 33001\n" // lost: no answer line
                + "x 0 33002\np 0 300 33002\n"
                + "x 0 33003\nh 0 10.0.0.9\nh 0 10.0.0.9\np 0 1500 33003\n"
                + "x 0 33004\nh 0 10.0.0.1\np 0 300 33004\n", out.toString()); // known, current again
    }

    @Test
    void rawNamesAPositionOnceItsNameIsKnown() {
        StringBuilder out = new StringBuilder();
        boolean[] known = {false};
        TraceListener l = MtrRaw.listener(out, a -> known[0] ? "gw.lab" : a.getHostAddress());
        l.onProbe(new ProbeRecord(1, 0, 1, 0, router("10.0.0.1", 1)));
        known[0] = true;
        l.onProbe(new ProbeRecord(2, 0, 1, 0, router("10.0.0.1", 1)));
        l.onProbe(new ProbeRecord(3, 0, 1, 0, router("10.0.0.1", 1)));
        assertEquals("x 0 33000\nh 0 10.0.0.1\nh 0 10.0.0.1\np 0 1000 33000\n"
                + "x 0 33001\nd 0 gw.lab\np 0 1000 33001\nx 0 33002\np 0 1000 33002\n", out.toString());
    }

    @Test
    void rawSequenceNumbersWrapAsMtrs() {
        StringBuilder out = new StringBuilder();
        TraceListener l = MtrRaw.listener(out, null);
        for (int i = 0; i < 65536 - 33000 + 1; i++) {
            l.onProbe(new ProbeRecord(1, 0, 5, 0, Traces.timeout()));
        }
        assertTrue(out.toString().endsWith("x 4 65535\nx 4 33000\n"), "wraps to 33000 after 65535");
    }
}
