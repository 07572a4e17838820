package io.uring4j.core;

/**
 * Prep helpers that cancel in-flight requests. Implemented only by {@link Sqe}.
 *
 * <p>A cancel request completes with 0 if it found and cancelled a request (with
 * {@link #CANCEL_ALL}: the number cancelled), -ENOENT if nothing matched and -EALREADY if the
 * match was already running and could not be stopped; a cancelled request completes with
 * -ECANCELED (or -EINTR). Nothing here points at user memory.
 */
public sealed interface CancelOps permits Sqe {

    /*
     * IORING_ASYNC_CANCEL_* (cancel_flags): the numbers live in CancelFlags, which the
     * synchronous cancel (Registration.syncCancel) shares; these are the same values under the
     * names the prep helpers document.
     */
    /** {@link CancelFlags#ALL}: cancel every matching request, not just the first. */
    int CANCEL_ALL = CancelFlags.ALL;
    /** {@link CancelFlags#FD}: match on the fd in {@code sqe->fd} instead of user_data. */
    int CANCEL_FD = CancelFlags.FD;
    /** {@link CancelFlags#ANY}: match any request (with {@link #CANCEL_ALL}: every request of the ring). */
    int CANCEL_ANY = CancelFlags.ANY;
    /** {@link CancelFlags#FD_FIXED}: the fd to match is a registered-file index. */
    int CANCEL_FD_FIXED = CancelFlags.FD_FIXED;
    /** {@link CancelFlags#USERDATA}: match on user_data as well (the default when no other key is given). */
    int CANCEL_USERDATA = CancelFlags.USERDATA;
    /** {@link CancelFlags#OP}: match on the opcode in {@code sqe->len}. */
    int CANCEL_OP = CancelFlags.OP;

    /* ---- kernel 5.5 ---- */

    /**
     * Equivalent to {@code io_uring_prep_cancel64(3)}; kernel 5.5. Flags need 5.19. Cancels the
     * request submitted with {@code userData}; {@code flags} are {@code CANCEL_*}.
     *
     * @param userData the {@code user_data} of the request to cancel
     * @param flags    {@code CANCEL_*} flags ({@link #CANCEL_ALL}, {@link #CANCEL_ANY}), or 0
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.ASYNC_CANCEL, liburing = "io_uring_prep_cancel64")
    default Sqe prepCancel64(long userData, int flags) {
        return sqe().prepRw(Opcode.ASYNC_CANCEL, -1, 0, 0, 0).addr(userData).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_cancel(3)}; kernel 5.5. Flags need 5.19. liburing's variant
     * takes the user_data as a pointer; Java has only the 64-bit value, so this is
     * {@link #prepCancel64}.
     *
     * @param userData the {@code user_data} of the request to cancel
     * @param flags    {@code CANCEL_*} flags, or 0
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.ASYNC_CANCEL, liburing = "io_uring_prep_cancel")
    default Sqe prepCancel(long userData, int flags) {
        return prepCancel64(userData, flags);
    }

    /* ---- kernel 5.19 ---- */

    /**
     * Equivalent to {@code io_uring_prep_cancel_fd(3)}; kernel 5.19. Cancels a request on
     * {@code fd} (every one with {@link #CANCEL_ALL}; {@code fd} is a registered index with
     * {@link #CANCEL_FD_FIXED}). Sets {@link #CANCEL_FD}.
     *
     * @param fd    the fd (or registered-file index) whose requests to cancel
     * @param flags more {@code CANCEL_*} flags ({@link #CANCEL_ALL}, {@link #CANCEL_FD_FIXED}), or 0
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.ASYNC_CANCEL, liburing = "io_uring_prep_cancel_fd")
    default Sqe prepCancelFd(int fd, int flags) {
        return sqe().prepRw(Opcode.ASYNC_CANCEL, fd, 0, 0, 0).opFlags(flags | CANCEL_FD);
    }

    /* ---- kernel 6.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_cancel64(3)}; kernel 6.6. With {@link #CANCEL_OP}:
     * cancels a request (every one with {@link #CANCEL_ALL}) of opcode {@code op}; liburing has no
     * helper of its own for this match and fills the same fields by hand.
     *
     * @param op    the opcode of the requests to cancel
     * @param flags more {@code CANCEL_*} flags ({@link #CANCEL_ALL}), or 0
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.ASYNC_CANCEL, liburing = "io_uring_prep_cancel64")
    default Sqe prepCancelOp(Opcode op, int flags) {
        return sqe().prepRw(Opcode.ASYNC_CANCEL, -1, 0, op.code(), 0).opFlags(flags | CANCEL_OP);
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
