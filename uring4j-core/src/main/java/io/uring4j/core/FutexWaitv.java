package io.uring4j.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Arrays of {@code struct futex_waitv}, for {@link MiscOps#prepFutexWaitv}.
 *
 * <pre>
 *  0                 8                 16             20             24
 *  | val (u64)       | uaddr (u64)     | flags (u32)  | __reserved   |
 * </pre>
 *
 * <p>The kernel copies the array when the request is submitted; the futex words it points at
 * are watched until completion and must stay alive until then.
 */
public final class FutexWaitv {
    private FutexWaitv() {}

    /** {@code struct futex_waitv}: value, address, flags and a reserved word that must be 0. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("val"),
            JAVA_LONG.withName("uaddr"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("__reserved")
    ).withName("futex_waitv");

    /** Bytes per entry (24). */
    public static final long BYTES = LAYOUT.byteSize();

    private static final long VAL = LAYOUT.byteOffset(groupElement("val"));
    private static final long UADDR = LAYOUT.byteOffset(groupElement("uaddr"));
    private static final long FLAGS = LAYOUT.byteOffset(groupElement("flags"));
    private static final long RESERVED = LAYOUT.byteOffset(groupElement("__reserved"));

    /**
     * Allocates a zeroed array of {@code count} entries.
     *
     * @param allocator where the array is allocated (it shares its lifetime)
     * @param count     the number of entries ({@code >= 0})
     * @return the array, {@code count * }{@link #BYTES} bytes
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public static MemorySegment allocate(SegmentAllocator allocator, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("a futex_waitv count is >= 0, given " + count);
        }
        return allocator.allocate(LAYOUT, count);
    }

    /**
     * Entry {@code index}: wait on the futex word {@code futex} while it holds {@code val};
     * {@code futexFlags} are {@code FUTEX2_*} (the size bits decide how many bytes are compared).
     * Only the word's address is recorded: it must stay alive until the wait completes.
     *
     * @param array      the futex_waitv array to write
     * @param index      the entry, 0..(entries the array holds - 1)
     * @param futex      the futex word (native, at least the size {@code futexFlags} names)
     * @param val        the value the word is expected to hold
     * @param futexFlags {@code FUTEX2_*} flags ({@link MiscOps#FUTEX2_SIZE_U32}, {@link MiscOps#FUTEX2_PRIVATE}, …)
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     * @throws IllegalArgumentException  if {@code futex} is not a native segment or is too small
     * @throws IllegalStateException     if the arena of {@code futex} is already closed
     */
    public static void set(MemorySegment array, int index, MemorySegment futex, long val, int futexFlags) {
        long n = array.byteSize() / BYTES;
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("futex_waitv index must be within 0.." + (n - 1) + ", given " + index);
        }
        long at = index * BYTES;
        long addr = Sqe.struct(futex, futexBytes(futexFlags), "futex_waitv futex word");
        array.set(JAVA_LONG, at + VAL, val);
        array.set(JAVA_LONG, at + UADDR, addr);
        array.set(JAVA_INT, at + FLAGS, futexFlags);
        array.set(JAVA_INT, at + RESERVED, 0);
    }

    /** Bytes of a futex word by the FUTEX2_SIZE_* bits of {@code futexFlags}: 1, 2, 4 or 8. */
    static long futexBytes(int futexFlags) {
        return 1L << (futexFlags & 3);
    }
}
