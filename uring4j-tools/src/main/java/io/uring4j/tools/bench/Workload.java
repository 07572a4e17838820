package io.uring4j.tools.bench;

import java.util.List;

/**
 * One benchmark workload of {@code uring4j bench} (nop, read, direct, copy, echo): the
 * parameter points it sweeps and the contenders it compares. Adding a workload is adding a class
 * that implements this and listing it in {@link BenchCommand#WORKLOADS}; the command does the
 * interleaving, statistics, table and JSON.
 */
public interface Workload {
    /** The name on the command line and in the JSON ({@code "nop"}). */
    String name();

    /** A few words for the command's help ({@code "NOP submit+reap"}). */
    String summary();

    /** One line saying what is measured: the heading of the table and the report, and in the JSON. */
    String description();

    /** The points to measure, in order; each becomes one table row. */
    List<BenchPoint> points(BenchPlan plan);

    /** The library under test (uring4j); the table's ratio compares it with the first peer. */
    Contender subject(BenchPlan plan);

    /**
     * The reference implementations (C liburing, …). At each point and repetition the peers run
     * first and then the subject (C, Java, C, Java, …), so that drift of the machine hits all
     * contenders alike.
     */
    List<Contender> peers(BenchPlan plan);

    /** What one "op" of {@code ops_per_s} is, for the table and the chart ({@code "ops/s"}, {@code "MB/s"}). */
    default String unit() {
        return "ops/s";
    }

    /** Prepares what every contender needs (files, caches); called once before the first point. */
    default void setUp(BenchPlan plan) throws Exception {
    }

    /** Called before each point's repetitions (to re-warm a cache, say). */
    default void beforePoint(BenchPoint point, BenchPlan plan) throws Exception {
    }

    /** Called once after the last point, also after a failure; must not throw. */
    default void tearDown(BenchPlan plan) {
    }

    /**
     * What a reader needs to trust the figures (file sizes, cache residency, whether fsync is
     * timed), printed under the table and written to the report; read after {@link #tearDown}.
     */
    default List<String> notes() {
        return List.of();
    }
}
