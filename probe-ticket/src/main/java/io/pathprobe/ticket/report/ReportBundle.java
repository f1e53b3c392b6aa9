package io.pathprobe.ticket.report;

import io.pathprobe.core.io.OutputDirectory;
import io.pathprobe.ticket.diagnosis.Messages;
import io.pathprobe.ticket.evidence.TicketResults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

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

    /** Writes the three files in English; see {@link #write(Path, TicketResults, Locale)}. */
    public static void write(Path dir, TicketResults results) throws IOException {
        write(dir, results, Locale.ENGLISH);
    }

    /**
     * Writes the three files (creating {@code dir} if needed), {@value #SUMMARY} and {@value #HTML} in
     * {@code locale} ({@link Messages#LANGUAGES}; {@value #RESULTS} is the same in every language); each is
     * written whole, then moved into place, never through a link ({@link OutputDirectory} says which directories
     * are refused).
     */
    public static void write(Path dir, TicketResults results, Locale locale) throws IOException {
        try (OutputDirectory out = OutputDirectory.open(dir)) {
            // results.json first: if anything below fails, the data is safe.
            out.writeAtomically(RESULTS, ResultsJson.toJson(results) + "\n");
            render(out, results, locale);
        }
    }

    /**
     * Renders a capture again in {@code locale}: writes {@value #SUMMARY} and {@value #HTML} into {@code dir}
     * (creating it) from results read back with {@link ResultsJson#read}; {@value #RESULTS} is left alone.
     */
    public static void render(Path dir, TicketResults results, Locale locale) throws IOException {
        try (OutputDirectory out = OutputDirectory.open(dir)) {
            render(out, results, locale);
        }
    }

    private static void render(OutputDirectory out, TicketResults results, Locale locale) throws IOException {
        out.writeAtomically(SUMMARY, SummaryText.render(results, locale));
        out.writeAtomically(HTML, html(results, locale));
    }

    /** The HTML page alone, in English. */
    public static String html(TicketResults results) {
        return html(results, Locale.ENGLISH);
    }

    /** The HTML page alone, in {@code locale}. */
    public static String html(TicketResults results, Locale locale) {
        return HtmlReport.render(results, locale);
    }
}
