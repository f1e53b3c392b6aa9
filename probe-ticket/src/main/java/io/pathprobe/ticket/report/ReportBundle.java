package io.pathprobe.ticket.report;

import io.pathprobe.core.io.OutputDirectory;
import io.pathprobe.ticket.evidence.TicketResults;

import java.io.IOException;
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

    /**
     * Writes the three files (creating {@code dir} if needed); each is written whole, then moved into place, never
     * through a link ({@link OutputDirectory} says which directories are refused).
     */
    public static void write(Path dir, TicketResults results) throws IOException {
        try (OutputDirectory out = OutputDirectory.open(dir)) {
            // results.json first: if anything below fails, the data is safe.
            out.writeAtomically(RESULTS, ResultsJson.toJson(results) + "\n");
            out.writeAtomically(SUMMARY, SummaryText.render(results));
            out.writeAtomically(HTML, html(results));
        }
    }

    /** The HTML page alone. */
    public static String html(TicketResults results) {
        return HtmlReport.render(results);
    }
}
