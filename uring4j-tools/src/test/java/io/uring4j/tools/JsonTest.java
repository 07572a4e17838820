package io.uring4j.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The tools' one mapper and its number helpers (issue 14 item 8). */
class JsonTest {

    @Test
    void numbersAreWrittenPlainAndRoundedAsTheReportsWant() {
        ObjectNode n = Json.object();
        n.put("tiny", Json.rounded(4.56789012345e-7));
        n.put("whole", Json.rounded(2.0));
        n.put("big", Json.rounded(1.23456789012e12));
        n.put("zero", Json.rounded(0.0));
        n.put("fixed", Json.fixed(12.3456, 2));
        n.put("fixed0", Json.fixed(2.1e8 + 0.5, 0));
        n.put("keeps_zeros", Json.fixed(12, 3));
        n.put("five", Json.rounded(1.0 / 3e9, 5));
        n.put("exact", Json.exact(1.0));
        n.put("exact_small", Json.exact(3.0e-4));
        n.put("nan", Json.rounded(Double.NaN));
        n.put("inf", Json.fixed(Double.POSITIVE_INFINITY, 1));
        n.put("neg_inf", Json.exact(Double.NEGATIVE_INFINITY));
        assertEquals("{\"tiny\":0.000000456789012,\"whole\":2,\"big\":1234567890000,\"zero\":0,\"fixed\":12.35,"
                + "\"fixed0\":210000001,\"keeps_zeros\":12.000,\"five\":0.00000000033333,\"exact\":1.0,\"exact_small\":0.00030,"
                + "\"nan\":null,\"inf\":null,\"neg_inf\":null}", Json.write(n));
    }

    @Test
    void stringsAreEscaped() {
        ObjectNode n = Json.object().put("s", "a \"q\" \\ b\nc\td\r\u0001 é 日本");
        String json = Json.write(n);
        assertEquals("{\"s\":\"a \\\"q\\\" \\\\ b\\nc\\td\\r\\u0001 é 日本\"}", json);
        assertEquals(n, JsonAssert.parse(json, "escaped"));
    }

    @Test
    void prettyIsOneFieldALine() {
        ObjectNode n = Json.object().put("a", 1);
        n.putArray("b").add(1).add("x");
        n.putObject("c").put("d", true);
        n.putObject("e");
        n.putArray("f");
        assertEquals("{\n  \"a\": 1,\n  \"b\": [\n    1,\n    \"x\"\n  ],\n  \"c\": {\n    \"d\": true\n  },\n"
                + "  \"e\": {},\n  \"f\": []\n}", Json.writePretty(n));
    }
}
