package io.uring4j.runtime;

import java.lang.foreign.MemorySegment;

/** A pooled native buffer of a loop: a segment of the loop's arena and its size class. */
final class NativeBuffer {
    final MemorySegment segment;
    final int sizeClass;

    NativeBuffer(MemorySegment segment, int sizeClass) {
        this.segment = segment;
        this.sizeClass = sizeClass;
    }
}
