package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers that are not file I/O: NOP, registered-file updates, futexes, waitid, pipes.
 * Implemented only by {@link Sqe}; each helper's javadoc names its liburing equivalent and the
 * first kernel with the opcode.
 */
public sealed interface MiscOps permits Sqe {

    /** IORING_NOP_INJECT_RESULT: the NOP completes with {@code res} = the value in {@code len}. */
    int NOP_INJECT_RESULT = 1 << 0;

    /* futex2 flags (futex_flags): the word size, NUMA and private. */
    /** {@code FUTEX2_SIZE_U8}: the futex word is 1 byte (in the ABI; the kernel implements only 32-bit futexes so far). */
    int FUTEX2_SIZE_U8 = 0x00;
    /** {@code FUTEX2_SIZE_U16}: the futex word is 2 bytes (in the ABI; the kernel implements only 32-bit futexes so far). */
    int FUTEX2_SIZE_U16 = 0x01;
    /** {@code FUTEX2_SIZE_U32}: the futex word is 4 bytes (the classic futex size). */
    int FUTEX2_SIZE_U32 = 0x02;
    /** {@code FUTEX2_SIZE_U64}: the futex word is 8 bytes (in the ABI; the kernel implements only 32-bit futexes so far). */
    int FUTEX2_SIZE_U64 = 0x03;
    /** {@code FUTEX2_NUMA}: a NUMA-aware futex, whose word is followed by a NUMA node id. */
    int FUTEX2_NUMA = 0x04;
    /** The futex is private to this process (cheaper, no shared-mapping lookup). */
    int FUTEX2_PRIVATE = 128;
    /** The bitset mask that matches every waiter or waker. */
    long FUTEX_BITSET_MATCH_ANY = 0xFFFF_FFFFL;

    /* waitid(2) idtype and options. */
    /** {@code idtype} {@code P_ALL}: wait for any child; {@code id} is ignored. */
    int P_ALL = 0;
    /** {@code idtype} {@code P_PID}: wait for the child whose pid is {@code id}. */
    int P_PID = 1;
    /** {@code idtype} {@code P_PGID}: wait for any child in process group {@code id}. */
    int P_PGID = 2;
    /** {@code idtype} {@code P_PIDFD}: wait for the child the pidfd {@code id} refers to. */
    int P_PIDFD = 3;
    /** {@code WNOHANG}: complete at once if no child has changed state (si_pid is then 0). */
    int WNOHANG = 0x00000001;
    /** {@code WSTOPPED}: report children stopped by a signal. */
    int WSTOPPED = 0x00000002;
    /** {@code WEXITED}: report children that terminated. */
    int WEXITED = 0x00000004;
    /** {@code WCONTINUED}: report stopped children resumed by {@code SIGCONT}. */
    int WCONTINUED = 0x00000008;
    /** Leave the child waitable: report it without reaping it. */
    int WNOWAIT = 0x01000000;

    /** IORING_FIXED_FD_NO_CLOEXEC: the installed fd survives exec. */
    int FIXED_FD_NO_CLOEXEC = 1 << 0;

    /* ---- kernel 5.1 ---- */

