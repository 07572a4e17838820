package io.uring4j.tools.bench;

/**
 * One repetition's result: operations per second (wall clock), CPU seconds per operation of the
 * contender's process, and bytes allocated per operation where the contender can tell (JMH's gc
 * profiler); {@link Double#NaN} for what is unknown.
 */
public record Sample(double opsPerSecond, double cpuSecondsPerOp, double bytesPerOp) {
}
