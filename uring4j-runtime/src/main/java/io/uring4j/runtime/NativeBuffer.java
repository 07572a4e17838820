package io.uring4j.runtime;

import java.lang.foreign.MemorySegment;

/** A pooled native buffer of a loop: a segment of the loop's arena and its size class. */
final class NativeBuffer {
    final MemorySegment segment;
    final int sizeClass;
    /** Index in the loop's registered buffer table, or -1 while unregistered. Loop thread. */
    int fixedIndex = -1;

    NativeBuffer(MemorySegment segment, int sizeClass) {
        this.segment = segment;
        this.sizeClass = sizeClass;
    }
}
