package io.uring4j.tools.bench.child;

import io.uring4j.tools.Json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The measured window of one measurement in a bench child. Once the contender is set up (files
 * open, ring registered, first reads issued) the thread that runs the measurement calls
 * {@link #run}: it sleeps through the warm-up, then reads every stream's completion counter, the
 * process CPU time and the JVM's total allocation, sleeps through the window, reads them again,
 * and tells the workers to stop. So an operation counts when it completes inside the window, the
 * workers read no clock to find that out, and set-up, warm-up and draining never count.
 */
final class Window {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long warmupNanos;
    private final long measureNanos;
    /** Latencies are recorded only while this is set (workers read it once per sample or batch). */
    private volatile boolean measuring;
    /** Set after the window: workers stop issuing and drain. */
    private volatile boolean over;
    private long ops = -1;
    private long cpuNanos = -1;
    private long allocBytes = -1;

    Window(double warmupSeconds, double seconds) {
        warmupNanos = (long) (warmupSeconds * 1e9);
        measureNanos = (long) (seconds * 1e9);
        if (measureNanos <= 0) throw new IllegalArgumentException("seconds must be > 0, given " + seconds);
    }

    boolean measuring() {
        return measuring;
    }

    boolean over() {
        return over;
    }

    /** Warm-up, then the window over {@code streams}' counters; ends with {@link #over()} set. */
    void run(List<? extends Counter> streams) {
        try {
            sleep(warmupNanos);
            measuring = true;
            long ops0 = sum(streams), cpu0 = OS.getProcessCpuTime(), alloc0 = THREADS.getTotalThreadAllocatedBytes();
            sleep(measureNanos);
            ops = sum(streams) - ops0;
            cpuNanos = OS.getProcessCpuTime() - cpu0;
            allocBytes = THREADS.getTotalThreadAllocatedBytes() - alloc0;
            measuring = false;
        } finally {
            over = true;
        }
    }

    private static long sum(List<? extends Counter> streams) {
        long n = 0;
        for (Counter c : streams) n += c.completed();
        return n;
    }

    private static void sleep(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * Completed operations of one worker (a thread, or a chain of requests that never overlap),
     * written by it alone and read by the measuring thread: an opaque store and load, which on
     * x86 are plain moves, so counting costs the worker no fence.
     */
    static class Counter {
        private static final VarHandle COMPLETED;
        static {
            try {
                COMPLETED = MethodHandles.lookup().findVarHandle(Counter.class, "completed", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // through COMPLETED
        private long completed;

        /** One more completed operation (by the worker that owns this counter only). */
        final void count() {
            COMPLETED.setOpaque(this, (long) COMPLETED.getOpaque(this) + 1);
        }

        final long completed() {
            return (long) COMPLETED.getOpaque(this);
        }
    }

    /** The JSON result line of the measurement, with these latencies. */
    String result(LatencyHistogram latencies) {
        if (ops <= 0) throw new IllegalStateException("no operation completed inside the " + measureNanos / 1e9 + " s window");
        return result(ops, measureNanos, cpuNanos, allocBytes, latencies);
    }

    /** The JSON result line of {@code ops} operations in {@code measureNanos}, with their CPU time, allocation and latencies. */
    static String result(long ops, long measureNanos, long cpuNanos, long allocBytes, LatencyHistogram latencies) {
        double seconds = measureNanos / 1e9;
        return Json.write(Json.object()
                .put("ops_per_s", Json.fixed(ops / seconds, 1))
                .put("p50_us", Json.fixed(latencies.percentileMicros(0.5), 3))
                .put("p99_us", Json.fixed(latencies.percentileMicros(0.99), 3))
                .put("p999_us", Json.fixed(latencies.percentileMicros(0.999), 3))
                .put("cpu_s_per_op", Json.rounded(cpuNanos / 1e9 / ops, 5))
                .put("alloc_bytes_per_op", Json.fixed((double) allocBytes / ops, 3))
                .put("ops", ops)
                .put("seconds", Json.fixed(seconds, 3))
                .put("latency_samples", latencies.count()));
    }
}
