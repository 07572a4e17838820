package io.uring4j.core;

/**
 * {@code IORING_ASYNC_CANCEL_*}: how a cancel request (the {@code ASYNC_CANCEL} opcode, or
 * {@link Registration#syncCancel}) picks its targets. Without a flag, the first request whose
 * {@code user_data} matches is cancelled; the flags change the key or cancel every match.
 * Shared by the synchronous and the SQE-based cancel: this class is the one place these
 * numbers are written ({@link CancelOps}' {@code CANCEL_*} constants are the same values), and
 * the runtime's cancels use them from here.
 */
public final class CancelFlags {
    private CancelFlags() {}

    /** {@code IORING_ASYNC_CANCEL_ALL} (kernel 5.19): cancel every matching request, not just the first. */
    public static final int ALL = 1 << 0;
    /** {@code IORING_ASYNC_CANCEL_FD} (kernel 5.19): match on the request's file descriptor, not its user_data. */
    public static final int FD = 1 << 1;
    /** {@code IORING_ASYNC_CANCEL_ANY} (kernel 5.19): match every request whatever its key, and cancel them all. */
    public static final int ANY = 1 << 2;
    /** {@code IORING_ASYNC_CANCEL_FD_FIXED} (kernel 6.0): with {@link #FD}, the fd is a registered file index. */
    public static final int FD_FIXED = 1 << 3;
    /** {@code IORING_ASYNC_CANCEL_USERDATA} (kernel 6.6): match on user_data, combinable with {@link #FD} / {@link #OP}. */
    public static final int USERDATA = 1 << 4;
    /** {@code IORING_ASYNC_CANCEL_OP} (kernel 6.6): match on the request's opcode. */
    public static final int OP = 1 << 5;

    /** Every flag this version knows; other bits are refused before the kernel sees them. */
    public static final int KNOWN = ALL | FD | ANY | FD_FIXED | USERDATA | OP;

    /** The names of bits 0, 1, 2, ... in the order of the constants above. */
    private static final String[] NAMES = {"ALL", "FD", "ANY", "FD_FIXED", "USERDATA", "OP"};

    /**
     * Names cancel flags, for messages.
     *
     * @param flags a mask of {@code IORING_ASYNC_CANCEL_*} bits
     * @return the flags as {@code "ALL|FD"} (or {@code "0"}); bits without a name appear in hex
     */
    public static String names(int flags) {
        if (flags == 0) return "0";
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < 32; bit++) {
            if ((flags & (1 << bit)) == 0) continue;
            if (!sb.isEmpty()) sb.append('|');
            sb.append(bit < NAMES.length ? NAMES[bit] : "0x" + Integer.toHexString(1 << bit));
        }
        return sb.toString();
    }
}
