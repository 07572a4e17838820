package io.uring4j.tools.bench;

import io.uring4j.tools.bench.contender.CProgramContender;
import io.uring4j.tools.bench.contender.JmhContender;
import io.uring4j.tools.bench.jmh.NopBenchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload A: NOP submit and reap, the library's own overhead. uring4j-core runs
 * {@link NopBenchmark} under JMH; the peer is {@code nop_bench.c} on liburing. Both use a
 * 256-entry SINGLE_ISSUER|DEFER_TASKRUN ring and batches of {@code batch} NOPs per enter.
 */
public final class NopWorkload implements Workload {
    @Override
    public String name() {
        return "nop";
    }

    @Override
    public String summary() {
        return "NOP submit+reap";
    }

    @Override
    public String description() {
        return "NOP submit+reap per batch, ring of " + NopBenchmark.RING_ENTRIES
                + " SINGLE_ISSUER|DEFER_TASKRUN: uring4j-core (JMH) vs C liburing";
    }

    @Override
    public List<BenchPoint> points(BenchPlan plan) {
        List<BenchPoint> points = new ArrayList<>();
        for (int batch : plan.batches()) {
            if (batch < 1 || batch > NopBenchmark.RING_ENTRIES) {
                throw new IllegalArgumentException("nop batch must be 1.." + NopBenchmark.RING_ENTRIES + ", given " + batch);
            }
            points.add(BenchPoint.NONE.with(Param.BATCH, batch).with(Param.REGISTERED_RING_FD, plan.registeredRingFd()));
        }
        return points;
    }

    @Override
    public Contender subject(BenchPlan plan) {
        return new JmhContender("uring4j-core", NopBenchmark.class, "submitAndWait",
                p -> Map.of("batch", Integer.toString(p.get(Param.BATCH)),
                        "registeredRingFd", Boolean.toString(p.get(Param.REGISTERED_RING_FD))),
                p -> p.get(Param.BATCH));
    }

    @Override
    public List<Contender> peers(BenchPlan plan) {
        return List.of(new CProgramContender("liburing-c", "nop_bench", plan, (p, pl) -> List.of(
                Integer.toString(p.get(Param.BATCH)),
                BenchPlan.secondsArg(pl.measureSeconds()),
                p.get(Param.REGISTERED_RING_FD) ? "1" : "0",
                "1",
                BenchPlan.secondsArg(pl.warmupSeconds()))));
    }
}
