package io.pathprobe.ticket.report;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens report.html in headless Chromium (Debian package {@code chromium}, installed by {@code .ci/run}): it
 * renders, the charts are there, and a screenshot lands in {@code target/browser/report.png}. The page is a local
 * file and the browser is told not to reach the network (no background networking, updates, sync or QUIC).
 */
@Tag("browser")
class BrowserReportTest {
    private static final long TIMEOUT_S = 90;

    @Test
    void rendersInHeadlessChromium() throws Exception {
        String chromium = findChromium();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium): browser test skipped");
        Path out = Path.of("target", "browser").toAbsolutePath();
        Files.createDirectories(out);
        ReportBundle.write(out, SampleTicket.results());
        Path html = out.resolve(ReportBundle.HTML);
        Path png = out.resolve("report.png");
        Files.deleteIfExists(png);

        run(chromium, out, "--screenshot=" + png, "--window-size=1280,2000", html.toUri().toString());
        assertTrue(Files.exists(png), "no screenshot written");
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 30_000, "screenshot of " + bytes.length + " bytes is too small to hold the report");
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, StandardCharsets.US_ASCII));

        String dom = run(chromium, out, "--dump-dom", html.toUri().toString());
        assertEquals(6, count(dom, "<svg "), "the six charts are in the rendered DOM");
        assertTrue(count(dom, "<path class=\"rtt\"") >= 6, "each chart draws its RTT line");
        assertTrue(dom.contains("Cause 4: Loss on the client"), "the diagnosis headline is shown");
        for (String bad : List.of("ERR_", "This page isn", "Aw, Snap")) {
            assertFalse(dom.contains(bad), "error text in the rendered page: " + bad);
        }
    }

    /**
     * The report in Simplified Chinese, as Chromium draws it. Three checks that each fail without a CJK font:
     * <ol>
     *   <li>every non-ASCII character of the diagnosis and checklist is covered by an installed font
     *       ({@code fc-list}'s charsets);</li>
     *   <li>drawn one per cell in the report's own font stack, none of those characters is the missing-glyph box
     *       (the cell of U+10FFFD, which no font has, drawn alongside) or blank; the same grid drawn with a font
     *       configuration without the CJK fonts must show the boxes for the Han characters, so the comparison is
     *       shown to see them;</li>
     *   <li>the screenshot of the report's diagnosis region differs from that region drawn without the CJK fonts
     *       (boxes).</li>
     * </ol>
     * The screenshots land in {@code target/browser/} (report.zh-CN.png, glyphs.zh-CN.png, glyphs-tofu.png).
     */
    @Test
    void chineseReportHasNoMissingGlyphs() throws Exception {
        String chromium = findChromium();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium): browser test skipped");
        Path out = Path.of("target", "browser").toAbsolutePath();
        Path zhDir = out.resolve("zh-CN");
        Files.createDirectories(zhDir);
        ReportBundle.write(zhDir, SampleTicket.results(), Locale.SIMPLIFIED_CHINESE);
        Path html = zhDir.resolve(ReportBundle.HTML);
        String page = Files.readString(html);
        String region = page.substring(page.indexOf("id=\"diagnosis\""), page.indexOf("<h2>"));
        int[] chars = region.codePoints().filter(c -> c > 0x7e).distinct().sorted().toArray();
        long han = IntStream.of(chars).filter(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN).count();
        assertTrue(han > 50, "the diagnosis is in Chinese: " + han + " Han characters");

        // 1. Coverage by the installed fonts.
        Set<Integer> uncovered = uncovered(chars);
        assertEquals(Set.of(), uncovered, "characters no installed font has (apt-get install fonts-noto-cjk)");

        // 2. Each character in its own cell, against the missing-glyph box.
        Path grid = out.resolve("glyphs.html");
        Files.writeString(grid, gridPage(chars));
        Path png = out.resolve("glyphs.zh-CN.png");
        screenshot(chromium, out, grid, png, GRID_COLS * CELL, (chars.length / GRID_COLS + 2) * CELL, Map.of());
        List<Integer> boxes = boxes(ImageIO.read(png.toFile()), chars);
        assertEquals(List.of(), boxes.stream().map(c -> new String(Character.toChars(c)) + " U+"
                + Integer.toHexString(c)).toList(), "characters drawn as missing-glyph boxes or blank; see " + png);

        Path conf = noCjkFontConfig(out);
        assumeTrue(conf != null, "no font directory without CJK fonts: the control render cannot be made");
        Path tofu = out.resolve("glyphs-tofu.png");
        screenshot(chromium, out, grid, tofu, GRID_COLS * CELL, (chars.length / GRID_COLS + 2) * CELL,
                Map.of("FONTCONFIG_FILE", conf.toString()));
        List<Integer> tofuBoxes = boxes(ImageIO.read(tofu.toFile()), chars);
        long hanBoxes = tofuBoxes.stream().filter(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
                .count();
        assertEquals(han, hanBoxes, "without CJK fonts every Han character must show as a box (the control): " + tofu);

        // 3. The report itself: its diagnosis region with the fonts is not the one without them.
        Path shot = out.resolve("report.zh-CN.png");
        Path shotTofu = out.resolve("report.zh-CN-tofu.png");
        screenshot(chromium, out, html, shot, 1280, 2000, Map.of());
        screenshot(chromium, out, html, shotTofu, 1280, 2000, Map.of("FONTCONFIG_FILE", conf.toString()));
        BufferedImage a = ImageIO.read(shot.toFile());
        BufferedImage b = ImageIO.read(shotTofu.toFile());
        assertTrue(differingPixels(a, b, 0, 0, 1280, 400) > 2000, "the diagnosis region looks the same with and"
                + " without CJK fonts: " + shot + " vs " + shotTofu);

        String dom = run(chromium, out, Map.of(), "--dump-dom", html.toUri().toString());
        assertTrue(dom.contains("<html lang=\"zh-CN\">"), "the page says it is Chinese (for font selection)");
        assertTrue(dom.contains("诊断结论") || dom.contains("原因 4：客户端网络或运营商链路丢包"), "the headline is shown");
    }

    static final int CELL = 48;
    static final int GRID_COLS = 20;
    /** No font has it: Chromium draws the missing-glyph box. */
    static final int NO_GLYPH = 0x10FFFD;

    /** Cell 0: U+10FFFD (the box), cell 1: empty, then one character a cell, in the report's font stack. */
    static String gridPage(int[] chars) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                + "<style>body{margin:0;background:#fff}div{display:grid;grid-template-columns:repeat(" + GRID_COLS
                + "," + CELL + "px);grid-auto-rows:" + CELL + "px}span{font:32px/" + CELL + "px -apple-system,"
                + "\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,\"Noto Sans CJK SC\",\"PingFang SC\","
                + "\"Microsoft YaHei\",sans-serif;color:#000;text-align:center;overflow:hidden}</style></head>"
                + "<body><div><span>&#x" + Integer.toHexString(NO_GLYPH) + ";</span><span></span>");
        for (int c : chars) {
            sb.append("<span>&#x").append(Integer.toHexString(c)).append(";</span>");
        }
        return sb.append("</div></body></html>").toString();
    }

    /**
     * The characters whose cell is the box (fewer than 2% of its pixels differ from the U+10FFFD cell by more than
     * a quarter of the grey range) or blank (no dark pixel).
     */
    static List<Integer> boxes(BufferedImage img, int[] chars) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < chars.length; i++) {
            int cell = i + 2;
            int x = (cell % GRID_COLS) * CELL;
            int y = (cell / GRID_COLS) * CELL;
            boolean box = differingPixels(img, img, x, y, 0, 0, CELL, CELL) < CELL * CELL / 50;
            boolean blank = differingPixels(img, img, x, y, CELL, 0, CELL, CELL) == 0;
            if (box || blank) {
                out.add(chars[i]);
            }
        }
        return out;
    }

    static int differingPixels(BufferedImage a, BufferedImage b, int x, int y, int w, int h) {
        return differingPixels(a, b, x, y, x, y, w, h);
    }

    /** Pixels of the w×h square at (ax, ay) in a and (bx, by) in b whose grey differs by more than 64. */
    static int differingPixels(BufferedImage a, BufferedImage b, int ax, int ay, int bx, int by, int w, int h) {
        int n = 0;
        for (int dy = 0; dy < h; dy++) {
            for (int dx = 0; dx < w; dx++) {
                if (ax + dx >= a.getWidth() || ay + dy >= a.getHeight() || bx + dx >= b.getWidth()
                        || by + dy >= b.getHeight()) {
                    continue;
                }
                if (Math.abs(grey(a.getRGB(ax + dx, ay + dy)) - grey(b.getRGB(bx + dx, by + dy))) > 64) {
                    n++;
                }
            }
        }
        return n;
    }

    static int grey(int rgb) {
        return (((rgb >> 16) & 0xff) * 3 + ((rgb >> 8) & 0xff) * 6 + (rgb & 0xff)) / 10;
    }

    /** The code points no installed font covers, from {@code fc-list}'s charsets (hex ranges). */
    static Set<Integer> uncovered(int[] chars) throws Exception {
        Process p = new ProcessBuilder("fc-list", "--format", "%{charset}\\n").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(TIMEOUT_S, TimeUnit.SECONDS) && p.exitValue() == 0, "fc-list failed: " + text);
        BitSet covered = new BitSet();
        for (String range : text.split("\\s+")) {
            if (range.isEmpty()) {
                continue;
            }
            String[] ends = range.split("-");
            int lo = Integer.parseInt(ends[0], 16);
            int hi = ends.length > 1 ? Integer.parseInt(ends[1], 16) : lo;
            covered.set(lo, hi + 1);
        }
        Set<Integer> out = new TreeSet<>();
        IntStream.of(chars).filter(c -> !covered.get(c)).forEach(out::add);
        return out;
    }

    /** A fontconfig file with only the font directories that hold no Han font, or null when there are none. */
    static Path noCjkFontConfig(Path out) throws Exception {
        Set<String> all = fontDirs();
        Set<String> han = fontDirs(":charset=5b57");
        all.removeAll(han);
        if (all.isEmpty()) {
            return null;
        }
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">"
                + "<fontconfig>");
        all.forEach(d -> x.append("<dir>").append(d).append("</dir>"));
        x.append("<cachedir>").append(out.resolve("fontconfig-cache")).append("</cachedir></fontconfig>");
        Path conf = out.resolve("fonts-no-cjk.conf");
        Files.writeString(conf, x.toString());
        return conf;
    }

    static Set<String> fontDirs(String... pattern) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("fc-list"));
        cmd.addAll(List.of(pattern));
        cmd.addAll(List.of("--format", "%{file}\\n"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(TIMEOUT_S, TimeUnit.SECONDS) && p.exitValue() == 0, "fc-list failed: " + text);
        Set<String> dirs = new TreeSet<>();
        text.lines().filter(l -> !l.isBlank()).forEach(l -> dirs.add(Path.of(l).getParent().toString()));
        return dirs;
    }

    private static void screenshot(String chromium, Path out, Path page, Path png, int w, int h,
                                   Map<String, String> env) throws Exception {
        Files.deleteIfExists(png);
        run(chromium, out, env, "--screenshot=" + png, "--window-size=" + w + "," + h, "--hide-scrollbars",
                page.toUri().toString());
        assertTrue(Files.exists(png), "no screenshot written: " + png);
    }

    private static String run(String chromium, Path out, String... args) throws Exception {
        return run(chromium, out, Map.of(), args);
    }

    private static String run(String chromium, Path out, Map<String, String> env, String... args) throws Exception {
        Path profile = Files.createTempDirectory(out, "profile");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                // Chromium resolves service names of its own even with background networking off (20 DNS
                // queries a run to the system resolver, seen with an nft counter): no name resolves, nothing leaves.
                "--host-resolver-rules=MAP * ~NOTFOUND"));
        cmd.addAll(List.of(args));
        Path log = out.resolve("chromium.log");
        Path stdout = out.resolve("chromium.out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile()).redirectOutput(stdout.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in " + TIMEOUT_S + " s: " + String.join(" ", cmd));
        }
        deleteTree(profile);
        assertEquals(0, p.exitValue(), () -> "chromium failed; see " + log);
        return Files.readString(stdout);
    }

    private static int count(String s, String part) {
        return s.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static String findChromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
