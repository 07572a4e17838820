package io.uring4j.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.uring4j.core.IoUring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bench read copy --tiny} end to end, as CI runs them: every contender measured or
 * reported missing with a reason, the JSON in the shape, a Markdown report and a PNG per
 * workload. Nothing about speed is asserted.
 */
@Timeout(300)
class FileWorkloadsTest {
    private static final List<String> KEYS = List.of("workload", "params", "contender", "median_ops_per_s",
            "p10_ops_per_s", "p90_ops_per_s", "cpu_s_per_op", "p99_us");

    private static JsonNode run(Path dir, String workload) throws Exception {
        Path json = dir.resolve(workload + ".json");
        int exit = new CommandLine(new BenchCommand()).execute(workload, "--tiny", "--json", json.toString(),
                "--out", dir.resolve("out").toString());
        assertEquals(0, exit, "bench " + workload + " --tiny exit code");
        assertTrue(Files.size(dir.resolve("out/" + workload + ".png")) > 1000, "the chart was drawn");
        String md = Files.readString(dir.resolve("out/" + workload + ".md"));
        assertTrue(md.contains("| contender |") && md.contains("![" + workload + "](" + workload + ".png)"), md);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertTrue(doc.path("machine").path("kernel").isTextual(), doc.toString());
        return doc;
    }

    /** Every result has the keys, and is measured or says why not. */
    private static Set<String> contenders(JsonNode doc, String workload, int expectedPerContender) {
        Set<String> names = new TreeSet<>();
        for (JsonNode r : doc.path("results")) {
            for (String k : KEYS) assertTrue(r.has(k), k + " missing in " + r);
            assertEquals(workload, r.path("workload").asText());
            names.add(r.path("contender").asText());
            assertTrue(r.has("unavailable") || r.path("median_ops_per_s").asDouble() > 0, "measured or missing: " + r);
        }
        assertEquals(names.size() * expectedPerContender, doc.path("results").size(), doc.toString());
        return names;
    }

    @Test
    void tinyReadMeasuresEveryContender(@TempDir Path dir) throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        JsonNode doc = run(dir, "read");
        assertEquals(Set.of("fio-io_uring", "fio-psync", "jdk-async-filechannel", "jdk-filechannel", "jdk-filechannel-2t",
                "jdk-filechannel-vthreads", "liburing-c", "uring4j-core", "uring4j-runtime"), contenders(doc, "read", 1));
        for (JsonNode r : doc.path("results")) {
            if (r.path("contender").asText().startsWith("uring4j")) {
                assertTrue(r.path("p99_us").asDouble() > 0 && r.path("cpu_s_per_op").asDouble() > 0, r.toString());
            }
        }
        assertTrue(doc.path("workloads").path("read").path("notes").toString().contains("resident"), doc.toString());
    }

    @Test
    void tinyCopyChecksEveryCopy(@TempDir Path dir) throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        JsonNode doc = run(dir, "copy");
        assertEquals(Set.of("cp", "jdk-files-copy", "jdk-transferto", "uring4j-cp"), contenders(doc, "copy", 1));
        assertEquals("MB/s", doc.path("workloads").path("copy").path("unit").asText());
        assertTrue(doc.path("workloads").path("copy").path("notes").toString().contains("CRC32C"), doc.toString());
    }
}
