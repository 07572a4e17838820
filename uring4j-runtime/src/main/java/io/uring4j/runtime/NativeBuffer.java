package io.uring4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A native buffer of a loop that an {@link Operation} can hold until its last CQE: a pooled one
 * (a segment of the loop's arena and its size class), or one of the loop's receive buffers that
 * a send took over ({@link #receiveBid} >= 0), which goes back to the kernel's buffer ring when
 * the operation ends instead of to the pool.
 */
final class NativeBuffer {
    final MemorySegment segment;
    /** The pool's size class, or -1 for a receive buffer. */
    final int sizeClass;
    /** The receive buffer's id in the loop's buffer ring, or -1 for a pooled buffer. */
    final int receiveBid;
    /** The arena of a pooled buffer alone (closing it frees the buffer); null for a receive buffer. */
    final Arena arena;
    /** Index in the loop's registered buffer table, or -1 while unregistered. Loop thread. */
    int fixedIndex = -1;

    NativeBuffer(MemorySegment segment, int sizeClass, Arena arena) {
        this.segment = segment;
        this.sizeClass = sizeClass;
        this.receiveBid = -1;
        this.arena = arena;
    }

    private NativeBuffer(MemorySegment segment, int receiveBid, boolean receive) {
        this.segment = segment;
        this.sizeClass = -1;
        this.receiveBid = receiveBid;
        this.arena = null;
    }

    static NativeBuffer receiveBuffer(MemorySegment segment, int bid) {
        return new NativeBuffer(segment, bid, true);
    }
}
