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
    BUFFER(0, "5.7", "BUFFER"),
    /** The request is still armed; more CQEs with the same user_data will follow. */
    MORE(1, "5.13", "MORE"),
    /** A socket receive left more data queued. */
    SOCK_NONEMPTY(2, "5.19", "SOCK_NONEMPTY"),
    /** The zero-copy notification that the send buffer may be reused, not the send result. */
    NOTIF(3, "6.0", "NOTIF"),
    /** An incrementally consumed buffer stays in use; its id will appear again. */
    BUF_MORE(4, "6.12", "BUF_MORE"),
    /** A filler entry the kernel put in a mixed-size CQ at the wrap; consume and ignore it. */
    SKIP(5, "6.18", "SKIP"),
    /** In a {@code CQE_MIXED} ring this CQE is 32 bytes and occupies two slots. */
    CQE32_ENTRY(15, "6.18", "32");

    /** Shift that moves the buffer id from the top half of {@code cqe->flags} to bit 0. */
    public static final int BUFFER_SHIFT = 16;

    private final int mask;
    private final String since;
    private final String kernelName;

    CqeFlag(int bit, String since, String kernelSuffix) {
        this.mask = 1 << bit;
        this.since = since;
        this.kernelName = "IORING_CQE_F_" + kernelSuffix;
    }

    @Override
    public int mask() {
        return mask;
    }

    /** The C macro name; differs from {@link #name()} for {@link #CQE32_ENTRY}. */
    public String kernelName() {
        return kernelName;
    }

    /** The first Linux version (e.g. {@code "6.0"}) that posts this flag. */
    public String since() {
        return since;
    }

    /**
     * The provided-buffer id in {@code cqeFlags}; meaningful only when {@link #BUFFER} is set.
     */
    public static int bufferId(int cqeFlags) {
        return cqeFlags >>> BUFFER_SHIFT;
    }
}
