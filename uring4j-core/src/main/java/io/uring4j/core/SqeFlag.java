package io.uring4j.core;

/**
 * {@code IOSQE_*}: the one-byte {@code flags} field at offset 1 of every SQE.
 *
 * <p>{@link #mask()} fits in that byte (at most {@code 0x40}); write it with a byte store.
 */
public enum SqeFlag implements BitFlag {
    /** {@code sqe->fd} is an index into the registered file table. */
    FIXED_FILE(0, "5.1"),
    /** Wait for every earlier SQE to complete before starting, and hold later ones back. */
    IO_DRAIN(1, "5.2"),
    /** Start the next SQE only after this one succeeds; a failure cancels the rest of the chain. */
    IO_LINK(2, "5.3"),
    /** Like {@link #IO_LINK}, but the chain continues even if this SQE fails. */
    IO_HARDLINK(3, "5.5"),
    /** Skip the non-blocking attempt and go straight to an io-wq worker. */
    ASYNC(4, "5.6"),
    /** Let the kernel pick a buffer from the group named in {@code sqe->buf_group}. */
    BUFFER_SELECT(5, "5.7"),
    /** Post no CQE if the request succeeds, only on failure. */
    CQE_SKIP_SUCCESS(6, "5.17");

    private final int mask;
    private final String since;

    SqeFlag(int bit, String since) {
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
