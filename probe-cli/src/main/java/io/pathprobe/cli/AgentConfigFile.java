package io.pathprobe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code pathprobe agent --config FILE}: a JSON object with {@code allow} (rules as for {@code --allow}) and
 * {@code name}. Unknown keys are errors that name the key and its line.
 */
record AgentConfigFile(List<String> allow, String name) {
    private static final long MAX_BYTES = 1 << 20;
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    AgentConfigFile {
        allow = allow == null ? List.of() : List.copyOf(allow);
    }

    static AgentConfigFile read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new UsageException("--config " + file + " is larger than 1 MiB: is it the right file?");
            }
            return STRICT.readValue(file.toFile(), AgentConfigFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new UsageException("--config " + file + " line " + e.getLocation().getLineNr() + ": unknown key '"
                    + e.getPropertyName() + "' (known: allow, name)", e);
        } catch (JsonProcessingException e) {
            throw new UsageException("--config " + file + " line " + (e.getLocation() == null ? "?"
                    : e.getLocation().getLineNr()) + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UsageException("--config " + file + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }
}
