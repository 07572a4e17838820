package io.uring4j.tools.bench.contender;

import com.fasterxml.jackson.databind.JsonNode;
import io.uring4j.tools.bench.BenchPlan;
import io.uring4j.tools.bench.BenchPoint;
import io.uring4j.tools.bench.Contender;
import io.uring4j.tools.bench.Param;
import io.uring4j.tools.bench.Sample;
import io.uring4j.tools.bench.child.BenchChild;
import io.uring4j.tools.bench.env.Availability;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A Java contender of the read workloads: one read mode of {@link BenchChild} ({@code ReadBench})
 * in the contender's own long-lived pinned JVM ({@link JvmChild}).
 */
public final class JvmReadContender implements Contender {
    private final String name;
    private final String mode;
    private final int threads;
    private final boolean direct;
    private final Function<BenchPoint, Path> file;

    /** @param threads platform threads for mode filechannel; 0 for the modes that keep QD reads in flight */
    public JvmReadContender(String name, String mode, int threads, boolean direct, Function<BenchPoint, Path> file) {
        this.name = name;
        this.mode = mode;
        this.threads = threads;
        this.direct = direct;
        this.file = file;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unavailableReason() {
        return name.startsWith("uring4j") ? Availability.ioUring() : null;
    }

    @Override
    public Sample measure(BenchPoint point, BenchPlan plan) throws Exception {
        JvmChild child = JvmChild.of(name, plan);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", mode);
        args.put("file", file.apply(point));
        args.put("qd", point.get(Param.QD));
        args.put("threads", Math.max(1, threads));
        args.put("direct", direct);
        if (mode.equals("core")) args.put("eager", direct); // O_DIRECT: submit each read at once, as fio does
        args.put("warmup", child.warmupSeconds(plan));
        args.put("seconds", plan.measureSeconds());
        JsonNode r = child.call("read", args, plan.childTimeoutSeconds());
        return new Sample(r.path("ops_per_s").asDouble(), r.path("cpu_s_per_op").asDouble(Double.NaN),
                r.path("alloc_bytes_per_op").asDouble(Double.NaN), r.path("p99_us").asDouble(Double.NaN));
    }
}
