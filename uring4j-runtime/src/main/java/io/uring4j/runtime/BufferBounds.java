package io.uring4j.runtime;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ConcurrentModificationException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The part of a {@link ByteBuffer} one request transfers, taken once (issue 9 item 2). A buffer's
 * position and limit are plain fields another thread may move at any time (misuse, but possible):
 * reading {@code remaining()} and later {@code position()} can pair a length from one state with
 * a start from another and send the kernel past the buffer's end. So a request reads position and
 * limit exactly once, checks {@code start + length <= capacity}, and derives the SQE's address and
 * length, the heap copies and the position update at completion from that snapshot only. Misuse
 * then gets a wrong result or a {@link ConcurrentModificationException}, never memory outside
 * the buffer.
 *
 * <p>A snapshot is packed into one {@code long} (start in the high half, length in the low half)
 * so a request carries it in {@link Operation#value} and allocates nothing.
 */
final class BufferBounds {
    private BufferBounds() {}

    /**
     * Position and limit of {@code buf}, read once and checked: the packed snapshot. Throws
     * {@link ConcurrentModificationException} when the two reads do not fit together (position
     * past limit), which only another thread moving them can cause.
     */
    static long snapshot(ByteBuffer buf) {
        int start = buf.position();
        int limit = buf.limit();
        int capacity = buf.capacity();
        if (start < 0 || start > limit || limit > capacity) {
            throw moved(buf, "position " + start + " and limit " + limit + " of capacity " + capacity + " do not fit together");
        }
        int length = limit - start;
        if ((long) start + length > capacity) { // what the kernel is given must lie inside the buffer
            throw moved(buf, "position " + start + " + length " + length + " exceeds capacity " + capacity);
        }
        return ((long) start << 32) | length;
    }

    /** Where in the buffer the snapshot starts. */
    static int start(long bounds) {
        return (int) (bounds >>> 32);
    }

    /** How many bytes the snapshot covers. */
    static int length(long bounds) {
        return (int) bounds;
    }

    /**
     * Copies the snapshot's bytes of heap buffer {@code src} to {@code dst} at {@code dstOffset},
     * by absolute index (the buffer's own position is not read again).
     */
    static void copyIn(ByteBuffer src, long bounds, MemorySegment dst, long dstOffset) {
        int start = start(bounds), length = length(bounds);
        if (src.hasArray()) {
            MemorySegment.copy(src.array(), src.arrayOffset() + start, dst, JAVA_BYTE, dstOffset, length);
        } else { // a read-only heap buffer or a direct one: a segment over all of it (allocates; not a hot path)
            MemorySegment.copy(whole(src), start, dst, dstOffset, length);
        }
    }

    /**
     * Copies {@code n} bytes (at most the snapshot's length) from {@code src} at {@code srcOffset}
     * into heap buffer {@code dst} at the snapshot's start, by absolute index.
     */
    static void copyOut(MemorySegment src, long srcOffset, ByteBuffer dst, long bounds, int n) {
        int count = Math.min(n, length(bounds));
        if (count <= 0) return;
        if (dst.hasArray()) {
            MemorySegment.copy(src, JAVA_BYTE, srcOffset, dst.array(), dst.arrayOffset() + start(bounds), count);
        } else {
            MemorySegment.copy(src, srcOffset, whole(dst), start(bounds), count);
        }
    }

    /**
     * A segment over all of {@code buf} (position and limit aside). {@code duplicate()} copies
     * position, limit and mark through the setters, which throw when another thread moves them
     * between the reads; the copy is tried again (each try is a few field reads, so a racing
     * thread cannot hold it off for long), and after many failures the request fails instead.
     */
    static MemorySegment whole(ByteBuffer buf) {
        for (int attempt = 0; ; attempt++) {
            try {
                return MemorySegment.ofBuffer(buf.duplicate().clear());
            } catch (IllegalArgumentException raced) {
                if (attempt == 1000) throw moved(buf, raced.getMessage());
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Sets the position of {@code buf} to the snapshot's start plus {@code n}, as FileChannel
     * does after a transfer. Returns false, instead of throwing on the loop thread, when the
     * limit was moved below that meanwhile.
     */
    static boolean advance(ByteBuffer buf, long bounds, int n) {
        try {
            buf.position(start(bounds) + Math.min(n, length(bounds)));
            return true;
        } catch (IllegalArgumentException limitMoved) {
            return false;
        }
    }

    /** The failure of a request whose buffer's bounds moved under it. */
    static ConcurrentModificationException movedAfter(ByteBuffer buf, long bounds, int n) {
        return moved(buf, n + " bytes were transferred at position " + start(bounds)
                + ", but the limit was moved to " + buf.limit() + " meanwhile");
    }

    private static ConcurrentModificationException moved(ByteBuffer buf, String what) {
        return new ConcurrentModificationException("the bounds of " + buf + " moved while a request used it"
                + " (another thread?): " + what);
    }
}
