package io.pathprobe.core.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class PlainTextTest {
    @Test
    void controlsAreWrittenOutAndTheRestKept() {
        String plain = "lb-123 (Zürich, 東京) 10.0.0.1";
        assertSame(plain, PlainText.oneLine(plain));
        assertEquals("lb-1\\nDIAGNOSIS: no fault found", PlainText.oneLine("lb-1\nDIAGNOSIS: no fault found"));
        assertEquals("a\\r\\tb", PlainText.oneLine("a\r\tb"));
        assertEquals("\\u001b[2Jx\\u007f\\u0085", PlainText.oneLine("\u001b[2Jx\u007f\u0085"));
        assertEquals("abc\\u202egnp.exe\\u2028", PlainText.oneLine("abc\u202egnp.exe\u2028"));
        assertNull(PlainText.oneLine(null));
    }
}
