package io.uring4j.core;

/**
 * {@code IORING_ENTER_*}: the {@code flags} argument of {@code io_uring_enter(2)}.
 *
 * <p>Versions for SQ_WAIT (5.10) and REGISTERED_RING (5.18, together with
 * {@code IORING_REGISTER_RING_FDS}) come from kernel history rather than the man page.
 */
public enum EnterFlag implements BitFlag {
    /** Wait for {@code min_complete} completions (and flush pending task work). */
    GETEVENTS(0, "5.1"),
    /** Wake an idle SQPOLL thread; only meaningful when the SQ flags say it needs a wakeup. */
    SQ_WAKEUP(1, "5.1"),
    /** With SQPOLL, block until the SQ thread has freed at least one SQ slot. */
    SQ_WAIT(2, "5.10"),
    /** {@code arg} is a {@code struct io_uring_getevents_arg} rather than a bare sigset. */
    EXT_ARG(3, "5.11"),
    /** The fd argument is an index into the registered ring-fd table. */
    REGISTERED_RING(4, "5.18"),
    /** The wait timeout is an absolute time on the ring's registered clock. */
    ABS_TIMER(5, "6.12"),
    /** {@code arg} is an offset into a registered wait region, not a pointer. */
    EXT_ARG_REG(6, "6.13"),
    /** Do not count the wait as iowait (needs {@link Feature#NO_IOWAIT}). */
    NO_IOWAIT(7, "6.15");

    private final int mask;
    private final String since;

    EnterFlag(int bit, String since) {
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
