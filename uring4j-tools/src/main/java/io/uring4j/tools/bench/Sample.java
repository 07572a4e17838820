package io.uring4j.tools.bench;

/**
 * One repetition's result: operations per second (wall clock), CPU seconds per operation of the
 * contender's process, bytes allocated per operation where the contender can tell (JMH's gc
 * profiler, or the JVM's allocation counters in a bench child), and the 99th percentile latency
 * of one operation in microseconds where the contender measures it; {@link Double#NaN} for what
 * is unknown.
 */
public record Sample(double opsPerSecond, double cpuSecondsPerOp, double bytesPerOp, double p99Micros) {

    /** A sample without a latency figure. */
    public Sample(double opsPerSecond, double cpuSecondsPerOp, double bytesPerOp) {
        this(opsPerSecond, cpuSecondsPerOp, bytesPerOp, Double.NaN);
    }
}
