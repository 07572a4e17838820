package io.uring4j.tools.bench;

import io.uring4j.core.IoUring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bench nop --tiny} end to end, as CI runs it: real JMH child JVMs, the real C peer (or
 * its reported absence), the JSON file. Asserts that everything ran and was recorded, never how
 * fast it was.
 */
@Timeout(180)
class BenchCommandTest {

    @Test
    void tinyNopRunWritesEveryContenderAndPoint(@TempDir Path dir) throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        Path json = dir.resolve("out/nop.json");
        int exit = new CommandLine(new BenchCommand()).execute("nop", "--tiny", "--json", json.toString());
        assertEquals(0, exit, "bench nop --tiny exit code");
        String doc = Files.readString(json);
        assertTrue(doc.startsWith("{\"machine\":{\"kernel\":"), doc);
        for (int batch : new int[] {1, 32}) {
            String subject = entry(doc, batch, "uring4j-core");
            assertTrue(number(subject, "median_ops_per_s") > 0, subject);
            assertTrue(number(subject, "cpu_s_per_op") > 0, subject);
            assertTrue(number(subject, "alloc_bytes_per_op") >= 0, subject);
            String peer = entry(doc, batch, "liburing-c");
            assertTrue(peer.contains("\"unavailable\":\"") || number(peer, "median_ops_per_s") > 0,
                    "the C peer is measured or reported missing with a reason: " + peer);
        }
    }

    @Test
    void helpListsEveryWorkloadTheCommandRuns() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        for (Workload w : BenchCommand.WORKLOADS) {
            assertTrue(help.contains(w.name() + " (" + w.summary() + ")"), w.name() + " in " + help);
        }
        String names = String.join(", ", BenchCommand.WORKLOADS.stream().map(Workload::name).toList());
        assertTrue(help.contains("[WORKLOAD] What to measure: " + names + ", or all of them (default)."), help);
    }

    @Test
    void unknownWorkloadIsAUsageError() {
        assertEquals(2, new CommandLine(new BenchCommand()).execute("no-such-workload", "--tiny"));
    }

    @Test
    void onlyKeepsTheMatchingPointsAndNamesBadFilters(@TempDir Path dir) {
        List<BenchPoint> points = new EchoWorkload().points(new BenchPlan("full", 1, 0, 1, 0, -1, dir, List.of(1), false));
        BenchPlan plan = new BenchPlan("full", 1, 0, 1, 0, -1, dir, List.of(1), false, null,
                Map.of("connections", "1000", "message_bytes", "4096"));
        assertEquals(List.of(Map.of("connections", 1000, "message_bytes", 4096)),
                plan.select("echo", points).stream().map(BenchPoint::params).toList());

        BenchPlan typo = new BenchPlan("full", 1, 0, 1, 0, -1, dir, List.of(1), false, null, Map.of("conections", "1"));
        var e = assertThrows(IllegalArgumentException.class, () -> typo.select("echo", points));
        assertTrue(e.getMessage().contains("conections") && e.getMessage().contains("[connections, message_bytes]"), e.getMessage());

        BenchPlan none = new BenchPlan("full", 1, 0, 1, 0, -1, dir, List.of(1), false, null, Map.of("connections", "7"));
        e = assertThrows(IllegalArgumentException.class, () -> none.select("echo", points));
        assertTrue(e.getMessage().contains("matches none"), e.getMessage());
    }

    /** The JSON object of one result. */
    private static String entry(String doc, int batch, String contender) {
        Matcher m = Pattern.compile("\\{\"workload\":\"nop\",\"params\":\\{\"batch\":" + batch
                + ",[^}]*},\"contender\":\"" + Pattern.quote(contender) + "\"[^}]*}").matcher(doc);
        assertTrue(m.find(), "no result for batch " + batch + " " + contender + " in " + doc);
        return m.group();
    }

    private static double number(String entry, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":([-0-9.Ee]+)").matcher(entry);
        assertTrue(m.find(), key + " is not a number in " + entry);
        return Double.parseDouble(m.group(1));
    }
}
