package io.uring4j.tools.bench;

/** One side of a comparison: something that can measure a workload point once. */
public interface Contender {
    /** The name in the table and the JSON ({@code "uring4j-core"}, {@code "liburing-c"}). */
    String name();

    /**
     * Null if this contender can run here, else why not (shown in the table and the JSON instead
     * of figures: a missing peer is reported, never silently dropped). May prepare the contender
     * (install, compile) the first time it is asked.
     */
    String unavailableReason();

    /** One measurement (one repetition) of {@code point}; throws with the reason on failure. */
    Sample measure(BenchPoint point, BenchPlan plan) throws Exception;

    /**
     * Ends whatever the contender kept running between measurements (a server kept warm across
     * repetitions); called once when the workload is done, also after failures.
     */
    default void close() {
    }
}
