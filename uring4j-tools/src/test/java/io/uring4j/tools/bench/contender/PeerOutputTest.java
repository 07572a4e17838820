package io.uring4j.tools.bench.contender;

import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Param;
import io.uring4j.tools.bench.Sample;
import io.uring4j.tools.bench.env.BenchFiles;
import io.uring4j.tools.bench.env.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The peers' outputs become samples: fio's JSON, read_bench's JSON line, nop_bench's key=value line. */
@Timeout(120)
class PeerOutputTest {
    /** The shape of fio 3.33's --output-format=json, cut to what the harness reads, after a warning line. */
    private static final String FIO = """
            fio: some warning fio prints before its JSON
            {
              "fio version" : "fio-3.33",
              "jobs" : [
                {
                  "jobname" : "t",
                  "error" : 0,
                  "read" : {
                    "io_bytes" : 41934848,
                    "iops" : 102363.636364,
                    "clat_ns" : { "percentile" : { "99.000000" : 150000 } },
                    "lat_ns" : { "min" : 1000, "percentile" : { "50.000000" : 9000, "99.000000" : 207872 } }
                  },
                  "usr_cpu" : 2.752294,
                  "sys_cpu" : 34.862385
                }
              ]
            }
            """;

    @Test
    void fioJsonGivesIopsCpuPerOpAndTotalLatencyP99() throws Exception {
        Sample s = FioContender.parse(FIO);
        assertEquals(102363.636364, s.opsPerSecond(), 1e-6);
        assertEquals((2.752294 + 34.862385) / 100 / 102363.636364, s.cpuSecondsPerOp(), 1e-15);
        assertEquals(207.872, s.p99Micros(), 1e-9);
        assertTrue(Double.isNaN(s.bytesPerOp()));
    }

    @Test
    void fioErrorsAndMissingJsonAreFailures() {
        assertThrows(IllegalStateException.class, () -> FioContender.parse("fio: no such file"));
        assertThrows(IllegalStateException.class, () -> FioContender.parse(FIO.replace("\"error\" : 0", "\"error\" : 5")));
        assertThrows(IllegalStateException.class, () -> FioContender.parse(FIO.replace("102363.636364", "0")));
    }

    @Test
    void fioCommandIsTheFairOne(@TempDir Path dir) {
        BenchPlan plan = new BenchPlan("tiny", 1, 0.1, 0.2, 0.1, 1, dir, List.of(1), false);
        BenchPoint qd128 = BenchPoint.NONE.with(Param.QD, 128);
        List<String> uring = new FioContender("fio-io_uring", "io_uring", false, p -> dir.resolve("f")).command(qd128, plan);
        assertEquals(List.of("taskset", "-c", "1", "fio"), uring.subList(0, 4));
        for (String opt : List.of("--invalidate=0", "--iodepth=128", "--iodepth_batch_submit=32", "--iodepth_batch_complete_min=1",
                "--fixedbufs=1", "--registerfiles=1", "--direct=0", "--runtime=200ms", "--ramp_time=100ms", "--output-format=json")) {
            assertTrue(uring.contains(opt), opt + " in " + uring);
        }
        List<String> psync = new FioContender("fio-psync", "psync", true, p -> dir.resolve("f")).command(qd128, plan);
        assertTrue(psync.contains("--iodepth=1") && psync.contains("--direct=1") && !psync.contains("--fixedbufs=1"), psync.toString());
    }

    @Test
    void realFioRunParses(@TempDir Path dir) throws Exception {
        assumeTrue(ChildProcess.onPath("fio"), "fio is not installed");
        Path f = dir.resolve("f.bin");
        BenchFiles.ensure(f, BenchFiles.MIB);
        BenchPlan plan = new BenchPlan("tiny", 1, 0.05, 0.1, 0.1, -1, dir, List.of(1), false);
        Sample s = new FioContender("fio-io_uring", "io_uring", false, p -> f).measure(BenchPoint.NONE.with(Param.QD, 4), plan);
        assertTrue(s.opsPerSecond() > 0 && s.cpuSecondsPerOp() > 0 && s.p99Micros() > 0, s.toString());
    }

    @Test
    void readBenchJsonLineAndNopKeyValueLine() throws Exception {
        Sample json = CProgramContender.parse("read_bench", "{\"ops_per_s\":654321.5,\"p50_us\":1.2,\"p99_us\":3.5,"
                + "\"p999_us\":9.1,\"cpu_s_per_op\":1.5e-06,\"ops\":10,\"seconds\":1.0,\"qd\":32,\"direct\":false,"
                + "\"wait\":1,\"reg_ring\":false,\"verified\":32}\n");
        assertEquals(654321.5, json.opsPerSecond());
        assertEquals(1.5e-6, json.cpuSecondsPerOp(), 1e-15);
        assertEquals(3.5, json.p99Micros());
        Sample kv = CProgramContender.parse("nop_bench", "batch=32 cpu_ns_per_op=61.5 ops_per_s=16000000\n");
        assertEquals(16e6, kv.opsPerSecond());
        assertEquals(61.5e-9, kv.cpuSecondsPerOp(), 1e-15);
        assertTrue(Double.isNaN(kv.p99Micros()));
        assertThrows(IllegalStateException.class, () -> CProgramContender.parse("x", "nothing here\n"));
    }
}
