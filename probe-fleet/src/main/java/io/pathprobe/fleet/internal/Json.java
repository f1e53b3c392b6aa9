package io.pathprobe.fleet.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pathprobe.ticket.report.ResultsJson;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The fleet's JSON: the project's mapper for values, a strict one for what arrives from the broker. */
public final class Json {
    public static final String SCHEMA = "pathprobe.fleet/1";
    public static final ObjectMapper MAPPER = ResultsJson.mapper();
    /** Plans and requests are read strictly: an unknown key is a mistake (or a probe for one). */
    public static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private Json() {
    }

    public static ObjectNode object() {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("schema", SCHEMA);
        return n;
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code data} as JSON, or an empty object when it is not. */
    public static JsonNode read(byte[] data) {
        try {
            JsonNode n = data == null || data.length == 0 ? null : MAPPER.readTree(data);
            return n == null ? MAPPER.createObjectNode() : n;
        } catch (IOException e) {
            return MAPPER.createObjectNode();
        }
    }

    /** An error answer: {@code {"error", "status", "retryAfter"}}. */
    public static byte[] error(int status, String message, long retryAfter) {
        ObjectNode n = object();
        n.put("error", message);
        n.put("status", status);
        if (retryAfter > 0) {
            n.put("retryAfter", retryAfter);
        }
        return bytes(n);
    }
}
