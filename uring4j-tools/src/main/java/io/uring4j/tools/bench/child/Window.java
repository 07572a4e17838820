package io.uring4j.tools.bench.child;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The measured window of one measurement in a bench child: once the contender is set up (files
 * open, ring registered), {@link #begin} fixes it as [now + warm-up, now + warm-up + seconds) on
 * the monotonic clock. Workers count an operation when its completion time falls inside the
 * window, so that set-up, warm-up and draining never count, and stop once it is over; the thread
 * that runs the measurement samples the process CPU time and the JVM's total allocation at both
 * edges ({@link #sampleEdges}).
 */
final class Window {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long warmupNanos;
    private final long measureNanos;
    /** Long.MAX_VALUE until {@link #begin}: nothing counts and nothing is over yet. */
    private volatile long from = Long.MAX_VALUE;
    private volatile long to = Long.MAX_VALUE;
    private long cpuNanos = -1;
    private long allocBytes = -1;

    Window(double warmupSeconds, double seconds) {
        warmupNanos = (long) (warmupSeconds * 1e9);
        measureNanos = (long) (seconds * 1e9);
        if (measureNanos <= 0) throw new IllegalArgumentException("seconds must be > 0, given " + seconds);
    }

    /** Starts the warm-up now; the window follows it. */
    void begin() {
        long start = System.nanoTime() + warmupNanos;
        to = start + measureNanos; // 'to' first: a worker that sees the new 'from' also sees the new 'to'
        from = start;
    }

    boolean counts(long nanoTime) {
        return nanoTime >= from && nanoTime < to;
    }

    boolean over(long nanoTime) {
        return nanoTime >= to;
    }

    /** Begins the window, sleeps to its start, samples CPU and allocation, sleeps to its end, samples again. */
    void sampleEdges() {
        begin();
        sleepUntil(from);
        long cpu0 = OS.getProcessCpuTime(), alloc0 = THREADS.getTotalThreadAllocatedBytes();
        sleepUntil(to);
        cpuNanos = OS.getProcessCpuTime() - cpu0;
        allocBytes = THREADS.getTotalThreadAllocatedBytes() - alloc0;
    }

    private static void sleepUntil(long deadline) {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }

    /** The JSON result line of a measurement of {@code ops} operations with these latencies. */
    String result(long ops, LatencyHistogram latencies) {
        double seconds = measureNanos / 1e9;
        if (ops == 0) throw new IllegalStateException("no operation completed inside the " + seconds + " s window");
        return String.format(Locale.ROOT,
                "{\"ops_per_s\":%.1f,\"p50_us\":%.3f,\"p99_us\":%.3f,\"p999_us\":%.3f,\"cpu_s_per_op\":%.4e,"
                        + "\"alloc_bytes_per_op\":%.3f,\"ops\":%d,\"seconds\":%.3f}",
                ops / seconds, latencies.percentileMicros(0.5), latencies.percentileMicros(0.99),
                latencies.percentileMicros(0.999), cpuNanos / 1e9 / ops, (double) allocBytes / ops, ops, seconds);
    }
}
