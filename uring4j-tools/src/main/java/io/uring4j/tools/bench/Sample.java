package io.uring4j.tools.bench;

/**
 * One repetition's result: operations per second (wall clock), CPU seconds per operation of the
 * contender's process (for echo: the server's), bytes allocated per operation where the
 * contender can tell (JMH's gc profiler), the p99 latency in microseconds and the load client's
 * CPU utilisation (1.0 = one core busy) where a separate client drives the contender;
 * {@link Double#NaN} for what is unknown.
 */
public record Sample(double opsPerSecond, double cpuSecondsPerOp, double bytesPerOp, double p99Micros,
                     double clientCpuUtil) {

    /** A sample without latency or client figures. */
    public Sample(double opsPerSecond, double cpuSecondsPerOp, double bytesPerOp) {
        this(opsPerSecond, cpuSecondsPerOp, bytesPerOp, Double.NaN, Double.NaN);
    }

    /** A sample with a latency figure but no separate load client. */
    public Sample(double opsPerSecond, double cpuSecondsPerOp, double bytesPerOp, double p99Micros) {
        this(opsPerSecond, cpuSecondsPerOp, bytesPerOp, p99Micros, Double.NaN);
    }
}
