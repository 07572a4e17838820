package io.uring4j.tools.bench;

import io.uring4j.core.IoUring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bench echo --tiny} end to end, as CI runs it: every server really started, driven by the
 * real C client (which checks every echoed byte) and stopped again. Asserts that each contender
 * was measured (or reported missing with a reason) and its figures recorded, never how fast.
 */
@Timeout(300)
class EchoWorkloadTest {
    private static final List<String> CONTENDERS = List.of("uring4j-runtime", "liburing-c", "netty-io_uring",
            "netty-epoll", "jdk-nio");

    @Test
    void tinyEchoRunMeasuresEveryServer(@TempDir Path dir) throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        Path json = dir.resolve("echo.json");
        int exit = new CommandLine(new BenchCommand()).execute("echo", "--tiny", "--json", json.toString());
        String doc = Files.readString(json);
        assertEquals(0, exit, "bench echo --tiny exit code; JSON: " + doc);
        for (String contender : CONTENDERS) {
            String e = entry(doc, contender);
            if (e.contains("\"unavailable\":\"")) continue; // a peer that cannot be built here is reported, not dropped
            assertTrue(number(e, "median_ops_per_s") > 0, e);
            assertTrue(number(e, "cpu_s_per_op") > 0, "server CPU per request: " + e);
            assertTrue(number(e, "p99_us") > 0, e);
            assertTrue(number(e, "client_cpu_util") > 0, e);
        }
        String subject = entry(doc, "uring4j-runtime");
        assumeFalse(subject.contains("the load client is missing"), () -> "no C load client to drive the servers: " + subject);
        assertFalse(subject.contains("\"unavailable\""), "the subject itself must run: " + doc);
    }

    private static String entry(String doc, String contender) {
        Matcher m = Pattern.compile("\\{\"workload\":\"echo\",\"params\":\\{[^}]*},\"contender\":\""
                + Pattern.quote(contender) + "\"[^}]*}").matcher(doc);
        assertTrue(m.find(), "no result for " + contender + " in " + doc);
        return m.group();
    }

    private static double number(String entry, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([-0-9.Ee]+)").matcher(entry);
        assertTrue(m.find(), key + " is not a number in " + entry);
        return Double.parseDouble(m.group(1));
    }
}
