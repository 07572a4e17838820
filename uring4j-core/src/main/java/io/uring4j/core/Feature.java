package io.uring4j.core;

/**
 * {@code IORING_FEAT_*}: the {@code features} word the kernel writes into
 * {@code struct io_uring_params} on setup.
 *
 * <p>Features are how a port decides between code paths without probing, e.g. one mmap for both
 * rings ({@link #SINGLE_MMAP}) or timeouts passed through {@code io_uring_enter} ({@link #EXT_ARG})
 * instead of an internal TIMEOUT SQE. {@link #since()} is the kernel that started reporting the
 * bit; the last four versions are not confirmed by the man pages.
 */
public enum Feature implements BitFlag {
    SINGLE_MMAP(0, "5.4"),
    NODROP(1, "5.5"),
    SUBMIT_STABLE(2, "5.5"),
    RW_CUR_POS(3, "5.6"),
    CUR_PERSONALITY(4, "5.6"),
    FAST_POLL(5, "5.7"),
    POLL_32BITS(6, "5.9"),
    SQPOLL_NONFIXED(7, "5.11"),
    EXT_ARG(8, "5.11"),
    NATIVE_WORKERS(9, "5.12"),
    RSRC_TAGS(10, "5.13"),
    CQE_SKIP(11, "5.17"),
    LINKED_FILE(12, "5.17"),
    REG_REG_RING(13, "6.3"),
    RECVSEND_BUNDLE(14, "6.10"),
    MIN_TIMEOUT(15, "6.12"),
    RW_ATTR(16, "6.14"),
    NO_IOWAIT(17, "6.15");

    private final int mask;
    private final String since;

    Feature(int bit, String since) {
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
