package io.pathprobe.ticket.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pathprobe.core.io.OutputDirectory;
import io.pathprobe.ticket.evidence.TicketResults;
import io.pathprobe.ticket.hostcheck.HostCheckReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes {@code results.json} (and hostcheck's JSON) in the documented schema. */
public final class ResultsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            // Later 1.x files may carry fields this version does not know: read what we know.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultsJson() {
    }

    /** The shared mapper (records in, JSON out); do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON for " + value.getClass().getSimpleName(), e);
        }
    }

    /** Writes {@code results} to {@code file} whole, never through a link (see {@link OutputDirectory}). */
    public static void write(Path file, TicketResults results) throws IOException {
        Path abs = file.toAbsolutePath();
        try (OutputDirectory dir = OutputDirectory.open(abs.getParent())) {
            dir.writeAtomically(abs.getFileName().toString(), toJson(results) + "\n");
        }
    }

    /**
     * Reads a results file.
     *
     * @throws IllegalArgumentException when it is not a {@value TicketResults#SCHEMA} file
     */
    public static TicketResults read(Path file) throws IOException {
        TicketResults r = MAPPER.readValue(file.toFile(), TicketResults.class);
        if (!TicketResults.SCHEMA.equals(r.schema())) {
            throw new IllegalArgumentException(file + " has schema '" + r.schema() + "', not '"
                    + TicketResults.SCHEMA + "': it was written by another version of pathprobe");
        }
        return r;
    }

    /**
     * Reads a {@code pathprobe hostcheck --json} report, to give a ticket capture as evidence.
     *
     * @throws IllegalArgumentException when the file is not a hostcheck report
     */
    public static HostCheckReport readHostCheck(Path file) throws IOException {
        HostCheckReport r;
        try {
            r = MAPPER.readValue(file.toFile(), HostCheckReport.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not a hostcheck report (pathprobe hostcheck --json): "
                    + e.getOriginalMessage(), e);
        }
        if (r.rpFilter().isEmpty()) {
            throw new IllegalArgumentException(file + " is not a hostcheck report (no rpFilter entries): give the"
                    + " output of 'pathprobe hostcheck --json'");
        }
        return r;
    }
}
