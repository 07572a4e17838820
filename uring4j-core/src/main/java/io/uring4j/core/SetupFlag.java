package io.uring4j.core;

/**
 * {@code IORING_SETUP_*}: the {@code flags} word of {@code struct io_uring_params}, passed to
 * {@code io_uring_setup(2)} and echoed back by the kernel.
 *
 * <p>{@link #since()} is the first kernel that accepts the flag (an older kernel fails setup with
 * {@code -EINVAL}). Versions for IOPOLL to ATTACH_WQ and HYBRID_IOPOLL are not confirmed by the man
 * pages; SQE_MIXED has no documented version (liburing support appeared in late 2025, hence 6.19);
 * SQ_REWIND is documented as 7.0.
 */
public enum SetupFlag implements BitFlag {
    /**
     * Busy-poll for completions instead of waiting for interrupts: only for O_DIRECT I/O on devices
     * that support polling; completions are found only by entering with GETEVENTS.
     */
    IOPOLL(0, "5.1"),
    /**
     * A kernel thread polls the SQ and submits the entries, so submitting needs no system call while
     * it runs; it sleeps after {@link IoUringParams#sqThreadIdle} idle milliseconds
     * ({@link IoUring#sqNeedsWakeup()}).
     */
    SQPOLL(1, "5.1"),
    /** Binds the SQPOLL thread to the CPU {@link IoUringParams#sqThreadCpu} gave (which adds this flag). */
    SQ_AFF(2, "5.1"),
    /** The CQ size is {@link IoUringParams#cqEntries} (which adds this flag) instead of twice the SQ size. */
    CQSIZE(3, "5.5"),
    /** Caps SQ and CQ sizes above the kernel's maxima instead of failing with EINVAL. */
    CLAMP(4, "5.6"),
    /** Shares the async workers of the ring {@link IoUringParams#attachWq} named (which adds this flag). */
    ATTACH_WQ(5, "5.6"),
    /**
     * Starts the ring disabled, so restrictions can be registered; {@link Registration#enableRings()}
     * starts it.
     */
    R_DISABLED(6, "5.10"),
    /** Keeps submitting a batch past an entry that fails to prepare, instead of stopping at it. */
    SUBMIT_ALL(7, "5.18"),
    /**
     * Completion work no longer interrupts the submitting thread; it runs at the thread's next
     * transition into the kernel.
     */
    COOP_TASKRUN(8, "5.19"),
    /**
     * With COOP_TASKRUN or DEFER_TASKRUN, the kernel sets IORING_SQ_TASKRUN in the SQ flags while
     * completion work is pending, so a peek knows to enter.
     */
    TASKRUN_FLAG(9, "5.19"),
    /** Every SQE is 128 bytes (for URING_CMD payloads, e.g. NVMe passthrough). */
    SQE128(10, "5.19"),
    /** Every CQE is 32 bytes, with 16 bytes of extra data (for URING_CMD and zero-copy receive). */
    CQE32(11, "5.19"),
    /**
     * Only one thread submits: the kernel skips locking and refuses submissions from any other with
     * EEXIST.
     */
    SINGLE_ISSUER(12, "6.0"),
    /**
     * Completion work runs only when the submitting thread enters with GETEVENTS, batching it there;
     * needs SINGLE_ISSUER.
     */
    DEFER_TASKRUN(13, "6.1"),
    /** The ring memory is the application's, not mapped from the kernel ({@link IoUring#openInMemory}). */
    NO_MMAP(14, "6.5"),
    /**
     * The ring fd is registered at setup and no plain fd is returned ({@link IoUring#fd()} is -1);
     * needs NO_MMAP.
     */
    REGISTERED_FD_ONLY(15, "6.5"),
    /**
     * No SQ index array: the kernel takes SQEs in ring order (tried first by default, see
     * {@link IoUringParams#tryNoSqArray}).
     */
    NO_SQARRAY(16, "6.6"),
    /** With IOPOLL, sleeps for part of a request's expected completion time before polling, to save CPU. */
    HYBRID_IOPOLL(17, "6.13"),
    /**
     * The CQ holds both 16- and 32-byte CQEs: a 32-byte one takes two slots
     * ({@link CqeFlag#CQE32_ENTRY}), and filler entries ({@link CqeFlag#SKIP}) pad the end of the ring.
     */
    CQE_MIXED(18, "6.18"),
    /**
     * The SQ holds both 64- and 128-byte SQEs: a 128-byte opcode ({@link Opcode#wideSqe()}) takes two
     * consecutive slots.
     */
    SQE_MIXED(19, "6.19"),
    /** Every submission takes its SQEs from the start of the SQE array; the SQ head and tail are not used. */
    SQ_REWIND(20, "7.0");

    private final int mask;
    private final String since;

    SetupFlag(int bit, String since) {
        this.mask = 1 << bit;
        this.since = since;
    }

    @Override
    public int mask() {
        return mask;
    }

    @Override
    public String since() {
        return since;
    }
}
