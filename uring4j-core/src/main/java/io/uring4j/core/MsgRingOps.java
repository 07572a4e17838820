package io.uring4j.core;

import io.uring4j.core.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Prep helpers for {@code IORING_OP_MSG_RING}: posting a CQE to another ring (or this one), and
 * passing a registered file from this ring's table to another's. Implemented only by
 * {@link Sqe}. No helper here points at memory.
 *
 * <p>The sending ring gets a CQE for the request itself (result 0 or -errno); the target ring
 * gets a CQE with the given {@code user_data} and result, unless {@link #MSG_RING_CQE_SKIP}.
 * {@link #msgRingSync} does the same without a ring of one's own.
 */
public sealed interface MsgRingOps permits Sqe {

    /* enum io_uring_msg_ring_flags: the command, in sqe->addr. */
    /** Post a CQE with {@code res = len} and {@code user_data = data}. */
    int MSG_DATA = 0;
    /** Install a registered file of this ring into the target ring's table. */
    int MSG_SEND_FD = 1;

    /* IORING_MSG_RING_* flags (sqe->msg_ring_flags). */
    /** Post no CQE on the target ring (MSG_SEND_FD only). */
    int MSG_RING_CQE_SKIP = 1 << 0;
    /** Copy {@code sqe->file_index} into the target CQE's flags (6.3). */
    int MSG_RING_FLAGS_PASS = 1 << 1;

    /* ---- kernel 5.18 ---- */

    /**
     * Equivalent to {@code io_uring_prep_msg_ring(3)}; kernel 5.18. Posts a CQE on the ring
     * whose fd is {@code fd}, with res {@code len} and user_data {@code data}. No user memory is
     * involved.
     *
     * @param fd    the target ring's fd (this ring's own fd works too)
     * @param len   the {@code res} of the target's CQE
     * @param data  the {@code user_data} of the target's CQE
     * @param flags {@code IORING_MSG_RING_*} flags, or 0
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.MSG_RING, liburing = "io_uring_prep_msg_ring")
    default Sqe prepMsgRing(int fd, int len, long data, int flags) {
        return sqe().prepRw(Opcode.MSG_RING, fd, MSG_DATA, len, data).opFlags(flags);
    }

    /* ---- kernel 6.0 ---- */

    /**
     * Equivalent to {@code io_uring_prep_msg_ring_fd(3)}; kernel 6.0. Installs this ring's
     * registered file {@code sourceSlot} (0-based) into slot {@code targetSlot} (0-based) of the
     * table of ring {@code fd}; the target's CQE carries user_data {@code data} and res 0. The
     * source slot stays installed here too.
     *
     * @param fd         the target ring's fd
     * @param sourceSlot the 0-based slot of this ring's registered file to pass
     * @param targetSlot the 0-based slot of the target's table to install it in
     * @param data       the {@code user_data} of the target's CQE
     * @param flags      {@code IORING_MSG_RING_*} flags ({@link #MSG_RING_CQE_SKIP}), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code sourceSlot} is negative, or {@code targetSlot} is
     *                                  negative or {@link Integer#MAX_VALUE}
     */
    @Prep(value = Opcode.MSG_RING, liburing = "io_uring_prep_msg_ring_fd")
    default Sqe prepMsgRingFd(int fd, int sourceSlot, int targetSlot, long data, int flags) {
        return msgRingFd(fd, sourceSlot, data, flags).fileIndex(Sqe.fileSlot(targetSlot, "prepMsgRingFd targetSlot"));
    }

    /**
     * Equivalent to {@code io_uring_prep_msg_ring_fd_alloc(3)}; kernel 6.0.
     * {@link #prepMsgRingFd} into a free slot of the target's table, which the kernel picks; the
     * target's CQE res is that slot.
     *
     * @param fd         the target ring's fd
     * @param sourceSlot the 0-based slot of this ring's registered file to pass
     * @param data       the {@code user_data} of the target's CQE
     * @param flags      {@code IORING_MSG_RING_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code sourceSlot} is negative
     */
    @Prep(value = Opcode.MSG_RING, liburing = "io_uring_prep_msg_ring_fd_alloc")
    default Sqe prepMsgRingFdAlloc(int fd, int sourceSlot, long data, int flags) {
        return msgRingFd(fd, sourceSlot, data, flags).fileIndex(NetOps.FILE_INDEX_ALLOC);
    }

    /* ---- kernel 6.3 ---- */

    /**
     * Equivalent to {@code io_uring_prep_msg_ring_cqe_flags(3)}; kernel 6.3. {@link #prepMsgRing}
     * that also sets the target CQE's flags to {@code cqeFlags} ({@link #MSG_RING_FLAGS_PASS} is
     * added to {@code flags}).
     *
     * @param fd       the target ring's fd
     * @param len      the {@code res} of the target's CQE
     * @param data     the {@code user_data} of the target's CQE
     * @param flags    {@code IORING_MSG_RING_*} flags, or 0
     * @param cqeFlags the {@code flags} of the target's CQE
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.MSG_RING, liburing = "io_uring_prep_msg_ring_cqe_flags")
    default Sqe prepMsgRingCqeFlags(int fd, int len, long data, int flags, int cqeFlags) {
        return prepMsgRing(fd, len, data, flags | MSG_RING_FLAGS_PASS).fileIndex(cqeFlags);
    }

    private Sqe msgRingFd(int fd, int sourceSlot, long data, int flags) {
        if (sourceSlot < 0) {
            throw new IllegalArgumentException("msg_ring fd: the source is a registered file slot (>= 0), given " + sourceSlot);
        }
        // addr3 carries the source slot as a plain index (no "+1" there)
        return sqe().prepRw(Opcode.MSG_RING, fd, MSG_SEND_FD, 0, data).addr3(sourceSlot).opFlags(flags);
    }

    /* ---- kernel 6.13: synchronous messages ---- */

    /**
     * Port of {@code io_uring_register_sync_msg}: posts the {@link #prepMsgRing} CQE on ring
     * {@code fd} at once, through {@code IORING_REGISTER_SEND_MSG_RING}, without a ring of the
     * caller's own (kernel 6.13). Only {@link #MSG_DATA} messages can be sent this way.
     *
     * @param fd    the target ring's fd
     * @param len   the {@code res} of the target's CQE
     * @param data  the {@code user_data} of the target's CQE
     * @param flags {@code IORING_MSG_RING_*} flags, or 0
     * @throws IoUringException with the kernel's errno (EBADFD for a disabled or non-ring fd,
     *                          EOVERFLOW when the target's CQ and overflow list are full, …)
     */
    static void msgRingSync(int fd, int len, long data, int flags) {
        syncMessage(fd, len, data, flags, false, 0);
    }

    /**
     * {@link #msgRingSync} with the target CQE's flags set to {@code cqeFlags} (FLAGS_PASS).
     *
     * @param fd       the target ring's fd
     * @param len      the {@code res} of the target's CQE
     * @param data     the {@code user_data} of the target's CQE
     * @param flags    {@code IORING_MSG_RING_*} flags, or 0 ({@link #MSG_RING_FLAGS_PASS} is added)
     * @param cqeFlags the {@code flags} of the target's CQE
     * @throws IoUringException with the kernel's errno, as for {@link #msgRingSync}
     */
    static void msgRingSyncCqeFlags(int fd, int len, long data, int flags, int cqeFlags) {
        syncMessage(fd, len, data, flags, true, cqeFlags);
    }

    private static void syncMessage(int fd, int len, long data, int flags, boolean passFlags, int cqeFlags) {
        try (Arena arena = Arena.ofConfined()) {
            // a detached 64-byte SQE: the kernel reads it during the register call only
            MemorySegment mem = arena.allocate(Layouts.SQE);
            Sqe sqe = new Sqe(mem, 0, Layouts.SQE.byteSize());
            if (passFlags) {
                sqe.prepMsgRingCqeFlags(fd, len, data, flags, cqeFlags);
            } else {
                sqe.prepMsgRing(fd, len, data, flags);
            }
            // the ring fd argument is -1: the target is named in the SQE
            int r = Native.ioUringRegister(-1, RegisterOp.REGISTER_SEND_MSG_RING.code(), mem, 1);
            if (r < 0) {
                throw new IoUringException("io_uring_register(" + RegisterOp.REGISTER_SEND_MSG_RING.kernelName() + ")", r,
                        "message to ring fd " + fd + ", len " + len + ", data " + data);
            }
        }
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
