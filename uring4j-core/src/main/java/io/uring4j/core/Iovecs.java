package io.uring4j.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Arrays of {@code struct iovec} in native memory, for the vectored helpers
 * ({@link FileOps#prepReadv}, {@link FileOps#prepWritev}, …) and buffer registration.
 *
 * <pre>
 *  0                         8                         16
 *  +-------------------------+-------------------------+
 *  | iov_base (void *)       | iov_len (size_t)        |   one entry; an array is N of them
 *  +-------------------------+-------------------------+
 * </pre>
 *
 * <p>An iovec only records addresses: the array must live until the submitting enter returns
 * ({@link Feature#SUBMIT_STABLE}, no SQPOLL; until completion otherwise), and the buffers it
 * points at until the request completes.
 *
 * <p><b>Read-only buffers.</b> An array may point at read-only segments: writev and sendmsg only
 * read them. The entries {@link #set} filled from a read-only segment are remembered, and the
 * helpers through which the kernel writes into the buffers ({@link FileOps#prepReadv} and its
 * variants, {@link SendRecvOps#prepRecvmsg}) refuse an array with such an entry. Entries written
 * by other means are the caller's own: the helpers check the array's size, not its pointers.
 */
public final class Iovecs {
    private Iovecs() {}

    /** {@code struct iovec} on a 64-bit Linux. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("iov_base"),
            JAVA_LONG.withName("iov_len")
    ).withName("iovec");

    /** Bytes per entry (16). */
    public static final long BYTES = LAYOUT.byteSize();

    private static final long IOV_BASE = LAYOUT.byteOffset(groupElement("iov_base"));
    private static final long IOV_LEN = LAYOUT.byteOffset(groupElement("iov_len"));

    /**
     * Allocates a zeroed array of {@code count} entries.
     *
     * @param allocator where the array is allocated (it shares its lifetime)
     * @param count     the number of entries ({@code >= 0})
     * @return the array, {@code count * }{@link #BYTES} bytes, 8-byte aligned
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public static MemorySegment allocate(SegmentAllocator allocator, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("an iovec count is >= 0, given " + count);
        }
        return allocator.allocate(LAYOUT, count);
    }

    /**
     * Allocates an array with one entry per buffer, each covering the whole buffer, as by
     * {@link #set(MemorySegment, int, MemorySegment)}.
     *
     * @param allocator where the array is allocated (it shares its lifetime)
     * @param buffers   the buffers, in order (native segments; they must outlive the requests)
     * @return the filled array
     * @throws IllegalArgumentException if a buffer is not a native segment
     * @throws IllegalStateException    if the arena of a buffer is already closed
     */
    public static MemorySegment allocate(SegmentAllocator allocator, MemorySegment... buffers) {
        MemorySegment iovecs = allocate(allocator, buffers.length);
        for (int i = 0; i < buffers.length; i++) {
            set(iovecs, i, buffers[i]);
        }
        return iovecs;
    }

    /**
     * Counts the entries a segment has room for.
     *
     * @param iovecs an iovec array
     * @return the number of whole entries it holds (capped at {@link Integer#MAX_VALUE})
     */
    public static int count(MemorySegment iovecs) {
        return (int) Math.min(Integer.MAX_VALUE, iovecs.byteSize() / BYTES);
    }

    /**
     * Points entry {@code index} at all of {@code buffer} (a native segment).
     *
     * @param iovecs the iovec array to write
     * @param index  the entry, 0..{@code count(iovecs) - 1}
     * @param buffer the buffer; only its address is recorded, so it must outlive the requests
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     * @throws IllegalArgumentException  if {@code buffer} is not a native segment
     * @throws IllegalStateException     if the arena of {@code buffer} is already closed
     */
    public static void set(MemorySegment iovecs, int index, MemorySegment buffer) {
        set(iovecs, index, buffer, buffer.byteSize());
    }

    /**
     * Points entry {@code index} at the first {@code length} bytes of {@code buffer}.
     *
     * @param iovecs the iovec array to write
     * @param index  the entry, 0..{@code count(iovecs) - 1}
     * @param buffer the buffer; only its address is recorded, so it must outlive the requests
     * @param length {@code iov_len}: 0..{@code buffer.byteSize()}
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     * @throws IllegalArgumentException  if {@code length} is out of range, or {@code buffer} is
     *                                   not a native segment
     * @throws IllegalStateException     if the arena of {@code buffer} is already closed
     */
    public static void set(MemorySegment iovecs, int index, MemorySegment buffer, long length) {
        long at = entry(iovecs, index);
        if (length < 0 || length > buffer.byteSize()) {
            throw new IllegalArgumentException("iovec " + index + ": length must be within the buffer (0.."
                    + buffer.byteSize() + "), given " + length);
        }
        iovecs.set(JAVA_LONG, at + IOV_BASE, Sqe.address(buffer, "iovec " + index + " buffer"));
        iovecs.set(JAVA_LONG, at + IOV_LEN, length);
        ReadOnlyTargets.note(iovecs, iovecs.address() + at + IOV_BASE, buffer);
    }

    /**
     * Refuses an iovec array whose first {@code count} entries include one {@link #set} from a
     * read-only segment, for a request in which the kernel writes into the buffers.
     */
    static void requireWritableBuffers(MemorySegment iovecs, int count, String what) {
        if (ReadOnlyTargets.none()) {
            return;
        }
        for (int i = 0; i < count; i++) {
            long at = i * BYTES + IOV_BASE;
            if (ReadOnlyTargets.isReadOnly(iovecs.address() + at, true, iovecs.get(JAVA_LONG, at))) {
                throw new IllegalArgumentException(what + ": iovec " + i
                        + " buffer must be writable (the kernel writes into it), given a read-only segment");
            }
        }
    }

    /** As {@link #requireWritableBuffers} for an array known only by address (a msghdr's msg_iov). */
    static void requireWritableBuffers(long iovecs, long count, String what) {
        if (ReadOnlyTargets.none()) {
            return;
        }
        long n = Math.min(count, 1024); // UIO_MAXIOV: the kernel refuses longer arrays
        for (int i = 0; i < n; i++) {
            if (ReadOnlyTargets.isReadOnly(iovecs + i * BYTES + IOV_BASE, false, 0)) {
                throw new IllegalArgumentException(what + ": iovec " + i
                        + " buffer must be writable (the kernel writes into it), given a read-only segment");
            }
        }
    }

    /**
     * Reads {@code iov_base} of entry {@code index}.
     *
     * @param iovecs the iovec array
     * @param index  the entry, 0..{@code count(iovecs) - 1}
     * @return the buffer address the entry holds
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     */
    public static long base(MemorySegment iovecs, int index) {
        return iovecs.get(JAVA_LONG, entry(iovecs, index) + IOV_BASE);
    }

    /**
     * Reads {@code iov_len} of entry {@code index}.
     *
     * @param iovecs the iovec array
     * @param index  the entry, 0..{@code count(iovecs) - 1}
     * @return the buffer length in bytes the entry holds
     * @throws IndexOutOfBoundsException if {@code index} is outside the array
     */
    public static long length(MemorySegment iovecs, int index) {
        return iovecs.get(JAVA_LONG, entry(iovecs, index) + IOV_LEN);
    }

    /**
     * Sums the lengths of the first {@code count} entries: the most a vectored request over
     * them can transfer.
     *
     * @param iovecs the iovec array
     * @param count  how many entries, from the first
     * @return the total length in bytes
     * @throws IndexOutOfBoundsException if {@code count} exceeds the entries the array holds
     */
    public static long totalLength(MemorySegment iovecs, int count) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += length(iovecs, i);
        }
        return total;
    }

    private static long entry(MemorySegment iovecs, int index) {
        int n = count(iovecs);
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("iovec index must be within 0.." + (n - 1) + ", given " + index);
        }
        return index * BYTES;
    }
}
