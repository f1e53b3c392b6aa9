package io.pathprobe.mtr;

/**
 * mtr 0.95's {@code --xml} layout: {@code <MTR SRC DST TOS PSIZE TESTS>} with a {@code <HUB COUNT HOST>} per hop,
 * each holding one element per field named by its title ({@code Loss}, not {@code Loss%}), its text the report's
 * cell (mtr pads them alike, e.g. {@code <Loss>  0.0%</Loss>}); the space field has no element. mtr's
 * {@code BITPATTERN} attribute is left out: the payload here is not one repeated byte. Names and the target are
 * escaped for XML (mtr writes them as they are).
 */
public final class MtrXml {
    private MtrXml() {
    }

    public static String format(TraceSnapshot trace, FormatOptions options) {
        TraceHeader info = trace.info();
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n");
        sb.append("<MTR SRC=\"").append(escape(info.source())).append("\" DST=\"").append(escape(info.targetHost()))
                .append("\" TOS=\"0x").append(Integer.toHexString(info.tos())).append("\" PSIZE=\"")
                .append(info.packetSize()).append("\" TESTS=\"").append(info.count()).append("\">\n");
        for (HopSnapshot h : trace.hops()) {
            sb.append("    <HUB COUNT=\"").append(h.ttl()).append("\" HOST=\"").append(escape(options.name(h.host())))
                    .append("\">\n");
            for (MtrField f : options.fields()) {
                if (f.isSpace()) {
                    continue;
                }
                String tag = f.title().replace("%", "");
                sb.append("        <").append(tag).append('>').append(f.cell(h.stats())).append("</").append(tag)
                        .append(">\n");
            }
            sb.append("    </HUB>\n");
        }
        return sb.append("</MTR>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
