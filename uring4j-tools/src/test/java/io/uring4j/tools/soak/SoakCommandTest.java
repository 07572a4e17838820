package io.uring4j.tools.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.uring4j.core.IoUring;
import io.uring4j.tools.JsonAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code uring4j soak} in this JVM: a short run must pass, and every kind of operation must have happened. */
@Timeout(120)
class SoakCommandTest {

    @Test
    void aTenSecondSoakOfFiftyConnectionsPassesAndDoesEveryKindOfOperation(@TempDir Path dir) throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        Path json = dir.resolve("soak.json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = new Soak(new Soak.Plan(10 / 60.0, 50, 42, json, 1), o, e).run();
        }
        String report = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, report);
        assertTrue(report.contains("soak: PASS"), report);
        String written = Files.readString(json);
        JsonNode doc = JsonAssert.parse(written, "the soak's JSON");
        assertEquals(0, doc.get("errors").asLong(-1), written);
        assertTrue(doc.get("passed").booleanValue(), written);
        for (String kind : new String[] {"messages", "closes", "half_closes", "resets", "copies", "reads", "cancels",
                "bytes_echoed", "accepted", "server_freed", "copy_bytes", "read_bytes"}) {
            JsonNode n = doc.get("totals").get(kind);
            assertTrue(n != null && n.isIntegralNumber(), kind + " in " + written);
            assertTrue(n.longValue() > 0, kind + " moved: " + n);
        }
        JsonNode samples = doc.get("samples");
        assertTrue(samples.size() >= 12, "samples taken: " + samples.size());
        assertEquals("seconds", JsonAssert.fieldNames(samples.get(0)).get(0), written);
        assertTrue(written.lines().count() > samples.size(), "one field a line, for people to read: " + written);
    }

    @Test
    void badNumbersAreUsageErrors() {
        for (String[] args : new String[][] {{"--minutes", "0"}, {"--minutes", "-1"}, {"--connections", "0"}, {"--loops", "0"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            CommandLine cl = new CommandLine(new SoakCommand());
            cl.setErr(new java.io.PrintWriter(err, true));
            assertEquals(2, cl.execute(args), String.join(" ", args));
            assertTrue(err.toString().contains("must be"), err.toString());
        }
    }
}
