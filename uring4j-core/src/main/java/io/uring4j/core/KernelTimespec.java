package io.uring4j.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct __kernel_timespec}: the 16-byte time value timeouts point at. */
public final class KernelTimespec {
    private KernelTimespec() {}

    /** The layout: {@code tv_sec} and {@code tv_nsec}, both 64-bit. */
    public static final StructLayout LAYOUT = Layouts.KERNEL_TIMESPEC;
    /** Bytes of the struct (16). */
    public static final long BYTES = LAYOUT.byteSize();

    /**
     * Allocates a timespec holding {@code d}.
     *
     * @param allocator where it is allocated (it shares its lifetime)
     * @param d         the time value (not negative)
     * @return a {@link #BYTES}-byte segment
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public static MemorySegment allocate(SegmentAllocator allocator, Duration d) {
        MemorySegment ts = allocator.allocate(LAYOUT);
        set(ts, d);
        return ts;
    }

    /**
     * Writes {@code d} (not negative) into {@code ts}.
     *
     * @param ts the timespec, at least {@link #BYTES} bytes
     * @param d  the time value
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public static void set(MemorySegment ts, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a timeout cannot be negative, given " + d);
        }
        set(ts, d.getSeconds(), d.getNano());
    }

    /**
     * Writes seconds and nanoseconds into {@code ts} without allocating or checking the values
     * (the kernel refuses a {@code tv_nsec} outside 0..999 999 999 with EINVAL).
     *
     * @param ts      the timespec, at least {@link #BYTES} bytes
     * @param seconds {@code tv_sec}
     * @param nanos   {@code tv_nsec}
     */
    public static void set(MemorySegment ts, long seconds, long nanos) {
        ts.set(JAVA_LONG, Layouts.TIMESPEC_SEC, seconds);
        ts.set(JAVA_LONG, Layouts.TIMESPEC_NSEC, nanos);
    }

    /**
     * Writes a nanosecond count into {@code ts} without allocating.
     *
     * @param ts    the timespec, at least {@link #BYTES} bytes
     * @param nanos the time value in nanoseconds ({@code >= 0})
     * @throws IllegalArgumentException if {@code nanos} is negative
     */
    public static void setNanos(MemorySegment ts, long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a timeout cannot be negative, given " + nanos + " ns");
        }
        set(ts, nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }
}
