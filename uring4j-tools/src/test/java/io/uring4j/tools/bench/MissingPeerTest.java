package io.uring4j.tools.bench;

import io.uring4j.tools.bench.contender.CProgramContender;
import io.uring4j.tools.bench.report.BenchReport;
import io.uring4j.tools.bench.report.ContenderResult;
import io.uring4j.tools.bench.report.MachineInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A peer that cannot be built is reported as missing, with its reason, in the table and the JSON. */
class MissingPeerTest {

    /** A workload whose subject reports a fixed rate and whose C peer has no source. */
    private static final class OnePointWorkload implements Workload {
        @Override
        public String name() {
            return "probe-missing";
        }

        @Override
        public String summary() {
            return "a missing peer";
        }

        @Override
        public String description() {
            return "a C peer without source";
        }

        @Override
        public List<BenchPoint> points(BenchPlan plan) {
            return List.of(BenchPoint.NONE.with(Param.BATCH, 1));
        }

        @Override
        public Contender subject(BenchPlan plan) {
            return new Contender() {
                @Override
                public String name() {
                    return "fixed";
                }

                @Override
                public String unavailableReason() {
                    return null;
                }

                @Override
                public Sample measure(BenchPoint point, BenchPlan p) {
                    return new Sample(1_000_000, 1e-6, 0);
                }
            };
        }

        @Override
        public List<Contender> peers(BenchPlan plan) {
            return List.of(new CProgramContender("no-such-c", "no_such_program", plan, (p, pl) -> List.of()));
        }
    }

    @Test
    void missingPeerIsShownWithItsReason(@TempDir Path dir) {
        BenchPlan plan = new BenchPlan("tiny", 2, 0, 0.1, 0, -1, dir, List.of(1), false);
        Workload w = new OnePointWorkload();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        var results = new BenchRunner(w, plan, new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false)).run();
        List<ContenderResult> row = results.values().iterator().next();
        assertEquals(2, row.get(0).samples().size(), "the subject is still measured every repetition");
        assertNotNull(row.get(1).unavailable());
        String reason = row.get(1).unavailable();
        // Without gcc or liburing-dev the toolchain is the reason; with them, the missing source.
        assertTrue(reason.contains("no_such_program") || reason.contains("liburing") || reason.contains("gcc"), reason);

        BenchReport report = new BenchReport(w, plan, results, w.notes());
        MachineInfo machine = MachineInfo.collect(MachineInfo.currentLoad(), MachineInfo.currentLoad1());
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        report.printTable(new PrintStream(table, true, StandardCharsets.UTF_8), machine);
        String text = table.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("MISSING no-such-c: " + reason), text);
        assertTrue(report.markdown(machine, null).contains("MISSING no-such-c: " + reason));
        String json = new BenchSession(plan, System.out, System.err).toJson(machine, List.of(report));
        assertTrue(json.contains("\"contender\":\"no-such-c\",\"median_ops_per_s\":null"), json);
        assertTrue(json.contains("\"unavailable\":"), json);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("no-such-c is MISSING"), log.toString(StandardCharsets.UTF_8));
    }
}
