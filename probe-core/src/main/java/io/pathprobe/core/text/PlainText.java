package io.pathprobe.core.text;

/**
 * Free text (an instance ID, a vantage point's name, a note quoting what a server answered, a reverse-DNS name) made
 * safe for one line of a text report or a terminal.
 */
public final class PlainText {
    private PlainText() {
    }

    /**
     * {@code text} with every control character written out, so that it stays on its line and cannot move the
     * cursor or recolour a terminal: {@code \n}, {@code \r} and {@code \t} as those two characters, other C0 and C1
     * controls, DEL, the Unicode line and paragraph separators and the bidirectional overrides (which reorder what
     * a reader sees) as {@code \}{@code uXXXX}. Everything else is kept; {@code null} stays {@code null}.
     */
    public static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && !isControl(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text; // the usual case: nothing to copy
        }
        StringBuilder sb = new StringBuilder(text.length() + 8).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
