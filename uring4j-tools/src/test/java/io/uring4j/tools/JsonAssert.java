package io.uring4j.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Compares JSON the tools write with the JSON they wrote before (issue 14 item 8: the schema
 * does not change). Both are parsed, with a plain mapper of its own (not the tools' one), and must
 * be equal trees with their fields in the same order: same names, nesting, types and values;
 * whitespace does not count. The expected documents are test resources under
 * {@code io/uring4j/tools/json/}; on a mismatch the actual one is written to
 * {@code target/json-actual/} to look at.
 */
public final class JsonAssert {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private JsonAssert() {}

    /** {@code actual} is the document of resource {@code json/<name>.json}. */
    public static void assertSameAsResource(String name, String actual) {
        try {
            assertSameJson(resource(name), actual);
        } catch (AssertionError e) {
            keep(name, actual);
            throw e;
        }
    }

    /** The text of resource {@code json/<name>.json} (fails, keeping nothing, when there is none). */
    public static String resource(String name) {
        try (InputStream in = JsonAssert.class.getResourceAsStream("json/" + name + ".json")) {
            assertNotNull(in, "no expected JSON json/" + name + ".json");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Both parse, to equal trees whose objects list their fields in the same order. */
    public static void assertSameJson(String expected, String actual) {
        JsonNode e = parse(expected, "expected");
        JsonNode a = parse(actual, "actual");
        assertTrue(e.equals(a), () -> "JSON differs:\nexpected " + e + "\nactual   " + a);
        assertSameOrder(e, a, "$");
    }

    /** The parsed document (fails if it is not JSON, or has anything after the value). */
    public static JsonNode parse(String json, String what) {
        try {
            return PLAIN.readerFor(JsonNode.class)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(json);
        } catch (IOException x) {
            return fail(what + " is not JSON (" + x.getMessage() + "): " + json);
        }
    }

    /** The names of {@code node}'s fields, in order. */
    public static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertSameOrder(JsonNode e, JsonNode a, String path) {
        if (e.isObject()) {
            assertEquals(fieldNames(e), fieldNames(a), "field order at " + path);
            for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                assertSameOrder(e.get(f), a.get(f), path + "." + f);
            }
        } else if (e.isArray()) {
            for (int i = 0; i < e.size(); i++) assertSameOrder(e.get(i), a.get(i), path + "[" + i + "]");
        }
    }

    private static void keep(String name, String actual) {
        try {
            Path dir = Path.of("target", "json-actual");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".json"), actual);
        } catch (IOException e) {
            // only a help for whoever looks at the failure
        }
    }
}
