package io.uring4j.tools.bench;

/**
 * One repetition's result: operations per second and, where the contender can tell (JMH's gc
 * profiler), bytes allocated per operation; {@link Double#NaN} when unknown.
 */
public record Sample(double opsPerSecond, double bytesPerOp) {
    public static Sample ofRate(double opsPerSecond) {
        return new Sample(opsPerSecond, Double.NaN);
    }
}
