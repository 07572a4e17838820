package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers for timeouts and linked timeouts, and for removing or updating them.
 * Implemented only by {@link Sqe}.
 *
 * <p>A timespec segment ({@link KernelTimespec}) is copied when the request is submitted: it
 * must live until the submitting enter returns ({@link Feature#SUBMIT_STABLE}, no SQPOLL); with
 * SQPOLL, until completion.
 */
public sealed interface TimeoutOps permits Sqe {

    /* IORING_TIMEOUT_* flags (sqe->timeout_flags). */
    /** {@code IORING_TIMEOUT_ABS}: the timespec is an absolute time on the timeout's clock, not a delay. */
    int TIMEOUT_ABS = 1 << 0;
    /**
     * {@code IORING_TIMEOUT_UPDATE}: TIMEOUT_REMOVE updates the timeout instead (5.11); set by
     * {@link #prepTimeoutUpdate}.
     */
    int TIMEOUT_UPDATE = 1 << 1;
    /** {@code IORING_TIMEOUT_BOOTTIME}: measure against {@code CLOCK_BOOTTIME}, which counts suspend (5.15). */
    int TIMEOUT_BOOTTIME = 1 << 2;
    /** {@code IORING_TIMEOUT_REALTIME}: measure against {@code CLOCK_REALTIME}, the wall clock (5.15). */
    int TIMEOUT_REALTIME = 1 << 3;
    /**
     * {@code IORING_LINK_TIMEOUT_UPDATE}: the update targets a link timeout (5.15); set by
     * {@link #prepLinkTimeoutUpdate}.
     */
    int LINK_TIMEOUT_UPDATE = 1 << 4;
    /**
     * {@code IORING_TIMEOUT_ETIME_SUCCESS}: an expiry counts as success, so the -ETIME
     * completion does not break a link chain (5.16).
     */
    int TIMEOUT_ETIME_SUCCESS = 1 << 5;
    /**
     * {@code IORING_TIMEOUT_MULTISHOT}: fire every time the timespec elapses, {@code count}
     * times (0: until removed), each CQE but the last flagged {@link CqeFlag#MORE} (6.4).
     */
    int TIMEOUT_MULTISHOT = 1 << 6;

    /* ---- kernel 5.4 ---- */

    /**
     * Equivalent to {@code io_uring_prep_timeout(3)}; kernel 5.4. Completes with -ETIME when
     * {@code ts} expires, or with 0 once {@code count} other completions have arrived
     * ({@code count} 0: only the time counts). {@code ts}: until submitted (see above).
     *
     * @param ts    the {@link KernelTimespec}: a delay, or with {@link #TIMEOUT_ABS} a point in time
     * @param count how many other completions end the timeout early (0: none); with
     *              {@link #TIMEOUT_MULTISHOT}, how many times it fires (0: no limit)
     * @param flags {@code IORING_TIMEOUT_*} flags ({@link #TIMEOUT_ABS}, a clock, …), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code ts} is not a native segment or is smaller than
     *                                  {@link KernelTimespec#BYTES}
     * @throws IllegalStateException    if the arena of {@code ts} is already closed
     */
    @Prep(value = Opcode.TIMEOUT, liburing = "io_uring_prep_timeout")
    default Sqe prepTimeout(MemorySegment ts, int count, int flags) {
        long addr = Sqe.struct(ts, KernelTimespec.BYTES, "prepTimeout timespec");
        return sqe().prepRw(Opcode.TIMEOUT, -1, addr, 1, count).opFlags(flags);
    }

    /* ---- kernel 5.5 ---- */

    /**
     * Equivalent to {@code io_uring_prep_timeout_remove(3)}; kernel 5.5. Cancels the timeout
     * submitted with {@code userData}: this request completes with 0 (or -ENOENT, -EALREADY)
     * and the timeout with -ECANCELED. {@code flags} must be 0. No user memory.
     *
     * @param userData the {@code user_data} of the timeout to remove
     * @param flags    0
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.TIMEOUT_REMOVE, liburing = "io_uring_prep_timeout_remove")
    default Sqe prepTimeoutRemove(long userData, int flags) {
        return sqe().prepRw(Opcode.TIMEOUT_REMOVE, -1, 0, 0, 0).addr(userData).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_link_timeout(3)}; kernel 5.5. A timeout for the request
     * linked ({@link SqeFlag#IO_LINK}) just before it: if that request has not completed when
     * {@code ts} expires it is cancelled (-ECANCELED) and this one completes with -ETIME;
     * otherwise this one completes with -ECANCELED. A chain of only a link timeout is invalid.
     * {@code ts}: until submitted (see above).
     *
     * @param ts    the {@link KernelTimespec}: a delay, or with {@link #TIMEOUT_ABS} a point in time
     * @param flags {@code IORING_TIMEOUT_*} flags (a clock, {@link #TIMEOUT_ABS}), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code ts} is not a native segment or is smaller than
     *                                  {@link KernelTimespec#BYTES}
     * @throws IllegalStateException    if the arena of {@code ts} is already closed
     */
    @Prep(value = Opcode.LINK_TIMEOUT, liburing = "io_uring_prep_link_timeout")
    default Sqe prepLinkTimeout(MemorySegment ts, int flags) {
        long addr = Sqe.struct(ts, KernelTimespec.BYTES, "prepLinkTimeout timespec");
        return sqe().prepRw(Opcode.LINK_TIMEOUT, -1, addr, 1, 0).opFlags(flags);
    }

    /* ---- kernel 5.11 ---- */

    /**
     * Equivalent to {@code io_uring_prep_timeout_update(3)}; kernel 5.11. Re-arms the pending
     * timeout submitted with {@code userData} to expire after {@code ts} (absolute with
     * {@link #TIMEOUT_ABS}); it keeps its completion count. Sets {@link #TIMEOUT_UPDATE}.
     * {@code ts}: until submitted (see above). This request's {@code res} is 0, or
     * {@code -ENOENT} if no timeout matched.
     *
     * @param ts       the new {@link KernelTimespec}
     * @param userData the {@code user_data} of the timeout to update
     * @param flags    {@code IORING_TIMEOUT_*} flags ({@link #TIMEOUT_ABS}, a clock), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code ts} is not a native segment or is smaller than
     *                                  {@link KernelTimespec#BYTES}
     * @throws IllegalStateException    if the arena of {@code ts} is already closed
     */
    @Prep(value = Opcode.TIMEOUT_REMOVE, liburing = "io_uring_prep_timeout_update")
    default Sqe prepTimeoutUpdate(MemorySegment ts, long userData, int flags) {
        long addr = Sqe.struct(ts, KernelTimespec.BYTES, "prepTimeoutUpdate timespec");
        return sqe().prepRw(Opcode.TIMEOUT_REMOVE, -1, 0, 0, addr) // the new timespec travels in off
                .addr(userData)
                .opFlags(flags | TIMEOUT_UPDATE);
    }

    /* ---- kernel 5.15 ---- */

    /**
     * Equivalent to {@code io_uring_prep_timeout_update(3)}; kernel 5.15. With
     * {@link #LINK_TIMEOUT_UPDATE}: re-arms the pending link timeout submitted with
     * {@code userData}. {@code ts}: until submitted (see above).
     *
     * @param ts       the new {@link KernelTimespec}
     * @param userData the {@code user_data} of the link timeout to update
     * @param flags    {@code IORING_TIMEOUT_*} flags ({@link #TIMEOUT_ABS}, a clock), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code ts} is not a native segment or is smaller than
     *                                  {@link KernelTimespec#BYTES}
     * @throws IllegalStateException    if the arena of {@code ts} is already closed
     */
    @Prep(value = Opcode.TIMEOUT_REMOVE, liburing = "io_uring_prep_timeout_update")
    default Sqe prepLinkTimeoutUpdate(MemorySegment ts, long userData, int flags) {
        return prepTimeoutUpdate(ts, userData, flags | LINK_TIMEOUT_UPDATE);
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
