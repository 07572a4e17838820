package io.uring4j.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct __kernel_timespec}: the 16-byte time value timeouts point at. */
public final class KernelTimespec {
    private KernelTimespec() {}

    public static final StructLayout LAYOUT = Layouts.KERNEL_TIMESPEC;
    public static final long BYTES = LAYOUT.byteSize();

    /** Allocates a timespec holding {@code d}. */
    public static MemorySegment allocate(SegmentAllocator allocator, Duration d) {
        MemorySegment ts = allocator.allocate(LAYOUT);
        set(ts, d);
        return ts;
    }

    /** Writes {@code d} (not negative) into {@code ts}. */
    public static void set(MemorySegment ts, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a timeout cannot be negative, given " + d);
        }
        set(ts, d.getSeconds(), d.getNano());
    }

    /** Writes seconds and nanoseconds into {@code ts} without allocating. */
    public static void set(MemorySegment ts, long seconds, long nanos) {
        ts.set(JAVA_LONG, Layouts.TIMESPEC_SEC, seconds);
        ts.set(JAVA_LONG, Layouts.TIMESPEC_NSEC, nanos);
    }

    /** Writes a nanosecond count into {@code ts} without allocating. */
    public static void setNanos(MemorySegment ts, long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a timeout cannot be negative, given " + nanos + " ns");
        }
        set(ts, nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }
}
