package io.uring4j.runtime;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Segments over the direct buffers a loop used lately, by buffer identity: an application that
 * reuses its buffers (the usual way, one per request in flight) gets the same segment each time,
 * so a request allocates nothing for it. An open-addressed table of {@value #SIZE} entries probed
 * {@value #PROBES} deep; when every probed entry is taken, the home entry's buffer makes room.
 * An entry keeps its buffer reachable until another buffer takes its place or the loop closes.
 * Loop thread only.
 */
final class DirectSegments {
    static final int SIZE = 512;
    private static final int PROBES = 4;

    private final ByteBuffer[] keys = new ByteBuffer[SIZE];
    private final MemorySegment[] values = new MemorySegment[SIZE];

    /**
     * The segment over all of {@code buf} (position and limit aside). Callers add the buffer's
     * position to the address themselves (a slice per request would be an object the JIT does
     * not always keep off the heap).
     */
    MemorySegment whole(ByteBuffer buf) {
        int home = (System.identityHashCode(buf) * 0x9E3779B9 >>> 16) & (SIZE - 1);
        int free = -1;
        for (int p = 0; p < PROBES; p++) {
            int i = (home + p) & (SIZE - 1);
            ByteBuffer key = keys[i];
            if (key == buf) return values[i];
            if (key == null && free < 0) free = i;
        }
        int i = free >= 0 ? free : home;
        MemorySegment whole = BufferBounds.whole(buf);
        keys[i] = buf;
        values[i] = whole;
        return whole;
    }

    /** Drops every entry (the loop is closing), so the buffers can be collected. */
    void clear() {
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
    }
}
