package io.uring4j.tools.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A C peer: one of the project's C programs under {@code src/main/c}, compiled against liburing
 * at bench time and run once per repetition (pinned like every contender). The program prints
 * one line per measurement with {@code cpu_ns_per_op=<ns>} and ending in {@code ops_per_s=<rate>};
 * the last such line is the sample.
 */
final class CProgramContender implements Contender {
    private static final String RATE_KEY = "ops_per_s=";
    private static final String CPU_KEY = "cpu_ns_per_op=";

    private final String name;
    private final String program;
    private final BiFunction<BenchPoint, BenchPlan, List<String>> arguments;
    private final Path workDir;
    private boolean prepared;
    private String unavailable;
    private Path binary;

    /**
     * @param program   the source {@code c/<program>.c} in the jar
     * @param arguments the program's arguments for a point (one measurement, with warm-up)
     */
    CProgramContender(String name, String program, BenchPlan plan, BiFunction<BenchPoint, BenchPlan, List<String>> arguments) {
        this.name = name;
        this.program = program;
        this.arguments = arguments;
        this.workDir = plan.workDir();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unavailableReason() {
        if (!prepared) {
            prepared = true;
            unavailable = CPeers.ensureToolchain();
            if (unavailable == null) {
                try {
                    binary = CPeers.compile(program, workDir);
                } catch (Exception e) {
                    unavailable = "could not build " + program + ": " + e.getMessage();
                }
            }
        }
        return unavailable;
    }

    @Override
    public Sample measure(BenchPoint point, BenchPlan plan) throws Exception {
        if (unavailableReason() != null) throw new IllegalStateException(unavailable);
        List<String> cmd = new ArrayList<>(plan.pinPrefix());
        cmd.add(binary.toString());
        cmd.addAll(arguments.apply(point, plan));
        ChildProcess.Output o = ChildProcess.run(cmd, plan.childTimeoutSeconds());
        if (o.exitCode() != 0) {
            throw new IllegalStateException(program + " exited with " + o.exitCode() + ": " + o.stderrTail());
        }
        double rate = Double.NaN, cpuNanos = Double.NaN;
        for (String line : o.stdout().split("\n")) {
            for (String field : line.trim().split("\\s+")) {
                if (field.startsWith(RATE_KEY)) rate = Double.parseDouble(field.substring(RATE_KEY.length()));
                if (field.startsWith(CPU_KEY)) cpuNanos = Double.parseDouble(field.substring(CPU_KEY.length()));
            }
        }
        if (Double.isNaN(rate)) {
            throw new IllegalStateException(program + " printed no " + RATE_KEY + " line: " + o.stdout().strip());
        }
        return new Sample(rate, cpuNanos / 1e9, Double.NaN);
    }
}
