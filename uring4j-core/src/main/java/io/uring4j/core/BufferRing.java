package io.uring4j.core;

import io.uring4j.core.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A provided-buffer ring (kernel 5.19): a ring of buffer descriptors shared with the kernel, from
 * which receives and reads with {@link SqeFlag#BUFFER_SELECT} and {@link Sqe#bufGroup}
 * {@code == groupId()} take their buffers. Port of liburing's {@code io_uring_setup_buf_ring},
 * {@code io_uring_buf_ring_add}/{@code _advance}/{@code _cq_advance}, {@code io_uring_buf_ring_head}
 * and {@code io_uring_free_buf_ring}.
 *
 * <pre>
 *  entry i (16 bytes):  0 addr u64 | 8 len u32 | 12 bid u16 | 14 resv u16
 *  the ring's u16 tail overlays entry 0's resv, at byte 14
 * </pre>
 *
 * <p><b>Protocol.</b> The application fills entries with {@link #add} at positions after the
 * tail, then publishes them all at once with {@link #advance}; the kernel consumes from its own
 * head and names the buffer it used in each CQE ({@link Cqe#bufferId()}). A consumed buffer is
 * the application's again until it is added back. When no buffer is left, the request's CQE has
 * res -ENOBUFS, an ordinary failure CQE that also ends a multishot request (no F_MORE).
 *
 * <p><b>Incremental consumption</b> ({@link #INCREMENTAL}, kernel 6.12): the kernel uses a buffer
 * only as far as each transfer needs and keeps the rest; such a CQE has {@link CqeFlag#BUF_MORE},
 * meaning the buffer id will appear again and the next data follows the bytes already delivered.
 * A request that runs in io-wq ({@link SqeFlag#ASYNC}, or a file that cannot be polled) has its
 * requested length committed when the buffer is selected, so give it an explicit length: with
 * length 0 it takes the whole remaining buffer.
 *
 * <p><b>Lifetimes.</b> The descriptor ring is owned by this object and unmapped by
 * {@link #close()} (after unregistering). The buffers added belong to the kernel from
 * {@link #advance} until they come back in a CQE, and must stay alive all that time. Not
 * thread-safe, like the ring it serves.
 */
public final class BufferRing implements AutoCloseable {
    /** {@code IOU_PBUF_RING_INC}: consume buffers incrementally (6.12). */
    public static final int INCREMENTAL = 2;
    /** The largest ring the kernel accepts. */
    public static final int MAX_ENTRIES = 32768;
    /** Bytes per descriptor ({@code sizeof(struct io_uring_buf)}): 16. */
    public static final int ENTRY_BYTES = (int) Layouts.BUF.byteSize();

    private final IoUring ring;
    private final Arena arena;
    private final MemorySegment bufs;
    private final int entries;
    private final int mask;
    private final int groupId;
    private final int flags;
    /** Our copy of the tail: the application is its only writer. */
    private short tail;
    private boolean closed;

    private BufferRing(IoUring ring, Arena arena, MemorySegment bufs, int entries, int groupId, int flags) {
        this.ring = ring;
        this.arena = arena;
        this.bufs = bufs;
        this.entries = entries;
        this.mask = entries - 1;
        this.groupId = groupId;
        this.flags = flags;
    }

    /**
     * {@link #register(IoUring, int, int, int)} without flags.
     *
     * @param ring    the ring whose requests take buffers from the group
     * @param entries the number of descriptors: a power of two within 1..{@link #MAX_ENTRIES}
     * @param groupId the buffer group id (0..65535), for {@link Sqe#bufGroup}
     * @return the registered, empty buffer ring; close it to unregister and unmap it
     * @throws IllegalArgumentException if {@code entries} or {@code groupId} is out of range
     * @throws IllegalStateException    if {@code ring} is closed
     * @throws IoUringException         if the mmap fails or the kernel refuses (EEXIST: the group is taken)
     */
    public static BufferRing register(IoUring ring, int entries, int groupId) {
        return register(ring, entries, groupId, 0);
    }

    /**
     * Port of {@code io_uring_setup_buf_ring}: maps a page-aligned anonymous ring of
     * {@code entries} descriptors and registers it as buffer group {@code groupId}.
     *
     * @param ring    the ring whose requests take buffers from the group
     * @param entries a power of two within 1..32768
     * @param groupId the buffer group id (0..65535), for {@link Sqe#bufGroup}
     * @param flags   0 or {@link #INCREMENTAL}
     * @return the registered, empty buffer ring; close it to unregister and unmap it
     * @throws IllegalArgumentException if {@code entries}, {@code groupId} or {@code flags} is out
     *                                  of range
     * @throws IllegalStateException    if {@code ring} is closed
     * @throws IoUringException if the mmap fails or the kernel refuses (EEXIST: the group is taken; EINVAL: …)
     */
    public static BufferRing register(IoUring ring, int entries, int groupId, int flags) {
        if (entries <= 0 || entries > MAX_ENTRIES || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("a buffer ring has a power-of-two number of entries within 1.."
                    + MAX_ENTRIES + ", given " + entries);
        }
        if (groupId < 0 || groupId > 0xFFFF) {
            throw new IllegalArgumentException("a buffer group id is a u16 (0..65535), given " + groupId);
        }
        if ((flags & ~INCREMENTAL) != 0) {
            throw new IllegalArgumentException("buffer ring flags are 0 or INCREMENTAL (2), given " + flags);
        }
        long bytes = (long) entries * ENTRY_BYTES;
        // mmap, not an Arena allocation: the kernel pins the ring's pages and wants it page-aligned
        long addr = Native.mmap(0, bytes, Native.PROT_READ | Native.PROT_WRITE,
                Native.MAP_PRIVATE | Native.MAP_ANONYMOUS, -1, 0);
        if (addr < 0) {
            throw new IoUringException("mmap", (int) addr, "buffer ring of " + entries + " entries");
        }
        Arena arena = Arena.ofShared();
        MemorySegment bufs = MemorySegment.ofAddress(addr).reinterpret(bytes, arena, s -> Native.munmap(s.address(), bytes));
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment reg = tmp.allocate(Layouts.BUF_REG);
            reg.set(JAVA_LONG, Layouts.BUF_REG_RING_ADDR, addr);
            reg.set(JAVA_INT, Layouts.BUF_REG_RING_ENTRIES, entries);
            reg.set(JAVA_SHORT, Layouts.BUF_REG_BGID, (short) groupId);
            reg.set(JAVA_SHORT, Layouts.BUF_REG_FLAGS, (short) flags);
            ring.registerOrThrow(RegisterOp.REGISTER_PBUF_RING, reg, 1,
                    "buffer group " + groupId + ", " + entries + " entries, flags " + flags);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        // fresh anonymous memory is zero, so the tail starts at 0 (io_uring_buf_ring_init)
        return new BufferRing(ring, arena, bufs, entries, groupId, flags);
    }

    /**
     * The buffer group this ring was registered as.
     *
     * @return the group id, to pass to {@link Sqe#bufGroup}
     */
    public int groupId() {
        return groupId;
    }

    /**
     * The ring's size.
     *
     * @return the number of descriptors (a power of two)
     */
    public int entries() {
        return entries;
    }

    /**
     * Port of {@code io_uring_buf_ring_mask}.
     *
     * @return {@code entries() - 1}
     */
    public int mask() {
        return mask;
    }

    /**
     * Whether the ring was registered with {@link #INCREMENTAL}.
     *
     * @return whether the kernel consumes its buffers incrementally
     */
    public boolean isIncremental() {
        return (flags & INCREMENTAL) != 0;
    }

    /**
     * Port of {@code io_uring_buf_ring_add}: writes descriptor number {@code offset} after the
     * tail (not yet visible to the kernel) for the whole of {@code buf}, with id {@code bid}.
     * {@code buf} must be native and writable (the kernel writes received data into it), and stay
     * alive until the buffer comes back in a CQE or the ring is closed.
     *
     * @param buf    the buffer, all of it (native, writable, at most 2^32-1 bytes)
     * @param bid    the buffer id the CQE will report (0..65535)
     * @param offset how many descriptors were already added since the last {@link #advance};
     *               within 0..entries-1
     * @throws IllegalArgumentException if {@code buf} is not native, is read-only or is too large,
     *                                  or {@code bid} or {@code offset} is out of range
     * @throws IllegalStateException    if the arena of {@code buf} or this ring is closed
     */
    public void add(MemorySegment buf, int bid, int offset) {
        long size = buf.byteSize();
        if (size > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("a provided buffer has at most 2^32-1 bytes, given " + size);
        }
        addUnchecked(Sqe.writableAddress(buf, "buffer ring entry"), (int) size, bid, offset);
    }

    /**
     * {@link #add(MemorySegment, int, int)} for raw memory, <b>unchecked</b>: {@code len} bytes at
     * native address {@code addr}. The caller takes over the kernel's memory contract: the kernel
     * writes received data there whenever it picks this buffer, so the range must be mapped,
     * writable and kept alive until the buffer comes back in a CQE or the ring is closed; nothing
     * here checks it. Prefer the segment form.
     *
     * @param addr   the buffer's native address
     * @param len    the buffer's length in bytes (read as unsigned)
     * @param bid    the buffer id the CQE will report (0..65535)
     * @param offset how many descriptors were already added since the last {@link #advance};
     *               within 0..entries-1
     * @throws IllegalArgumentException if {@code bid} or {@code offset} is out of range
     * @throws IllegalStateException    if this ring is closed
     */
    public void addUnchecked(long addr, int len, int bid, int offset) {
        if (bid < 0 || bid > 0xFFFF) {
            throw new IllegalArgumentException("a buffer id is a u16 (0..65535), given " + bid);
        }
        if (offset < 0 || offset >= entries) {
            throw new IllegalArgumentException("offset after the tail must be within 0.." + mask + ", given " + offset);
        }
        long at = (long) ((tail + offset) & mask) * ENTRY_BYTES;
        bufs.set(JAVA_LONG, at + Layouts.BUF_ADDR, addr);
        bufs.set(JAVA_INT, at + Layouts.BUF_LEN, len);
        bufs.set(JAVA_SHORT, at + Layouts.BUF_BID, (short) bid);
    }

    /**
     * Port of {@code io_uring_buf_ring_advance}: makes the {@code count} descriptors added since
     * the last advance visible to the kernel.
     *
     * @param count how many descriptors to publish: 0..{@link #entries()}
     * @throws IllegalArgumentException if {@code count} is out of range
     * @throws IllegalStateException    if this ring is closed
     */
    public void advance(int count) {
        if (count < 0 || count > entries) {
            throw new IllegalArgumentException("advance by 0.." + entries + " descriptors, given " + count);
        }
        tail = (short) (tail + count);
        // publishes the descriptors written by add(); pairs with the kernel's smp_load_acquire of the tail
        RingAccess.storeReleaseShort(bufs, Layouts.BUF_RING_TAIL, tail);
    }

    /**
     * Port of {@code io_uring_buf_ring_cq_advance}: {@link #advance}s {@code count} descriptors
     * and marks {@code count} CQEs of the ring seen, for the common loop that re-adds each
     * buffer as its CQE is handled.
     *
     * @param count how many descriptors to publish and CQEs to mark seen
     * @throws IllegalArgumentException if {@code count} is negative, above {@link #entries()}, or
     *                                  above the CQEs ready (the descriptors are then already
     *                                  published)
     * @throws IllegalStateException    if this ring or the io_uring is closed
     */
    public void cqAdvance(int count) {
        advance(count);
        ring.cqAdvance(count);
    }

    /**
     * The tail the application last published.
     *
     * @return the tail, a u16 that wraps
     */
    public int tail() {
        return Short.toUnsignedInt(tail);
    }

    /**
     * Port of {@code io_uring_buf_ring_head}: the kernel's consumer head (u16, wraps) through
     * {@code IORING_REGISTER_PBUF_STATUS} (kernel 6.8).
     *
     * @return the kernel's head, a u16 that wraps
     * @throws IllegalStateException if this ring or the io_uring is closed
     * @throws IoUringException      if the kernel refuses (e.g. EINVAL before 6.8)
     */
    public int head() {
        ensureOpen();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment status = tmp.allocate(Layouts.BUF_STATUS);
            status.set(JAVA_INT, Layouts.BUF_STATUS_BUF_GROUP, groupId);
            ring.registerOrThrow(RegisterOp.REGISTER_PBUF_STATUS, status, 1, "head of buffer group " + groupId);
            return status.get(JAVA_INT, Layouts.BUF_STATUS_HEAD) & 0xFFFF;
        }
    }

    /**
     * Port of {@code io_uring_buf_ring_available}: published descriptors the kernel has not taken.
     *
     * @return {@code tail() - head()}, modulo 2^16
     * @throws IllegalStateException if this ring or the io_uring is closed
     * @throws IoUringException      if the kernel refuses the status call (before 6.8)
     */
    public int available() {
        return (tail() - head()) & 0xFFFF;
    }

    /**
     * Port of {@code io_uring_free_buf_ring}: unregisters the group (unless the ring is already
     * closed, which dropped it) and unmaps the descriptors. Idempotent. Requests still using the
     * group fail with -ENOBUFS once it is gone.
     *
     * @throws IoUringException if the kernel refuses to unregister (the descriptors are unmapped anyway)
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (!ring.isClosed()) {
                try (Arena tmp = Arena.ofConfined()) {
                    MemorySegment reg = tmp.allocate(Layouts.BUF_REG);
                    reg.set(JAVA_SHORT, Layouts.BUF_REG_BGID, (short) groupId);
                    ring.registerOrThrow(RegisterOp.UNREGISTER_PBUF_RING, reg, 1, "buffer group " + groupId);
                }
            }
        } finally {
            arena.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("buffer ring " + groupId + " is closed");
        }
    }

    @Override
    public String toString() {
        return "BufferRing[group=" + groupId + ", entries=" + entries + ", tail=" + tail() + (isIncremental() ? ", incremental" : "") + "]";
    }
}
