package io.uring4j.core;

/**
 * {@code IORING_CQE_F_*}: the low bits of a CQE's {@code flags} word.
 *
 * <p>The upper 16 bits are not flags: with {@link #BUFFER} set they carry the id of the provided
 * buffer that was consumed (see {@link #bufferId}). Mask them off before calling
 * {@link BitFlag#names} unless the hex tail is wanted. Versions are those of the kernel feature
 * that introduced each flag (provided buffers, multishot poll, zero-copy send, incremental buffer
 * rings, mixed-size CQEs), not checked against a man page.
 */
public enum CqeFlag implements BitFlag {
    /** The upper 16 bits hold a provided-buffer id. */
    BUFFER(0, "5.7"),
    /** The request is still armed; more CQEs with the same user_data will follow. */
    MORE(1, "5.13"),
    /** A socket receive left more data queued. */
    SOCK_NONEMPTY(2, "5.19"),
    /** The zero-copy notification that the send buffer may be reused, not the send result. */
    NOTIF(3, "6.0"),
    /** An incrementally consumed buffer stays in use; its id will appear again. */
    BUF_MORE(4, "6.12"),
    /** A filler entry the kernel put in a mixed-size CQ at the wrap; consume and ignore it. */
    SKIP(5, "6.18"),
    /**
     * In a {@code CQE_MIXED} ring this CQE is 32 bytes and occupies two slots. The C name is
     * {@code IORING_CQE_F_32}, which is no Java identifier.
     */
    CQE32_ENTRY(15, "6.18");

    /** Shift that moves the buffer id from the top half of {@code cqe->flags} to bit 0. */
    public static final int BUFFER_SHIFT = 16;

    private final int mask;
    private final String since;

    CqeFlag(int bit, String since) {
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

    /** As {@link BitFlag#kernelName()}, except {@link #CQE32_ENTRY}: {@code IORING_CQE_F_32}. */
    @Override
    public String kernelName() {
        return this == CQE32_ENTRY ? "IORING_CQE_F_32" : BitFlag.super.kernelName();
    }

    /**
     * The provided-buffer id in {@code cqeFlags}; meaningful only when {@link #BUFFER} is set.
     *
     * @param cqeFlags a CQE's flags word ({@link Cqe#flags()})
     * @return its upper 16 bits: the id of the buffer the request used
     */
    public static int bufferId(int cqeFlags) {
        return cqeFlags >>> BUFFER_SHIFT;
    }
}
