package io.pathprobe.ticket.report;

import io.pathprobe.ticket.evidence.TicketResults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the report bundle into a directory: {@value #HTML} (one self-contained page), {@value #SUMMARY} (for
 * pasting into a ticket) and {@value #RESULTS} (everything, schema {@value TicketResults#SCHEMA}). The fourth file,
 * {@value #EVENTS}, is streamed by {@link EventLog} while the capture runs.
 */
public final class ReportBundle {
    public static final String HTML = "report.html";
    public static final String SUMMARY = "summary.txt";
    public static final String RESULTS = "results.json";
    public static final String EVENTS = "events.jsonl";

    private ReportBundle() {
    }

    /** Writes the three files (creating {@code dir} if needed); each is written whole, then moved into place. */
    public static void write(Path dir, TicketResults results) throws IOException {
        Files.createDirectories(dir);
        // results.json first: if anything below fails, the data is safe.
        writeAtomically(dir.resolve(RESULTS), ResultsJson.toJson(results) + "\n");
        writeAtomically(dir.resolve(SUMMARY), SummaryText.render(results));
        writeAtomically(dir.resolve(HTML), html(results));
    }

    /** The HTML page alone. */
    public static String html(TicketResults results) {
        return HtmlReport.render(results);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
