package io.uring4j.tools.bench.contender;

import com.fasterxml.jackson.databind.JsonNode;
import io.uring4j.tools.Json;
import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Contender;
import io.uring4j.tools.bench.Param;
import io.uring4j.tools.bench.Sample;
import io.uring4j.tools.bench.env.ChildProcess;
import io.uring4j.tools.bench.env.Fio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * fio as a contender: 4 KiB random reads of a bench file with one ioengine, one fresh fio per
 * measurement, pinned like every contender. A missing fio is reported with its install command ({@link Fio}).
 *
 * <p>Settings, the fair ones of docs/benchmarks.md: {@code --invalidate=0} (fio would otherwise
 * drop the file's page cache at job start), {@code --norandommap --randrepeat=0}, time based with
 * {@code --ramp_time} as the warm-up; io_uring with {@code --fixedbufs=1 --registerfiles=1
 * --iodepth=QD --iodepth_batch_submit=min(QD,32) --iodepth_batch_complete_min=1}, libaio with the
 * same depths, psync at depth 1 (it is synchronous). The figures come from
 * {@code --output-format=json}: read IOPS, total-latency p99 ({@code --lat_percentiles=1}) and the
 * job's usr+sys CPU.
 */
public final class FioContender implements Contender {

    private final String name;
    private final String engine;
    private final boolean direct;
    private final Function<BenchPoint, Path> file;

    /** @param engine fio's ioengine: io_uring, psync or libaio */
    public FioContender(String name, String engine, boolean direct, Function<BenchPoint, Path> file) {
        this.name = name;
        this.engine = engine;
        this.direct = direct;
        this.file = file;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unavailableReason() {
        return Fio.ensureInstalled();
    }

    /** The fio command line for one measurement of {@code point}. */
    List<String> command(BenchPoint point, BenchPlan plan) {
        int qd = engine.equals("psync") ? 1 : point.get(Param.QD);
        Path f = file.apply(point);
        List<String> cmd = new ArrayList<>(plan.pinPrefix());
        cmd.addAll(List.of("fio", "--name=" + name, "--filename=" + f, "--rw=randread", "--bs=4k",
                "--ioengine=" + engine, "--direct=" + (direct ? 1 : 0), "--invalidate=0", "--iodepth=" + qd,
                "--norandommap", "--randrepeat=0", "--time_based", "--runtime=" + millis(plan.measureSeconds()),
                "--ramp_time=" + millis(plan.warmupSeconds()), "--lat_percentiles=1", "--output-format=json"));
        if (!engine.equals("psync")) {
            cmd.addAll(List.of("--iodepth_batch_submit=" + Math.min(qd, 32), "--iodepth_batch_complete_min=1"));
        }
        if (engine.equals("io_uring")) cmd.addAll(List.of("--fixedbufs=1", "--registerfiles=1"));
        return cmd;
    }

    private static String millis(double seconds) {
        return Math.max(1, Math.round(seconds * 1000)) + "ms";
    }

    /**
     * One fio run. A run that reports no I/O at all (seen once in a few hundred sub-second quick
     * runs on a loaded machine: fio ended its job right after the ramp) is run once more.
     */
    @Override
    public Sample measure(BenchPoint point, BenchPlan plan) throws Exception {
        for (int attempt = 1; ; attempt++) {
            ChildProcess.Output o = ChildProcess.run(command(point, plan), plan.childTimeoutSeconds());
            if (o.exitCode() != 0) throw new IllegalStateException("fio exited with " + o.exitCode() + ": " + o.stderrTail());
            try {
                return parse(o.stdout());
            } catch (NoData e) {
                if (attempt == 2) throw e;
            }
        }
    }

    /** fio ran but counted no read. */
    static final class NoData extends IllegalStateException {
        NoData(String message) {
            super(message);
        }
    }

    /** The sample in fio's JSON output (which may follow a few lines of warnings). */
    static Sample parse(String stdout) throws IOException {
        int start = stdout.indexOf('{');
        if (start < 0) throw new IllegalStateException("fio printed no JSON: " + stdout.strip());
        JsonNode job = Json.MAPPER.readTree(stdout.substring(start)).path("jobs").path(0);
        if (job.isMissingNode()) throw new IllegalStateException("fio's JSON has no job: " + stdout.strip());
        if (job.path("error").asInt(0) != 0) throw new IllegalStateException("fio job error " + job.path("error").asInt());
        JsonNode read = job.path("read");
        double iops = read.path("iops").asDouble(Double.NaN);
        if (!(iops > 0)) throw new NoData("fio counted no read: iops " + read.path("iops") + ", runtime " + read.path("runtime") + " ms");
        JsonNode p99 = read.path("lat_ns").path("percentile").path("99.000000");
        if (p99.isMissingNode()) p99 = read.path("clat_ns").path("percentile").path("99.000000");
        double cpuFraction = (job.path("usr_cpu").asDouble(Double.NaN) + job.path("sys_cpu").asDouble(Double.NaN)) / 100;
        return new Sample(iops, cpuFraction / iops, Double.NaN, p99.isMissingNode() ? Double.NaN : p99.asDouble() / 1000);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "fio %s%s", engine, direct ? " O_DIRECT" : "");
    }
}
