package io.uring4j.runtime;

import io.uring4j.core.IoUring;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A loop's registered buffer table (sparse, {@link #SLOTS} slots): a pooled native buffer used by
 * a file opened with {@link FileOpenOption#REGISTERED} is registered once, on first use, and stays
 * registered while the pool keeps it (until the loop closes), so its transfers can be
 * READ_FIXED/WRITE_FIXED: no page pinning per request. A buffer the pool frees (it keeps only
 * so many idle bytes) leaves the table first, and its slot serves the next one. Loop-thread only.
 */
final class FixedBuffers {
    static final int SLOTS = 1024;

    private final IoUring ring;
    private int next;
    private final int[] freed = new int[SLOTS];
    private int freedCount;

    FixedBuffers(IoUring ring) {
        this.ring = ring;
        ring.registration().registerBuffersSparse(SLOTS);
    }

    /** The table index of {@code b}, registering it now if needed; -1 when the table is full. */
    int indexOf(NativeBuffer b) {
        if (b.fixedIndex < 0 && (freedCount > 0 || next < SLOTS)) {
            int slot = freedCount > 0 ? freed[--freedCount] : next++;
            ring.registration().updateBuffers(slot, List.of(b.segment));
            b.fixedIndex = slot;
        }
        return b.fixedIndex;
    }

    /**
     * Empties {@code b}'s slot before the pool frees it: no request uses it any more (the pool
     * has it back), and the kernel drops its page references once the update is done.
     */
    void forget(NativeBuffer b) {
        ring.registration().updateBuffers(b.fixedIndex, List.of(MemorySegment.NULL));
        freed[freedCount++] = b.fixedIndex;
        b.fixedIndex = -1;
    }
}
