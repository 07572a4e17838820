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
    /** Does nothing; completes with res 0. For tests, wakeups and measuring overhead ({@code prepNop}). */
    NOP(0, "5.1", FileKind.NONE, false),
    /** Vectored read into an iovec array, as preadv2(2) ({@code prepReadv}). */
    READV(1, "5.1", FileKind.FIXABLE, false),
    /** Vectored write from an iovec array, as pwritev2(2) ({@code prepWritev}). */
    WRITEV(2, "5.1", FileKind.FIXABLE, false),
    /** fsync(2) or fdatasync(2) of a file ({@code prepFsync}). */
    FSYNC(3, "5.1", FileKind.FIXABLE, false),
    /** Read into a registered buffer ({@code prepReadFixed}). */
    READ_FIXED(4, "5.1", FileKind.FIXABLE, false),
    /** Write from a registered buffer ({@code prepWriteFixed}). */
    WRITE_FIXED(5, "5.1", FileKind.FIXABLE, false),
    /**
     * Waits for poll events on an fd; completes with the ready mask ({@code prepPollAdd}). Multishot
     * with {@code IORING_POLL_ADD_MULTI} in {@code sqe->len} (5.13).
     */
    POLL_ADD(6, "5.1", FileKind.FIXABLE, true),
    /** Removes or updates a pending POLL_ADD ({@code prepPollRemove}, {@code prepPollUpdate}). */
    POLL_REMOVE(7, "5.1", FileKind.NONE, false),
    /** sync_file_range(2) on part of a file ({@code prepSyncFileRange}). */
    SYNC_FILE_RANGE(8, "5.2", FileKind.FIXABLE, false),
    /** sendmsg(2) with a msghdr ({@code prepSendmsg}). */
    SENDMSG(9, "5.3", FileKind.FIXABLE, false),
    /**
     * recvmsg(2) with a msghdr ({@code prepRecvmsg}). Multishot with {@code IORING_RECV_MULTISHOT} in
     * {@code sqe->ioprio} (6.0).
     */
    RECVMSG(10, "5.3", FileKind.FIXABLE, true),
    /**
     * Completes after a time, or after a number of other completions ({@code prepTimeout}). Multishot
     * with {@code IORING_TIMEOUT_MULTISHOT} (6.4): fires repeatedly.
     */
    TIMEOUT(11, "5.4", FileKind.NONE, true),
    /**
     * Removes or updates a pending TIMEOUT or LINK_TIMEOUT ({@code prepTimeoutRemove},
     * {@code prepTimeoutUpdate}).
     */
    TIMEOUT_REMOVE(12, "5.5", FileKind.NONE, false),
    /**
     * accept4(2) on a listening socket ({@code prepAccept} and its direct forms). Multishot with
     * {@code IORING_ACCEPT_MULTISHOT} in {@code sqe->ioprio} (5.19).
     */
    ACCEPT(13, "5.5", FileKind.FIXABLE, true),
    /**
     * Cancels pending requests matched by user_data, fd or opcode ({@code prepCancel}). Cancelling by
     * fd only matches requests; the op itself opens no file.
     */
    ASYNC_CANCEL(14, "5.5", FileKind.NONE, false),
    /**
     * A timeout for the request linked before it: cancels that request if it runs too long
     * ({@code prepLinkTimeout}).
     */
    LINK_TIMEOUT(15, "5.5", FileKind.NONE, false),
    /** connect(2) on a socket ({@code prepConnect}). */
    CONNECT(16, "5.5", FileKind.FIXABLE, false),
    /** fallocate(2): allocates, punches or zeroes a range of a file ({@code prepFallocate}). */
    FALLOCATE(17, "5.6", FileKind.FIXABLE, false),
    /** openat(2), into the fd table or a registered slot ({@code prepOpenat}). */
    OPENAT(18, "5.6", FileKind.NONE, false),
    /**
     * close(2) of an fd, or of a registered slot ({@code prepClose}, {@code prepCloseDirect}). The
     * kernel rejects IOSQE_FIXED_FILE; direct descriptors are closed via file_index.
     */
    CLOSE(19, "5.6", FileKind.FD, false),
    /** Updates slots of the registered file table from an SQE ({@code prepFilesUpdate}). */
    FILES_UPDATE(20, "5.6", FileKind.NONE, false),
    /** statx(2): file metadata into a {@code struct statx} ({@code prepStatx}). */
    STATX(21, "5.6", FileKind.NONE, false),
    /** Read into one buffer, as pread(2) ({@code prepRead}). */
    READ(22, "5.6", FileKind.FIXABLE, false),
    /** Write from one buffer, as pwrite(2) ({@code prepWrite}). */
    WRITE(23, "5.6", FileKind.FIXABLE, false),
    /** posix_fadvise(2) on a file range ({@code prepFadvise}). */
    FADVISE(24, "5.6", FileKind.FIXABLE, false),
    /** madvise(2) on a memory range ({@code prepMadvise}). */
    MADVISE(25, "5.6", FileKind.NONE, false),
    /** send(2), or sendto with an address ({@code prepSend}, {@code prepSendto}, {@code prepSendBundle}). */
    SEND(26, "5.6", FileKind.FIXABLE, false),
    /**
     * recv(2) into a buffer or a provided buffer ({@code prepRecv}). Multishot with
     * {@code IORING_RECV_MULTISHOT} in {@code sqe->ioprio} (6.0).
     */
    RECV(27, "5.6", FileKind.FIXABLE, true),
    /** openat2(2) with a {@code struct open_how} ({@code prepOpenat2}). */
    OPENAT2(28, "5.6", FileKind.NONE, false),
    /**
     * epoll_ctl(2): adds, modifies or removes an fd of an epoll set ({@code prepEpollCtl}). Both the
     * epoll fd and the target fd are looked up as plain descriptors.
     */
    EPOLL_CTL(29, "5.6", FileKind.FD, false),
    /**
     * splice(2): moves bytes between an fd and a pipe ({@code prepSplice}). {@code sqe->fd} is the
     * output; the input fd is fixed via {@code SPLICE_F_FD_IN_FIXED}.
     */
    SPLICE(30, "5.7", FileKind.FIXABLE, false),
    /** Hands buffers to a legacy provided-buffer group ({@code prepProvideBuffers}). */
    PROVIDE_BUFFERS(31, "5.7", FileKind.NONE, false),
    /** Takes buffers back from a legacy provided-buffer group ({@code prepRemoveBuffers}). */
    REMOVE_BUFFERS(32, "5.7", FileKind.NONE, false),
    /** tee(2): duplicates bytes from one pipe into another ({@code prepTee}). */
    TEE(33, "5.8", FileKind.FIXABLE, false),
    /** shutdown(2) of a socket ({@code prepShutdown}). */
    SHUTDOWN(34, "5.11", FileKind.FIXABLE, false),
    /** renameat2(2) ({@code prepRenameat}). */
    RENAMEAT(35, "5.11", FileKind.NONE, false),
    /** unlinkat(2): removes a file or an empty directory ({@code prepUnlinkat}). */
    UNLINKAT(36, "5.11", FileKind.NONE, false),
    /** mkdirat(2) ({@code prepMkdirat}). */
    MKDIRAT(37, "5.15", FileKind.NONE, false),
    /** symlinkat(2) ({@code prepSymlinkat}). */
    SYMLINKAT(38, "5.15", FileKind.NONE, false),
    /** linkat(2): a hard link ({@code prepLinkat}). */
    LINKAT(39, "5.15", FileKind.NONE, false),
    /**
     * Posts a CQE, or passes a registered file, to another ring ({@code prepMsgRing},
     * {@code prepMsgRingFd}). Targets another ring's fd; ring fds can never be in a registered file
     * table.
     */
    MSG_RING(40, "5.18", FileKind.FD, false),
    /** fsetxattr(2): sets an extended attribute of an open file ({@code prepFsetxattr}). */
    FSETXATTR(41, "5.19", FileKind.FIXABLE, false),
    /** setxattr(2): sets an extended attribute by path ({@code prepSetxattr}). */
    SETXATTR(42, "5.19", FileKind.NONE, false),
    /** fgetxattr(2): reads an extended attribute of an open file ({@code prepFgetxattr}). */
    FGETXATTR(43, "5.19", FileKind.FIXABLE, false),
    /** getxattr(2): reads an extended attribute by path ({@code prepGetxattr}). */
    GETXATTR(44, "5.19", FileKind.NONE, false),
    /** socket(2), into the fd table or a registered slot ({@code prepSocket}). */
    SOCKET(45, "5.19", FileKind.NONE, false),
    /**
     * A command for the file's driver (NVMe passthrough, socket commands, …) ({@code prepUringCmd},
     * {@code prepCmdSock}).
     */
    URING_CMD(46, "5.19", FileKind.FIXABLE, false),
    /** Zero-copy send ({@code prepSendZc}). Posts a second CQE (flagged NOTIF) but is not multishot. */
    SEND_ZC(47, "6.0", FileKind.FIXABLE, false),
    /** Zero-copy sendmsg ({@code prepSendmsgZc}). */
    SENDMSG_ZC(48, "6.1", FileKind.FIXABLE, false),
    /** Multishot read from a pollable fd into provided buffers ({@code prepReadMultishot}). */
    READ_MULTISHOT(49, "6.7", FileKind.FIXABLE, true),
    /**
     * waitid(2): waits for a child process to change state ({@code prepWaitid}). {@code sqe->fd}
     * carries a pid, not a file.
     */
    WAITID(50, "6.7", FileKind.NONE, false),
    /** Waits on a futex word ({@code prepFutexWait}). */
    FUTEX_WAIT(51, "6.7", FileKind.NONE, false),
    /** Wakes waiters of a futex word ({@code prepFutexWake}). */
    FUTEX_WAKE(52, "6.7", FileKind.NONE, false),
    /** Waits on any of several futexes ({@code prepFutexWaitv}). */
    FUTEX_WAITV(53, "6.7", FileKind.NONE, false),
    /**
     * Installs a registered file into the process fd table as a normal fd
     * ({@code prepFixedFdInstall}). {@code sqe->fd} must be a registered index: the kernel requires
     * IOSQE_FIXED_FILE.
     */
    FIXED_FD_INSTALL(54, "6.8", FileKind.FIXABLE, false),
    /** ftruncate(2) ({@code prepFtruncate}). */
    FTRUNCATE(55, "6.9", FileKind.FIXABLE, false),
    /** bind(2) of a socket ({@code prepBind}). */
    BIND(56, "6.11", FileKind.FIXABLE, false),
    /** listen(2) on a bound socket ({@code prepListen}). */
    LISTEN(57, "6.11", FileKind.FIXABLE, false),
    /**
     * Zero-copy receive through a registered zcrx interface queue ({@code prepRecvZc}). Always
     * multishot: the kernel requires {@code IORING_RECV_MULTISHOT}.
     */
    RECV_ZC(58, "6.15", FileKind.FIXABLE, true),
    /** epoll_wait(2) on an epoll fd, into an array of events ({@code prepEpollWait}). */
    EPOLL_WAIT(59, "6.15", FileKind.FIXABLE, false),
    /** Vectored read whose buffers lie in a registered buffer ({@code prepReadvFixed}). */
    READV_FIXED(60, "6.15", FileKind.FIXABLE, false),
    /** Vectored write whose buffers lie in a registered buffer ({@code prepWritevFixed}). */
    WRITEV_FIXED(61, "6.15", FileKind.FIXABLE, false),
    /** pipe2(2): a new pipe, as fds or registered slots ({@code prepPipe}). */
    PIPE(62, "6.16", FileKind.NONE, false),
    /**
     * A NOP in a 128-byte SQE ({@code prepNop128}). The filler a ring with {@code SQE_MIXED} uses for
     * a 128-byte slot.
     */
    NOP128(63, "6.19", FileKind.NONE, false),
    /** URING_CMD in a 128-byte SQE, in a ring with {@code SQE_MIXED} ({@code prepUringCmd128}). */
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

    /**
     * The kernel's number for this opcode.
     *
     * @return the value written to {@code sqe->opcode} (equal to {@link #ordinal()})
     */
    public int code() {
        return code;
    }

    /**
     * The C enumerator name, for messages that should match the kernel and liburing docs.
     *
     * @return e.g. {@code "IORING_OP_READ"}
     */
    public String kernelName() {
        return kernelName;
    }

    /**
     * The first Linux version that implements this opcode.
     *
     * @return the version, e.g. {@code "5.6"}
     */
    public String since() {
        return since;
    }

    /**
     * How {@code sqe->fd} is interpreted.
     *
     * @return whether the fd word is a file, and whether it may be a registered-file index
     */
    public FileKind fileKind() {
        return fileKind;
    }

    /**
     * Whether one SQE of this opcode can post many CQEs (each but the last flagged
     * {@link CqeFlag#MORE}), so completion handling must not retire its user_data on the first CQE.
     *
     * @return whether some form of this opcode is multishot
     */
    public boolean multishotCapable() {
        return multishotCapable;
    }

    /**
     * Whether this opcode takes a 128-byte SQE, i.e. two consecutive slots in a ring set up with
     * {@link SetupFlag#SQE_MIXED}.
     *
     * @return {@code true} for {@link #NOP128} and {@link #URING_CMD128}
     */
    public boolean wideSqe() {
        return this == NOP128 || this == URING_CMD128;
    }

    /**
     * The opcode with kernel number {@code code}, e.g. from a probe result.
     *
     * @param code the kernel's opcode number
     * @return the constant with that {@link #code()}
     * @throws IllegalArgumentException if {@code code} is outside {@code 0..count()-1}
     */
    public static Opcode of(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown io_uring opcode " + code
                    + " (valid range 0.." + (BY_CODE.length - 1) + ")");
        }
        return BY_CODE[code];
    }

    /**
     * The number of opcodes this library knows.
     *
     * @return the kernel's {@code IORING_OP_LAST} as of the newest opcode here ({@link #URING_CMD128} + 1)
     */
    public static int count() {
        return BY_CODE.length;
    }
}
