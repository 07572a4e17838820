package io.uring4j.core;

/**
 * {@code IORING_OP_*}: the opcode byte at offset 0 of an SQE, in kernel numbering.
 *
 * <p>The kernel identifies operations by number only, so the order of the constants is ABI; the
 * explicit {@link #code()} values are checked against the ordinals when the class loads, so an
 * accidental reordering fails at once instead of sending the wrong operation.
 *
 * <p>{@link #since()} comes from the man pages. Versions for NOP to POLL_REMOVE and READ are not
 * confirmed there. WAITID is documented as 6.5 in one man page and 6.7 in another; 6.7 is used
 * because opcodes are numbered in the order they were merged and READ_MULTISHOT (49) is 6.7.
 */
public enum Opcode {
    NOP(0, "5.1", FileKind.NONE, false),
    READV(1, "5.1", FileKind.FIXABLE, false),
    WRITEV(2, "5.1", FileKind.FIXABLE, false),
    FSYNC(3, "5.1", FileKind.FIXABLE, false),
    READ_FIXED(4, "5.1", FileKind.FIXABLE, false),
    WRITE_FIXED(5, "5.1", FileKind.FIXABLE, false),
    /** Multishot with {@code IORING_POLL_ADD_MULTI} in {@code sqe->len} (5.13). */
    POLL_ADD(6, "5.1", FileKind.FIXABLE, true),
    POLL_REMOVE(7, "5.1", FileKind.NONE, false),
    SYNC_FILE_RANGE(8, "5.2", FileKind.FIXABLE, false),
    SENDMSG(9, "5.3", FileKind.FIXABLE, false),
    /** Multishot with {@code IORING_RECV_MULTISHOT} in {@code sqe->ioprio} (6.0). */
    RECVMSG(10, "5.3", FileKind.FIXABLE, true),
    /** Multishot with {@code IORING_TIMEOUT_MULTISHOT} (6.4): fires repeatedly. */
    TIMEOUT(11, "5.4", FileKind.NONE, true),
    TIMEOUT_REMOVE(12, "5.5", FileKind.NONE, false),
    /** Multishot with {@code IORING_ACCEPT_MULTISHOT} in {@code sqe->ioprio} (5.19). */
    ACCEPT(13, "5.5", FileKind.FIXABLE, true),
    /** Cancelling by fd only matches requests; the op itself opens no file. */
    ASYNC_CANCEL(14, "5.5", FileKind.NONE, false),
    LINK_TIMEOUT(15, "5.5", FileKind.NONE, false),
    CONNECT(16, "5.5", FileKind.FIXABLE, false),
    FALLOCATE(17, "5.6", FileKind.FIXABLE, false),
    OPENAT(18, "5.6", FileKind.NONE, false),
    /** The kernel rejects IOSQE_FIXED_FILE; direct descriptors are closed via file_index. */
    CLOSE(19, "5.6", FileKind.FD, false),
    FILES_UPDATE(20, "5.6", FileKind.NONE, false),
    STATX(21, "5.6", FileKind.NONE, false),
    READ(22, "5.6", FileKind.FIXABLE, false),
    WRITE(23, "5.6", FileKind.FIXABLE, false),
    FADVISE(24, "5.6", FileKind.FIXABLE, false),
    MADVISE(25, "5.6", FileKind.NONE, false),
    SEND(26, "5.6", FileKind.FIXABLE, false),
    /** Multishot with {@code IORING_RECV_MULTISHOT} in {@code sqe->ioprio} (6.0). */
    RECV(27, "5.6", FileKind.FIXABLE, true),
    OPENAT2(28, "5.6", FileKind.NONE, false),
    /** Both the epoll fd and the target fd are looked up as plain descriptors. */
    EPOLL_CTL(29, "5.6", FileKind.FD, false),
    /** {@code sqe->fd} is the output; the input fd is fixed via {@code SPLICE_F_FD_IN_FIXED}. */
    SPLICE(30, "5.7", FileKind.FIXABLE, false),
    PROVIDE_BUFFERS(31, "5.7", FileKind.NONE, false),
    REMOVE_BUFFERS(32, "5.7", FileKind.NONE, false),
    TEE(33, "5.8", FileKind.FIXABLE, false),
    SHUTDOWN(34, "5.11", FileKind.FIXABLE, false),
    RENAMEAT(35, "5.11", FileKind.NONE, false),
    UNLINKAT(36, "5.11", FileKind.NONE, false),
    MKDIRAT(37, "5.15", FileKind.NONE, false),
    SYMLINKAT(38, "5.15", FileKind.NONE, false),
    LINKAT(39, "5.15", FileKind.NONE, false),
    /** Targets another ring's fd; ring fds can never be in a registered file table. */
    MSG_RING(40, "5.18", FileKind.FD, false),
    FSETXATTR(41, "5.19", FileKind.FIXABLE, false),
    SETXATTR(42, "5.19", FileKind.NONE, false),
    FGETXATTR(43, "5.19", FileKind.FIXABLE, false),
    GETXATTR(44, "5.19", FileKind.NONE, false),
    SOCKET(45, "5.19", FileKind.NONE, false),
    URING_CMD(46, "5.19", FileKind.FIXABLE, false),
    /** Posts a second CQE (flagged NOTIF) but is not multishot. */
    SEND_ZC(47, "6.0", FileKind.FIXABLE, false),
    SENDMSG_ZC(48, "6.1", FileKind.FIXABLE, false),
    READ_MULTISHOT(49, "6.7", FileKind.FIXABLE, true),
    /** {@code sqe->fd} carries a pid, not a file. */
    WAITID(50, "6.7", FileKind.NONE, false),
    FUTEX_WAIT(51, "6.7", FileKind.NONE, false),
    FUTEX_WAKE(52, "6.7", FileKind.NONE, false),
    FUTEX_WAITV(53, "6.7", FileKind.NONE, false),
    /** {@code sqe->fd} must be a registered index: the kernel requires IOSQE_FIXED_FILE. */
    FIXED_FD_INSTALL(54, "6.8", FileKind.FIXABLE, false),
    FTRUNCATE(55, "6.9", FileKind.FIXABLE, false),
    BIND(56, "6.11", FileKind.FIXABLE, false),
    LISTEN(57, "6.11", FileKind.FIXABLE, false),
    /** Always multishot: the kernel requires {@code IORING_RECV_MULTISHOT}. */
    RECV_ZC(58, "6.15", FileKind.FIXABLE, true),
    EPOLL_WAIT(59, "6.15", FileKind.FIXABLE, false),
    READV_FIXED(60, "6.15", FileKind.FIXABLE, false),
    WRITEV_FIXED(61, "6.15", FileKind.FIXABLE, false),
    PIPE(62, "6.16", FileKind.NONE, false),
    /** The filler a ring with {@code SQE_MIXED} uses for a 128-byte slot. */
    NOP128(63, "6.19", FileKind.NONE, false),
    URING_CMD128(64, "6.19", FileKind.FIXABLE, false);

