package io.uring4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Native buffers of one loop in power-of-two size classes from 4 KiB to 16 MiB, page-aligned so
 * they also serve O_DIRECT. A released buffer is kept for reuse, so the steady state allocates
 * nothing, but only while the pool keeps at most {@link #idleLimit} bytes idle: a buffer released
 * beyond that is freed at once (each buffer has its own arena), so a burst (400 × 1 MiB queued
 * to a slow peer) costs its memory only while it lasts, not until the loop closes. Buffers in
 * use are never counted against the limit and never freed early: a request owns its buffer
 * until its last CQE. Loop-thread only.
 */
final class BufferPool {
    static final int MIN_SHIFT = 12;
    static final int MAX_SHIFT = 24;
    private static final int ALIGN = 4096;
    /** Idle bytes a loop keeps by default (EventLoopGroup.Builder.idleBufferBytes). */
    static final long DEFAULT_IDLE_LIMIT = 32L << 20;

    @SuppressWarnings("unchecked")
    private final ArrayDeque<NativeBuffer>[] free = new ArrayDeque[MAX_SHIFT - MIN_SHIFT + 1];
    private final long idleLimit;
    /** Runs before a buffer is freed (to take it out of the registered buffer table). */
    private final Consumer<NativeBuffer> beforeFree;
    private long bytes;
    private long idleBytes;
    private boolean closed;

    BufferPool(long idleLimit, Consumer<NativeBuffer> beforeFree) {
        this.idleLimit = idleLimit;
        this.beforeFree = beforeFree;
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
        long n = 1L << shift;
        NativeBuffer b = free[cls].pollLast();
        if (b != null) {
            idleBytes -= n;
            return b;
        }
        Arena arena = Arena.ofConfined();
        try {
            b = new NativeBuffer(arena.allocate(n, ALIGN), cls, arena);
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw e;
        }
        bytes += n;
        NativeMemory.allocated(n);
        return b;
    }

    /** Takes {@code b} back: kept for reuse while the idle bytes stay within the limit, else freed. */
    void release(NativeBuffer b) {
        long n = sizeOf(b);
        if (idleBytes + n <= idleLimit) {
            free[b.sizeClass].addLast(b);
            idleBytes += n;
        } else {
            dispose(b, n);
        }
    }

    private static long sizeOf(NativeBuffer b) {
        return 1L << (b.sizeClass + MIN_SHIFT);
    }

    private void dispose(NativeBuffer b, long n) {
        if (b.fixedIndex >= 0 && !closed) beforeFree.accept(b);
        b.arena.close();
        bytes -= n;
        NativeMemory.freed(n);
    }

    /**
     * Frees every idle buffer: the loop is closing, every request has ended and the ring is
     * closed (with it the registered buffer table, so no slot needs emptying).
     */
    void close() {
        closed = true;
        for (ArrayDeque<NativeBuffer> q : free) {
            NativeBuffer b;
            while ((b = q.pollLast()) != null) dispose(b, sizeOf(b));
        }
        idleBytes = 0;
    }

    /** Bytes this pool holds (idle and in use). */
    long bytes() {
        return bytes;
    }

    /** Bytes of the buffers kept for reuse. */
    long idleBytes() {
        return idleBytes;
    }

    long idleLimit() {
        return idleLimit;
    }

    static MemorySegment view(NativeBuffer b, long size) {
        return b.segment.asSlice(0, size);
    }
}
