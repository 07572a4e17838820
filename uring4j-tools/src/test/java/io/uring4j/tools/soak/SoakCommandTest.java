package io.uring4j.tools.soak;

import io.uring4j.core.IoUring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        assertTrue(written.contains("\"errors\": 0,"), written);
        assertTrue(written.contains("\"passed\": true"), written);
        for (String kind : new String[] {"messages", "closes", "half_closes", "resets", "copies", "reads", "cancels",
                "bytes_echoed", "accepted", "server_freed", "copy_bytes", "read_bytes"}) {
            Matcher m = Pattern.compile("\"" + kind + "\": (\\d+)").matcher(written);
            assertTrue(m.find(), kind + " in " + written);
            assertTrue(Long.parseLong(m.group(1)) > 0, kind + " moved: " + m.group());
        }
        Matcher samples = Pattern.compile("\"seconds\": [0-9.]+, \"messages\"").matcher(written);
        int n = 0;
        while (samples.find()) n++;
        assertTrue(n >= 12, "samples taken: " + n);
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