    /**
     * Equivalent to {@code io_uring_prep_nop(3)}; kernel 5.1. A request that does nothing and
     * completes with {@code res} 0: for tests, wakeups and measuring the ring's own overhead.
     * No user memory is involved.
     *
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.NOP, liburing = "io_uring_prep_nop")
    default Sqe prepNop() {
        return sqe().prepRw(Opcode.NOP, -1, 0, 0, 0);
    }

    /**
     * Equivalent to {@code io_uring_prep_nop(3)}; kernel 6.10. With IORING_NOP_INJECT_RESULT:
     * the NOP completes with the given result, the test tool for error paths (e.g. a failing
     * member of a link chain). No user memory is involved.
     *
     * @param injectedResult the CQE's {@code res}, e.g. {@code -Errno.EIO.code()}
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.NOP, liburing = "io_uring_prep_nop")
    default Sqe prepNop(int injectedResult) {
        Sqe sqe = sqe().prepRw(Opcode.NOP, -1, 0, injectedResult, 0);
        return sqe.opFlags(NOP_INJECT_RESULT);
    }

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_files_update(3)}; kernel 5.6. Replaces registered-file
     * slots {@code offset..offset+nrFds-1} with the fds in {@code fds} (an int array; -1 empties
     * a slot); {@code cqe.res} is the number updated. The kernel may read {@code fds} as late as
     * when the request runs: keep it alive until completion.
     *
     * @param fds    the int array of fds ({@code -1}: empty the slot), at least {@code 4 * nrFds} bytes
     * @param nrFds  how many slots to update ({@code >= 0})
     * @param offset the first slot ({@code >= 0})
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code offset} or {@code nrFds} is negative, or
     *                                  {@code fds} is not a native segment or is too small
     * @throws IllegalStateException    if the arena of {@code fds} is already closed
     */
    @Prep(value = Opcode.FILES_UPDATE, liburing = "io_uring_prep_files_update")
    default Sqe prepFilesUpdate(MemorySegment fds, int nrFds, int offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("prepFilesUpdate offset must be >= 0"
                    + " (prepFilesUpdateAlloc lets the kernel pick), given " + offset);
        }
        return filesUpdate(fds, nrFds, offset, "prepFilesUpdate fds");
    }

    /* ---- kernel 5.19 ---- */

    /**
     * Equivalent to {@code io_uring_prep_files_update(3)}; kernel 5.19. With
     * {@code IORING_FILE_INDEX_ALLOC}: puts
     * the fds in {@code fds} into free slots the kernel picks and overwrites each with its slot;
     * {@code cqe.res} is the number placed. {@code fds} must live until completion.
     *
     * @param fds   the int array of fds, overwritten with the slots picked (writable, at least
     *              {@code 4 * nrFds} bytes)
     * @param nrFds how many fds ({@code >= 0})
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nrFds} is negative, or {@code fds} is read-only,
     *                                  not a native segment, or too small
     * @throws IllegalStateException    if the arena of {@code fds} is already closed
     */
    @Prep(value = Opcode.FILES_UPDATE, liburing = "io_uring_prep_files_update")
    default Sqe prepFilesUpdateAlloc(MemorySegment fds, int nrFds) {
        Sqe.writable(fds, "prepFilesUpdateAlloc fds"); // overwritten with the slots picked
        return filesUpdate(fds, nrFds, FsOps.FILE_INDEX_ALLOC, "prepFilesUpdateAlloc fds");
    }

    private Sqe filesUpdate(MemorySegment fds, int nrFds, int offset, String what) {
        if (nrFds < 0) {
            throw new IllegalArgumentException(what + ": the count must be >= 0, given " + nrFds);
        }
        long addr = Sqe.struct(fds, 4L * nrFds, what);
        return sqe().prepRw(Opcode.FILES_UPDATE, -1, addr, nrFds, Integer.toUnsignedLong(offset));
    }

    /* ---- kernel 6.7 ---- */

    /**
     * Equivalent to {@code io_uring_prep_futex_wait(3)}; kernel 6.7. Sleeps while the futex word
     * {@code futex} holds {@code val} (-EAGAIN at once if it does not) until a wake whose mask
     * shares a bit with {@code mask} ({@link #FUTEX_BITSET_MATCH_ANY}); {@code futexFlags} are
     * {@code FUTEX2_*}, {@code flags} must be 0. The word must live until completion. The CQE's
     * {@code res} is 0 once woken, or {@code -errno}.
     *
     * @param futex      the futex word (native; its size set by {@code futexFlags})
     * @param val        the value the word is expected to hold
     * @param mask       the wake bitset ({@link #FUTEX_BITSET_MATCH_ANY} for any)
     * @param futexFlags {@code FUTEX2_*} flags: a size, optionally {@link #FUTEX2_PRIVATE}
     * @param flags      reserved: 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code futex} is not a native segment or is smaller than
     *                                  the word size {@code futexFlags} names
     * @throws IllegalStateException    if the arena of {@code futex} is already closed
     */
    @Prep(value = Opcode.FUTEX_WAIT, liburing = "io_uring_prep_futex_wait")
    default Sqe prepFutexWait(MemorySegment futex, long val, long mask, int futexFlags, int flags) {
        long addr = Sqe.struct(futex, FutexWaitv.futexBytes(futexFlags), "prepFutexWait futex word");
        return sqe().prepRw(Opcode.FUTEX_WAIT, futexFlags, addr, 0, val).opFlags(flags).addr3(mask);
    }

    /**
     * Equivalent to {@code io_uring_prep_futex_wake(3)}; kernel 6.7. Wakes up to {@code val}
     * waiters on {@code futex} whose mask shares a bit with {@code mask}; {@code cqe.res} is the
     * number woken. {@code flags} must be 0. {@code futex}: until completion.
     *
     * @param futex      the futex word (native; its size set by {@code futexFlags})
     * @param val        the most waiters to wake
     * @param mask       the wake bitset ({@link #FUTEX_BITSET_MATCH_ANY} for any)
     * @param futexFlags {@code FUTEX2_*} flags: a size, optionally {@link #FUTEX2_PRIVATE}
     * @param flags      reserved: 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code futex} is not a native segment or is smaller than
     *                                  the word size {@code futexFlags} names
     * @throws IllegalStateException    if the arena of {@code futex} is already closed
     */
    @Prep(value = Opcode.FUTEX_WAKE, liburing = "io_uring_prep_futex_wake")
    default Sqe prepFutexWake(MemorySegment futex, long val, long mask, int futexFlags, int flags) {
        long addr = Sqe.struct(futex, FutexWaitv.futexBytes(futexFlags), "prepFutexWake futex word");
        return sqe().prepRw(Opcode.FUTEX_WAKE, futexFlags, addr, 0, val).opFlags(flags).addr3(mask);
    }

    /**
     * Equivalent to {@code io_uring_prep_futex_waitv(3)}; kernel 6.7. Waits on the
     * {@code nrFutex} futexes of the {@link FutexWaitv} array {@code futexv};
     * {@code cqe.res} is the index of the one woken. {@code flags} must be 0. {@code futexv}:
     * until submitted (the submitting enter returned, with {@link Feature#SUBMIT_STABLE} and no
     * SQPOLL); the futex words it points at: until completion.
     *
     * @param futexv  the {@code struct futex_waitv} array (see {@link FutexWaitv})
     * @param nrFutex how many entries to wait on ({@code >= 0})
     * @param flags   reserved: 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nrFutex} is negative, or {@code futexv} is not a
     *                                  native segment or holds fewer than {@code nrFutex} entries
     * @throws IllegalStateException    if the arena of {@code futexv} is already closed
     */
    @Prep(value = Opcode.FUTEX_WAITV, liburing = "io_uring_prep_futex_waitv")
    default Sqe prepFutexWaitv(MemorySegment futexv, int nrFutex, int flags) {
        if (nrFutex < 0) {
            throw new IllegalArgumentException("prepFutexWaitv count must be >= 0, given " + nrFutex);
        }
        long addr = Sqe.struct(futexv, nrFutex * FutexWaitv.BYTES, "prepFutexWaitv futex_waitv array");
        return sqe().prepRw(Opcode.FUTEX_WAITV, 0, addr, nrFutex, 0).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_waitid(3)}; kernel 6.7. An async waitid(2) for the
     * child(ren) {@code idtype}/{@code id} ({@code P_*}) with {@code options} ({@code W*});
     * fills {@code infop} (a {@link Siginfo}, alive until completion, or
     * {@link MemorySegment#NULL}). {@code flags} must be 0. The CQE's {@code res} is 0, or
     * {@code -errno} ({@code -ECHILD}: no such child).
     *
     * @param idtype  which children: {@link #P_ALL}, {@link #P_PID}, {@link #P_PGID} or {@link #P_PIDFD}
     * @param id      the pid, process group or pidfd, as {@code idtype} says
     * @param infop   receives the {@code siginfo_t} (writable, at least {@link Siginfo#BYTES}), or
     *                {@link MemorySegment#NULL}
     * @param options {@code W*} options: at least one of {@link #WEXITED}, {@link #WSTOPPED},
     *                {@link #WCONTINUED}, optionally {@link #WNOHANG} or {@link #WNOWAIT}
     * @param flags   reserved: 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if a non-NULL {@code infop} is not a native segment, is
     *                                  read-only or is smaller than {@link Siginfo#BYTES}
     * @throws IllegalStateException    if the arena of {@code infop} is already closed
     */
    @Prep(value = Opcode.WAITID, liburing = "io_uring_prep_waitid")
    default Sqe prepWaitid(int idtype, int id, MemorySegment infop, int options, int flags) {
        boolean none = infop.isNative() && infop.address() == 0;
        long info = none ? 0 : Sqe.writableStruct(infop, Siginfo.BYTES, "prepWaitid siginfo");
        return sqe().prepRw(Opcode.WAITID, id, 0, idtype, info) // infop travels in addr2
                .opFlags(flags)
                .fileIndex(options);
    }

    /* ---- kernel 6.8 ---- */

    /**
     * Equivalent to {@code io_uring_prep_fixed_fd_install(3)}; kernel 6.8. Installs the file in
     * registered slot {@code slot} into the process fd table; {@code cqe.res} is the new fd
     * (O_CLOEXEC unless {@code flags} is {@link #FIXED_FD_NO_CLOEXEC}). Sets
     * {@link SqeFlag#FIXED_FILE}, which the kernel requires. No user memory.
     *
     * @param slot  the registered file slot to install ({@code >= 0})
     * @param flags 0, or {@link #FIXED_FD_NO_CLOEXEC}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code slot} is negative
     */
    @Prep(value = Opcode.FIXED_FD_INSTALL, liburing = "io_uring_prep_fixed_fd_install")
    default Sqe prepFixedFdInstall(int slot, int flags) {
        if (slot < 0) {
            throw new IllegalArgumentException("prepFixedFdInstall slot must be >= 0, given " + slot);
        }
        return sqe().prepRw(Opcode.FIXED_FD_INSTALL, slot, 0, 0, 0)
                .flag(SqeFlag.FIXED_FILE)
                .opFlags(flags);
    }

    /* ---- kernel 6.16 ---- */

    /**
     * Equivalent to {@code io_uring_prep_pipe(3)}; kernel 6.16. Creates a pipe and stores its
     * read and write fds in {@code fds[0]} and {@code fds[1]} (two ints, alive until
     * completion); {@code pipeFlags} as pipe2(2) ({@code O_CLOEXEC}, {@code O_NONBLOCK}). The CQE's
     * {@code res} is 0, or {@code -errno}.
     *
     * @param fds       receives the two fds (writable, at least 8 bytes)
     * @param pipeFlags pipe2(2) flags ({@link FsOps#O_CLOEXEC}, {@link FsOps#O_NONBLOCK}, …), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code fds} is not a native segment, is read-only or is
     *                                  smaller than 8 bytes
     * @throws IllegalStateException    if the arena of {@code fds} is already closed
     */
    @Prep(value = Opcode.PIPE, liburing = "io_uring_prep_pipe")
    default Sqe prepPipe(MemorySegment fds, int pipeFlags) {
        long addr = Sqe.writableStruct(fds, 8, "prepPipe fds (int[2])");
        return sqe().prepRw(Opcode.PIPE, 0, addr, 0, 0).opFlags(pipeFlags);
    }

    /**
     * Equivalent to {@code io_uring_prep_pipe_direct(3)}; kernel 6.16. {@link #prepPipe} into
     * registered-file slots {@code slot} (read end) and {@code slot + 1} (write end), both free.
     * {@code fds}: until completion.
     *
     * @param fds       receives the two slots (writable, at least 8 bytes)
     * @param pipeFlags pipe2(2) flags, or 0
     * @param slot      the 0-based registered file slot of the read end
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code slot} is negative or {@link Integer#MAX_VALUE},
     *                                  or {@code fds} is not a native segment, is read-only or is
     *                                  smaller than 8 bytes
     * @throws IllegalStateException    if the arena of {@code fds} is already closed
     */
    @Prep(value = Opcode.PIPE, liburing = "io_uring_prep_pipe_direct")
    default Sqe prepPipeDirect(MemorySegment fds, int pipeFlags, int slot) {
        int fileIndex = Sqe.fileSlot(slot, "prepPipeDirect");
        return prepPipe(fds, pipeFlags).fileIndex(fileIndex);
    }

    /**
     * Equivalent to {@code io_uring_prep_pipe_direct(3)}; kernel 6.16. With
     * {@code IORING_FILE_INDEX_ALLOC}: {@link #prepPipe} into two free registered-file slots the
     * kernel picks and stores in {@code fds}. {@code fds}: until completion.
     *
     * @param fds       receives the two slots (writable, at least 8 bytes)
     * @param pipeFlags pipe2(2) flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code fds} is not a native segment, is read-only or is
     *                                  smaller than 8 bytes
     * @throws IllegalStateException    if the arena of {@code fds} is already closed
     */
    @Prep(value = Opcode.PIPE, liburing = "io_uring_prep_pipe_direct")
    default Sqe prepPipeDirectAlloc(MemorySegment fds, int pipeFlags) {
        return prepPipe(fds, pipeFlags).fileIndex(FsOps.FILE_INDEX_ALLOC);
    }

    /* ---- kernel 6.19 ---- */

    /**
     * Equivalent to {@code io_uring_prep_nop128(3)}; kernel 6.19. A NOP in a 128-byte entry: on
     * an {@link SetupFlag#SQE128} ring, or a two-slot entry of an {@link SetupFlag#SQE_MIXED} one.
     * Completes with {@code res} 0; no user memory is involved.
     *
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.NOP128, liburing = "io_uring_prep_nop128")
    default Sqe prepNop128() {
        return sqe().prepRw(Opcode.NOP128, -1, 0, 0, 0);
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