    /** How an opcode uses {@code sqe->fd}; decides whether {@link SqeFlag#FIXED_FILE} is legal. */
    public enum FileKind {
        /**
         * No file is resolved from {@code sqe->fd}: it is unused, holds a non-file value (pid,
         * socket domain, buffer count), or is a directory fd used only for path lookup.
         */
        NONE,
        /** A descriptor is required but {@link SqeFlag#FIXED_FILE} cannot be used with it. */
        FD,
        /** A descriptor the kernel resolves itself, so it may be a registered-file index. */
        FIXABLE
    }

    private static final Opcode[] BY_CODE = values();

    static {
        for (Opcode op : BY_CODE) {
            if (op.code != op.ordinal()) {
                throw new ExceptionInInitializerError("Opcode " + op.name() + " declared with code "
                        + op.code + " but sits at position " + op.ordinal());
            }
        }
    }

    private final int code;
    private final String since;
    private final FileKind fileKind;
    private final boolean multishotCapable;
    private final String kernelName;

    Opcode(int code, String since, FileKind fileKind, boolean multishotCapable) {
        this.code = code;
        this.since = since;
        this.fileKind = fileKind;
        this.multishotCapable = multishotCapable;
        this.kernelName = "IORING_OP_" + name();
    }

    /** The value written to {@code sqe->opcode}. */
    public int code() {
        return code;
    }

    /** The C enumerator name, for messages that should match the kernel and liburing docs. */
    public String kernelName() {
        return kernelName;
    }

    /** The first Linux version (e.g. {@code "5.6"}) that implements this opcode. */
    public String since() {
        return since;
    }

    /** How {@code sqe->fd} is interpreted. */
    public FileKind fileKind() {
        return fileKind;
    }

    /**
     * Whether one SQE of this opcode can post many CQEs (each but the last flagged
     * {@link CqeFlag#MORE}), so completion handling must not retire its user_data on the first CQE.
     */
    public boolean multishotCapable() {
        return multishotCapable;
    }

    /**
     * Whether this opcode takes a 128-byte SQE, i.e. two consecutive slots in a ring set up with
     * {@link SetupFlag#SQE_MIXED}.
     */
    public boolean wideSqe() {
        return this == NOP128 || this == URING_CMD128;
    }

    /**
     * The opcode with kernel number {@code code}, e.g. from a probe result.
     *
     * @throws IllegalArgumentException if {@code code} is outside {@code 0..count()-1}
     */
    public static Opcode of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown io_uring opcode " + code
                    + " (valid range 0.." + (BY_CODE.length - 1) + ")");
        }
        return BY_CODE[code];
    }

    /** The number of opcodes this library knows, i.e. the kernel's {@code IORING_OP_LAST}. */
    public static int count() {
        return BY_CODE.length;
    }
}
