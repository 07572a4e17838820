package io.uring4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Native buffers of one loop in power-of-two size classes from 4 KiB to 16 MiB, page-aligned so
 * they also serve O_DIRECT. Buffers are kept for reuse, so the steady state allocates nothing.
 * Loop-thread only.
 */
final class BufferPool {
    static final int MIN_SHIFT = 12;
    static final int MAX_SHIFT = 24;
    private static final int ALIGN = 4096;

    private final Arena arena;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<NativeBuffer>[] free = new ArrayDeque[MAX_SHIFT - MIN_SHIFT + 1];
    private long bytes;

    BufferPool(Arena arena) {
        this.arena = arena;
        for (int i = 0; i < free.length; i++) free[i] = new ArrayDeque<>();
    }

    static int maxBytes() {
        return 1 << MAX_SHIFT;
    }

    /** A buffer of at least {@code size} bytes (at most {@link #maxBytes()}). */
    NativeBuffer acquire(long size) {
        if (size > maxBytes()) {
            throw new IllegalArgumentException("a pooled buffer holds at most " + maxBytes() + " bytes, asked " + size);
        }
        int shift = Math.max(MIN_SHIFT, 64 - Long.numberOfLeadingZeros(Math.max(1, size) - 1));
        int cls = shift - MIN_SHIFT;
        NativeBuffer b = free[cls].pollLast();
        if (b == null) {
            long n = 1L << shift;
            b = new NativeBuffer(arena.allocate(n, ALIGN), cls);
            bytes += n;
            NativeMemory.allocated(n);
        }
        return b;
    }

    void release(NativeBuffer b) {
        free[b.sizeClass].addLast(b);
    }

    /** Bytes this pool allocated; the arena frees them when the loop closes. */
    long bytes() {
        return bytes;
    }

    static MemorySegment view(NativeBuffer b, long size) {
        return b.segment.asSlice(0, size);
    }
}
