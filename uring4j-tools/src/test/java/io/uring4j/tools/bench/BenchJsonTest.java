package io.uring4j.tools.bench;

import io.uring4j.tools.bench.report.BenchReport;
import io.uring4j.tools.bench.report.ContenderResult;
import io.uring4j.tools.bench.report.MachineInfo;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.uring4j.tools.JsonAssert.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 14 item 8: the JSON of {@code uring4j bench --json} keeps its schema. Fixed machines,
 * plans and results give the documents the hand-written JSON gave (resources json/bench-*.json):
 * the same fields in the same order, numbers as numbers (NaN as null), strings escaped.
 */
class BenchJsonTest {
    /** Needs every escape: a quote, a backslash, a newline, a tab, a control character, non-ASCII. */
    static final String ODD = "say \"hi\" \\ there\nnext\tline \u0001 é ü 日本";

    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    private record FixedWorkload(String name, String description, String unit) implements Workload {
        @Override
        public String summary() {
            return "a fixed workload";
        }

        @Override
        public List<BenchPoint> points(BenchPlan plan) {
            return List.of(BenchPoint.NONE);
        }

        @Override
        public Contender subject(BenchPlan plan) {
            throw new UnsupportedOperationException("never run");
        }

        @Override
        public List<Contender> peers(BenchPlan plan) {
            return List.of();
        }
    }

    private static BenchPoint point(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return new BenchPoint(m);
    }

    private static ContenderResult measured(String name, Sample... samples) {
        ContenderResult r = new ContenderResult(name);
        for (Sample s : samples) r.add(s);
        return r;
    }

    static MachineInfo machine() {
        return new MachineInfo("6.1.0-41-cloud-amd64 \"k\"", 2, "Intel(R) Xeon(R) CPU \\ @ 2.20GHz\u0001", 7961,
                "Eclipse Adoptium OpenJDK 64-Bit Server VM 25+36-LTS é", "2.3", "fio-3.33", "0", "filter",
                "0.52 0.61 0.70 1/234 5678", "1.01 0.80 0.75 2/240 6000", 1.25);
    }

    @Test
    void aRunWithEveryKindOfResult() {
        BenchPlan plan = new BenchPlan("full", 5, 2.0, 5.0, 10.0, 1, Path.of("/tmp/bench"), List.of(1, 32), false);
        Workload nop = new FixedWorkload("nop", "NOP submit+reap: " + ODD, "ops/s");
        Map<BenchPoint, List<ContenderResult>> nopResults = new LinkedHashMap<>();
        ContenderResult unavailable = new ContenderResult("liburing-c");
        unavailable.unavailable("gcc missing: install them with: apt-get install -y gcc liburing-dev \"now\"");
        ContenderResult failed = measured("fio-io_uring", new Sample(812345.678912345, 1.23456789e-6, Double.NaN));
        failed.failed("exited with 2:\n\"boom\" \\ \u0002");
        nopResults.put(point("batch", 1, "registered_ring_fd", false, "file", "tmp\"fs"), List.of(
                measured("uring4j-core", new Sample(2150000.5, 4.56789e-7, 0.0), new Sample(2161234.25, 4.5e-7, 0.0),
                        new Sample(1999999.999, 4.7e-7, 0.0)),
                unavailable, failed));
        ContenderResult unavailable2 = new ContenderResult("liburing-c");
        unavailable2.unavailable("gcc missing");
        nopResults.put(point("batch", 32, "registered_ring_fd", true, "file", "disk\\x"), List.of(
                measured("uring4j-core", new Sample(1.0e7, 1.0e-7, 12.5, 3.25, 0.95), new Sample(100.0, 0.001, 1e9, 1234.5678, 1.0)),
                unavailable2));
        BenchReport nopReport = new BenchReport(nop, plan, nopResults, List.of("files: " + ODD, "second note"));

        Workload echo = new FixedWorkload("echo", "ping-pong", "req/s");
        Map<BenchPoint, List<ContenderResult>> echoResults = new LinkedHashMap<>();
        echoResults.put(point("connections", 1000, "message_bytes", 4096), List.of(
                measured("uring4j-runtime", new Sample(150123.4, 6.1e-6, Double.NaN, 812.3, 0.97)),
                measured("netty-epoll", new Sample(140000, 7.0e-6, Double.NaN, 900, 0.99))));
        BenchReport echoReport = new BenchReport(echo, plan, echoResults, List.of());

        String json = new BenchSession(plan, NOWHERE, NOWHERE).toJson(machine(), List.of(nopReport, echoReport));
        assertSameAsResource("bench-run", json);
        assertFalse(json.contains("\n"), "one line");
    }

    @Test
    void anUnpinnedRunWhoseWorkloadFailedBeforeItsFigures() {
        BenchPlan plan = new BenchPlan("quick", 2, 0.3, 0.25, 1.5, -1, Path.of("/tmp/bench"), List.of(1), true);
        Workload copy = new FixedWorkload("copy", "copy 1 GiB", "MB/s");
        BenchReport failed = new BenchReport(copy, plan, new LinkedHashMap<>(), List.of("FAILED before its figures: " + ODD));
        MachineInfo m = new MachineInfo("6.12.0", 64, "unknown", 0, "jdk", "2.5", "fio not installed", "n/a", "n/a", "n/a", "n/a",
                3.0E-4);
        String json = new BenchSession(plan, NOWHERE, NOWHERE).toJson(m, List.of(failed));
        assertSameAsResource("bench-unpinned-failed", json);
    }

    @Test
    void theMachineAlone() {
        assertSameAsResource("bench-machine", io.uring4j.tools.Json.write(machine().toJson()));
    }
}
