package io.uring4j.tools.bench.contender;

import io.uring4j.tools.Json;
import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Contender;
import io.uring4j.tools.bench.Sample;
import io.uring4j.tools.bench.env.CProgram;
import io.uring4j.tools.bench.env.ChildProcess;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A C peer: one of the project's C programs under {@code src/main/c}, compiled against liburing
 * at bench time and run once per repetition (pinned like every contender). The program prints
 * its result on stdout either as one JSON line ({@code {"ops_per_s":..,"cpu_s_per_op":..,
 * "p99_us":..,...}}, as read_bench does) or as a line of {@code key=value} fields with
 * {@code cpu_ns_per_op=<ns>} and {@code ops_per_s=<rate>} (nop_bench); the last result line is
 * the sample.
 */
public final class CProgramContender implements Contender {
    private static final String RATE_KEY = "ops_per_s=";
    private static final String CPU_KEY = "cpu_ns_per_op=";

    private final String name;
    private final String program;
    private final BiFunction<BenchPoint, BenchPlan, List<String>> arguments;
    private final CProgram binary;

    /**
     * @param program   the source {@code c/<program>.c} in the jar
     * @param arguments the program's arguments for a point (one measurement, with warm-up)
     */
    public CProgramContender(String name, String program, BenchPlan plan, BiFunction<BenchPoint, BenchPlan, List<String>> arguments) {
        this.name = name;
        this.program = program;
        this.arguments = arguments;
        this.binary = new CProgram(program, plan.workDir());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unavailableReason() {
        return binary.unavailableReason();
    }

    @Override
    public Sample measure(BenchPoint point, BenchPlan plan) throws Exception {
        List<String> cmd = new ArrayList<>(plan.pinPrefix());
        cmd.add(binary.binary().toString());
        cmd.addAll(arguments.apply(point, plan));
        ChildProcess.Output o = ChildProcess.run(cmd, plan.childTimeoutSeconds());
        if (o.exitCode() != 0) {
            throw new IllegalStateException(program + " exited with " + o.exitCode() + ": " + o.stderrTail());
        }
        return parse(program, o.stdout());
    }

    /** The sample in a C peer's output: its last JSON line, or its key=value fields. */
    static Sample parse(String program, String stdout) throws java.io.IOException {
        double rate = Double.NaN, cpuNanos = Double.NaN, p99 = Double.NaN;
        for (String line : stdout.split("\n")) {
            if (line.trim().startsWith("{")) {
                com.fasterxml.jackson.databind.JsonNode n = Json.MAPPER.readTree(line.trim());
                rate = n.path("ops_per_s").asDouble(Double.NaN);
                cpuNanos = n.path("cpu_s_per_op").asDouble(Double.NaN) * 1e9;
                p99 = n.path("p99_us").asDouble(Double.NaN);
                continue;
            }
            for (String field : line.trim().split("\\s+")) {
                if (field.startsWith(RATE_KEY)) rate = Double.parseDouble(field.substring(RATE_KEY.length()));
                if (field.startsWith(CPU_KEY)) cpuNanos = Double.parseDouble(field.substring(CPU_KEY.length()));
            }
        }
        if (Double.isNaN(rate)) {
            throw new IllegalStateException(program + " printed no result (JSON or " + RATE_KEY + "): " + stdout.strip());
        }
        return new Sample(rate, cpuNanos / 1e9, Double.NaN, p99);
    }
}
