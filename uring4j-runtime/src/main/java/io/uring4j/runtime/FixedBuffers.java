package io.uring4j.runtime;

import io.uring4j.core.IoUring;

import java.util.List;

/**
 * A loop's registered buffer table (sparse, {@link #SLOTS} slots): a pooled native buffer used by
 * a file opened with {@link FileOpenOption#REGISTERED} is registered once, on first use, and stays
 * registered while the pool keeps it (until the loop closes), so its transfers can be
 * READ_FIXED/WRITE_FIXED: no page pinning per request. Loop-thread only.
 */
final class FixedBuffers {
    static final int SLOTS = 1024;

    private final IoUring ring;
    private int next;

    FixedBuffers(IoUring ring) {
        this.ring = ring;
        ring.registration().registerBuffersSparse(SLOTS);
    }

    /** The table index of {@code b}, registering it now if needed; -1 when the table is full. */
    int indexOf(NativeBuffer b) {
        if (b.fixedIndex < 0 && next < SLOTS) {
            ring.registration().updateBuffers(next, List.of(b.segment));
            b.fixedIndex = next++;
        }
        return b.fixedIndex;
    }
}
