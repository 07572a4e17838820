package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers for legacy provided buffers: groups filled and emptied with SQEs. Implemented
 * only by {@link Sqe}. New code should prefer a {@link BufferRing} (kernel 5.19), which is
 * refilled without SQEs; a group id is either a ring or a legacy group, never both.
 *
 * <p><b>Lifetimes.</b> Provided memory belongs to the kernel from the PROVIDE_BUFFERS
 * completion until each buffer is handed back in a CQE (F_BUFFER with its id) or removed
 * with {@link #prepRemoveBuffers}; it must stay alive all that time.
 */
public sealed interface BufferOps permits Sqe {

    /** The most buffers one PROVIDE_BUFFERS may add (the kernel caps {@code nr} at 2^16). */
    int MAX_BUFFERS_PER_PROVIDE = 1 << 16;

    /* ---- kernel 5.7 ---- */

    /**
     * Equivalent to {@code io_uring_prep_provide_buffers(3)}; kernel 5.7. Hands {@code nr}
     * consecutive buffers of {@code len} bytes, carved from the start of {@code addr}, to group
     * {@code bgid}, with ids {@code bid}, {@code bid + 1}, …. The CQE result is 0 on success
     * (older kernels: the number added). {@code addr} lives until every buffer is consumed or
     * removed.
     *
     * @param addr the memory the buffers are carved from: native, writable, at least
     *             {@code len * nr} bytes
     * @param len  the size of each buffer in bytes ({@code >= 1})
     * @param nr   how many buffers: 1..{@link #MAX_BUFFERS_PER_PROVIDE}
     * @param bgid the buffer group id (0..65535)
     * @param bid  the id of the first buffer (0..65535; {@code bid + nr - 1} at most 65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if a count or id is out of range, {@code len * nr} exceeds
     *                                  {@code addr} or {@link Integer#MAX_VALUE}, or {@code addr}
     *                                  is not a native segment or is read-only
     * @throws IllegalStateException    if the arena of {@code addr} is already closed
     */
    @Prep(value = Opcode.PROVIDE_BUFFERS, liburing = "io_uring_prep_provide_buffers")
    default Sqe prepProvideBuffers(MemorySegment addr, int len, int nr, int bgid, int bid) {
        if (nr <= 0 || nr > MAX_BUFFERS_PER_PROVIDE) {
            throw new IllegalArgumentException("prepProvideBuffers: nr must be within 1.." + MAX_BUFFERS_PER_PROVIDE + ", given " + nr);
        }
        if (len <= 0) {
            throw new IllegalArgumentException("prepProvideBuffers: each buffer needs len >= 1, given " + len);
        }
        checkU16(bgid, "prepProvideBuffers bgid");
        checkU16(bid, "prepProvideBuffers bid");
        if (bid + (long) nr - 1 > 0xFFFF) {
            throw new IllegalArgumentException("prepProvideBuffers: buffer ids bid..bid+nr-1 must stay within a u16, given bid "
                    + bid + " and nr " + nr);
        }
        Sqe.length(addr, (long) len * nr, "prepProvideBuffers memory (len * nr)");
        long base = Sqe.writableAddress(addr, "prepProvideBuffers memory");
        return sqe().prepRw(Opcode.PROVIDE_BUFFERS, nr, base, len, bid).bufGroup(bgid);
    }

    /**
     * Equivalent to {@code io_uring_prep_remove_buffers(3)}; kernel 5.7. Takes up to {@code nr}
     * unused buffers back from group {@code bgid}; the CQE result is how many were removed
     * (-ENOENT when the group does not exist). No user memory is involved.
     *
     * @param nr   the most buffers to remove: 1..{@link #MAX_BUFFERS_PER_PROVIDE}
     * @param bgid the buffer group id (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nr} or {@code bgid} is out of range
     */
    @Prep(value = Opcode.REMOVE_BUFFERS, liburing = "io_uring_prep_remove_buffers")
    default Sqe prepRemoveBuffers(int nr, int bgid) {
        if (nr <= 0 || nr > MAX_BUFFERS_PER_PROVIDE) {
            throw new IllegalArgumentException("prepRemoveBuffers: nr must be within 1.." + MAX_BUFFERS_PER_PROVIDE + ", given " + nr);
        }
        checkU16(bgid, "prepRemoveBuffers bgid");
        return sqe().prepRw(Opcode.REMOVE_BUFFERS, nr, 0, 0, 0).bufGroup(bgid);
    }

    private static void checkU16(int value, String what) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(what + " is a u16 (0..65535), given " + value);
        }
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
