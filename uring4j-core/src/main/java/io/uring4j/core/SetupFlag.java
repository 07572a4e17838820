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
    IOPOLL(0, "5.1"),
    SQPOLL(1, "5.1"),
    SQ_AFF(2, "5.1"),
    CQSIZE(3, "5.5"),
    CLAMP(4, "5.6"),
    ATTACH_WQ(5, "5.6"),
    R_DISABLED(6, "5.10"),
    SUBMIT_ALL(7, "5.18"),
    COOP_TASKRUN(8, "5.19"),
    TASKRUN_FLAG(9, "5.19"),
    SQE128(10, "5.19"),
    CQE32(11, "5.19"),
    SINGLE_ISSUER(12, "6.0"),
    DEFER_TASKRUN(13, "6.1"),
    NO_MMAP(14, "6.5"),
    REGISTERED_FD_ONLY(15, "6.5"),
    NO_SQARRAY(16, "6.6"),
    HYBRID_IOPOLL(17, "6.13"),
    CQE_MIXED(18, "6.18"),
    SQE_MIXED(19, "6.19"),
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
