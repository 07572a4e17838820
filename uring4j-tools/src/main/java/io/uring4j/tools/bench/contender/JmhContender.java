package io.uring4j.tools.bench.contender;

import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Contender;
import io.uring4j.tools.bench.Sample;
import io.uring4j.tools.bench.env.Availability;
import io.uring4j.tools.bench.env.ChildProcess;
import io.uring4j.tools.bench.env.Profiling;
import io.uring4j.tools.bench.jmh.JmhChild;
import org.openjdk.jmh.annotations.Fork;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * A JMH benchmark as a contender. Each repetition is a fresh JVM ({@link JmhChild}), started
 * under the same pinning as the C peers and with the JVM flags of the benchmark's own
 * {@link Fork} annotation (fixed heap, pre-touch, native access), so that running the benchmark
 * with JMH directly and through {@code uring4j bench} measures the same thing. The child runs
 * JMH in-process (forks 0): it is already a dedicated JVM for one benchmark and point, and
 * pinning it with taskset is simpler and tighter than pinning a JMH fork from outside.
 */
public final class JmhContender implements Contender {
    private final String name;
    private final Class<?> benchmark;
    private final String method;
    private final Function<BenchPoint, Map<String, String>> jmhParams;
    private final ToIntFunction<BenchPoint> opsPerInvocation;

    /**
     * @param jmhParams        the benchmark's {@code @Param} values for a point
     * @param opsPerInvocation operations one benchmark invocation performs (the batch), to turn
     *                         JMH's invocations/s and bytes/invocation into per-operation figures
     */
    public JmhContender(String name, Class<?> benchmark, String method, Function<BenchPoint, Map<String, String>> jmhParams,
                 ToIntFunction<BenchPoint> opsPerInvocation) {
        this.name = name;
        this.benchmark = benchmark;
        this.method = method;
        this.jmhParams = jmhParams;
        this.opsPerInvocation = opsPerInvocation;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unavailableReason() {
        return Availability.ioUring();
    }

    @Override
    public Sample measure(BenchPoint point, BenchPlan plan) throws Exception {
        List<String> cmd = new ArrayList<>(plan.pinPrefix());
        Fork fork = benchmark.getAnnotation(Fork.class);
        List<String> args = new ArrayList<>(List.of(benchmark.getName() + "." + method,
                Integer.toString(plan.iterations(plan.javaWarmupSeconds())),
                BenchPlan.secondsArg(plan.iterationSeconds(plan.javaWarmupSeconds())),
                Integer.toString(plan.iterations(plan.measureSeconds())),
                BenchPlan.secondsArg(plan.iterationSeconds(plan.measureSeconds()))));
        jmhParams.apply(point).forEach((k, v) -> args.add(k + "=" + v));
        cmd.addAll(ChildProcess.java(fork == null ? List.of() : List.of(fork.jvmArgsAppend()), JmhChild.class, args));
        ChildProcess.Output o = ChildProcess.run(Profiling.withAgent(cmd, plan, "jmh-" + name + "-" + point),
                plan.childTimeoutSeconds());
        if (o.exitCode() != 0) {
            throw new IllegalStateException("the JMH child exited with " + o.exitCode() + ": " + o.stderrTail());
        }
        JmhChild.Outcome r = JmhChild.Outcome.parse(o.stdout());
        int ops = opsPerInvocation.applyAsInt(point);
        return new Sample(r.invocationsPerSecond() * ops, r.cpuNanosPerInvocation() / ops / 1e9, r.bytesPerInvocation() / ops);
    }
}
