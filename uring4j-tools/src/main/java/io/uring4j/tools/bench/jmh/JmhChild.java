package io.uring4j.tools.bench.jmh;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The JVM that {@code uring4j bench} starts for one repetition of one JMH benchmark point: runs
 * it in this JVM (forks 0, since this JVM is already dedicated to it) with JMH's gc profiler and
 * the {@link CpuTimeProfiler}, and prints one line,
 * {@code JMH_RESULT score=<invocations/s> alloc_norm=<bytes/invocation> cpu_norm=<ns/invocation>}.
 *
 * <p>Arguments: {@code BENCHMARK WARMUP_ITERATIONS WARMUP_SECONDS ITERATIONS ITERATION_SECONDS
 * [PARAM=VALUE ...]}, where BENCHMARK is {@code fully.qualified.Class.method}.
 */
public final class JmhChild {
    private JmhChild() {}

    private static final String PREFIX = "JMH_RESULT ";

    /**
     * The child's answer: JMH's score (invocations per second), gc.alloc.rate.norm (bytes per
     * invocation) and cpu.time.norm (process CPU nanoseconds per invocation).
     */
    public record Outcome(double invocationsPerSecond, double bytesPerInvocation, double cpuNanosPerInvocation) {
        String line() {
            return String.format(Locale.ROOT, "%sscore=%.3f alloc_norm=%.6f cpu_norm=%.3f", PREFIX, invocationsPerSecond,
                    bytesPerInvocation, cpuNanosPerInvocation);
        }

        /** Reads the result line out of the child's standard output. */
        public static Outcome parse(String stdout) {
            for (String line : stdout.split("\n")) {
                if (!line.startsWith(PREFIX)) continue;
                double score = Double.NaN, alloc = Double.NaN, cpu = Double.NaN;
                for (String field : line.substring(PREFIX.length()).trim().split(" ")) {
                    String[] kv = field.split("=", 2);
                    if (kv[0].equals("score")) score = Double.parseDouble(kv[1]);
                    if (kv[0].equals("alloc_norm")) alloc = Double.parseDouble(kv[1]);
                    if (kv[0].equals("cpu_norm")) cpu = Double.parseDouble(kv[1]);
                }
                return new Outcome(score, alloc, cpu);
            }
            throw new IllegalStateException("the JMH child printed no " + PREFIX.trim() + " line: " + stdout.strip());
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: JmhChild BENCHMARK WARMUP_ITERATIONS WARMUP_SECONDS ITERATIONS ITERATION_SECONDS [PARAM=VALUE ...]");
            System.exit(2);
        }
        ChainedOptionsBuilder opt = new OptionsBuilder()
                .include("^" + Pattern.quote(args[0]) + "$")
                .forks(0)
                .warmupIterations(Integer.parseInt(args[1]))
                .warmupTime(millis(args[2]))
                .measurementIterations(Integer.parseInt(args[3]))
                .measurementTime(millis(args[4]))
                .addProfiler(GCProfiler.class)
                .addProfiler(CpuTimeProfiler.class)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        for (int i = 5; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("parameters are NAME=VALUE, given " + args[i]);
            opt.param(kv[0], kv[1]);
        }
        Collection<RunResult> results = new Runner(opt.build()).run();
        if (results.size() != 1) {
            throw new IllegalStateException("expected one result for " + args[0] + ", got " + results.size()
                    + " (is the benchmark name right and every @Param given one value?)");
        }
        RunResult r = results.iterator().next();
        var alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
        var cpu = r.getSecondaryResults().get(CpuTimeProfiler.METRIC);
        Outcome out = new Outcome(r.getPrimaryResult().getScore(), alloc == null ? Double.NaN : alloc.getScore(),
                cpu == null ? Double.NaN : cpu.getScore());
        System.out.println(out.line());
    }

    private static TimeValue millis(String seconds) {
        return TimeValue.milliseconds(Math.round(Double.parseDouble(seconds) * 1000));
    }
}
