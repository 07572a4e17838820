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
    /** The SQ and CQ rings share one mapping. */
    SINGLE_MMAP(0, "5.4"),
    /**
     * Completions are not dropped when the CQ is full: the kernel keeps them on an overflow list and
     * flushes them later.
     */
    NODROP(1, "5.5"),
    /**
     * Everything an SQE points at for input (iovec arrays, timespecs, msghdrs, addresses) has been
     * read by the time the submitting enter returns.
     */
    SUBMIT_STABLE(2, "5.5"),
    /**
     * An offset of -1 in reads and writes means the file position, which then advances as with read(2)
     * and write(2).
     */
    RW_CUR_POS(3, "5.6"),
    /** Requests run with the credentials of the thread that submitted them, also in async workers. */
    CUR_PERSONALITY(4, "5.6"),
    /** Requests on pollable files wait with an internal poll instead of blocking an async worker. */
    FAST_POLL(5, "5.7"),
    /** Poll masks are 32 bits, so the EPOLL* bits above 16 (e.g. EPOLLEXCLUSIVE) can be used. */
    POLL_32BITS(6, "5.9"),
    /** SQPOLL rings take plain fds, not only registered files. */
    SQPOLL_NONFIXED(7, "5.11"),
    /** {@code io_uring_enter} takes an extended argument: waits with a timeout need no TIMEOUT SQE. */
    EXT_ARG(8, "5.11"),
    /** Async workers are threads of the submitting process, sharing its credentials and limits. */
    NATIVE_WORKERS(9, "5.12"),
    /** Registered files and buffers can be tagged, and sparse tables and tagged updates work. */
    RSRC_TAGS(10, "5.13"),
    /** {@link SqeFlag#CQE_SKIP_SUCCESS} is supported. */
    CQE_SKIP(11, "5.17"),
    /**
     * In a link chain, a request's file is resolved when it starts, so it can use a file a request
     * earlier in the chain opened.
     */
    LINKED_FILE(12, "5.17"),
    /** {@code io_uring_register} accepts the registered ring index, like enter does. */
    REG_REG_RING(13, "6.3"),
    /** Sends and receives can take several provided buffers at once ({@link SendRecvOps#RECVSEND_BUNDLE}). */
    RECVSEND_BUNDLE(14, "6.10"),
    /** Waits take a min-timeout: after it, one CQE is enough to return. */
    MIN_TIMEOUT(15, "6.12"),
    /** Reads and writes can carry attributes, such as integrity (PI) metadata. */
    RW_ATTR(16, "6.14"),
    /** A wait can ask not to be accounted as iowait. */
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
