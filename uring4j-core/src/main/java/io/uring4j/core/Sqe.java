package io.uring4j.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.uring4j.core.Layouts.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A view of one submission queue entry, written in place in the ring's shared memory. The ring
 * keeps one view per slot, so getting and filling SQEs allocates nothing; a view is valid from
 * {@link IoUring#getSqe()} until the next submit, after which its slot belongs to the kernel
 * and then to a later {@code getSqe}.
 *
 * <p>The prep helpers ({@code prepRead}, {@code prepTimeout}, …) come from the family
 * interfaces this class implements; each writes the opcode's required fields, and the setters
 * here add the optional ones ({@link #userData}, {@link #flag}, {@link #ioprio}, …). Field
 * setters use the kernel's names.
 *
 * <p><b>Memory lifetime.</b> A helper that takes a {@link MemorySegment} records only its
 * address. The segment must stay alive until the request's completion (for inputs such as
 * timespecs, iovecs, msghdrs and sockaddrs, until the submitting enter returns when the ring
 * has {@link Feature#SUBMIT_STABLE} and no SQPOLL; until completion otherwise). Heap segments are
 * refused: the kernel can only address native memory.
 */
public final class Sqe implements FileOps, SyncOps, FsOps, XattrOps, TimeoutOps, CancelOps, PollOps, MiscOps,
        NetOps, SendRecvOps, BufferOps, CmdOps, MsgRingOps {
    /*
     * Field accessors use the unaligned layouts on purpose. Every SQE field is naturally aligned
     * (the SQE array is page-aligned, entries are 64 or 128 bytes), so the access is the same
     * single move either way; but with the aligned layouts C2 emits an alignment test for every
     * store, because it cannot know the segment's address. Measured in the NOP benchmark at
     * batch 32: about 4 ns per SQE, a quarter of uring4j's user time.
     */
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final MemorySegment sqes;
    private final long base;
    private final long size;

    Sqe(MemorySegment sqes, long base, long size) {
        this.sqes = sqes;
        this.base = base;
        this.size = size;
    }

    /**
     * Zeroes the whole entry: every field a prep helper does not write starts at zero. Written
     * out store by store: as a loop over {@code size}, C2 compiled it into a counted loop with
     * pre-loop bound arithmetic and a safepoint poll that cost more than the eight stores, on
     * every getSqe (measured in the NOP benchmark: a fifth of uring4j's user time at batch 32).
     */
    void clear() {
        clear64(base);
        if (size == 128) {
            clear64(base + 64); // SQE128: the command area's second half
        }
    }

    private void clear64(long at) {
        MemorySegment s = sqes;
        s.set(U64, at, 0L);
        s.set(U64, at + 8, 0L);
        s.set(U64, at + 16, 0L);
        s.set(U64, at + 24, 0L);
        s.set(U64, at + 32, 0L);
        s.set(U64, at + 40, 0L);
        s.set(U64, at + 48, 0L);
        s.set(U64, at + 56, 0L);
    }

    /**
     * Port of liburing's {@code io_uring_prep_rw}: the fields every request has. All other prep
     * helpers start here.
     */
    public Sqe prepRw(Opcode op, int fd, long addr, int len, long off) {
        sqes.set(JAVA_BYTE, base + SQE_OPCODE, (byte) op.code());
        sqes.set(U32, base + SQE_FD, fd);
        sqes.set(U64, base + SQE_OFF, off);
        sqes.set(U64, base + SQE_ADDR, addr);
        sqes.set(U32, base + SQE_LEN, len);
        return this;
    }

    // ---- optional fields, chained ----

    public Sqe userData(long userData) {
        sqes.set(U64, base + SQE_USER_DATA, userData);
        return this;
    }

    /** Adds one IOSQE_* flag. */
    public Sqe flag(SqeFlag flag) {
        byte old = sqes.get(JAVA_BYTE, base + SQE_FLAGS);
        sqes.set(JAVA_BYTE, base + SQE_FLAGS, (byte) (old | flag.mask()));
        return this;
    }

    /**
     * Targets a registered file: writes {@code index} as the fd and sets IOSQE_FIXED_FILE, so a
     * table index can never be mistaken for an fd. Call after the prep helper.
     */
    public Sqe fixedFile(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("a registered file index is >= 0, given " + index);
        }
        sqes.set(U32, base + SQE_FD, index);
        return flag(SqeFlag.FIXED_FILE);
    }

    /** Replaces the IOSQE_* flags with a mask built from {@link SqeFlag#mask()}s. */
    public Sqe flags(int sqeFlagMask) {
        if ((sqeFlagMask & ~0xFF) != 0) {
            throw new IllegalArgumentException("IOSQE flags fit in 8 bits, given 0x" + Integer.toHexString(sqeFlagMask));
        }
        sqes.set(JAVA_BYTE, base + SQE_FLAGS, (byte) sqeFlagMask);
        return this;
    }

    /** {@code ioprio}: the I/O priority, or the op-specific flags of send/recv/accept/zero-copy. */
    public Sqe ioprio(int ioprio) {
        sqes.set(U16, base + SQE_IOPRIO, (short) ioprio);
        return this;
    }

    public Sqe fd(int fd) {
        sqes.set(U32, base + SQE_FD, fd);
        return this;
    }

    /** {@code off} / {@code addr2} / {@code cmd_op}. */
    public Sqe off(long off) {
        sqes.set(U64, base + SQE_OFF, off);
        return this;
    }

    /** {@code addr} / {@code splice_off_in} / {@code level, optname}: a raw address or value. */
    public Sqe addr(long addr) {
        sqes.set(U64, base + SQE_ADDR, addr);
        return this;
    }

    public Sqe len(int len) {
        sqes.set(U32, base + SQE_LEN, len);
        return this;
    }

    /**
     * The op-specific flags word at offset 28: {@code rw_flags}, {@code fsync_flags},
     * {@code poll32_events}, {@code msg_flags}, {@code timeout_flags}, {@code accept_flags},
     * {@code cancel_flags}, {@code open_flags}, {@code statx_flags}, … (one union in the kernel).
     */
    public Sqe opFlags(int flags) {
        sqes.set(U32, base + SQE_OP_FLAGS, flags);
        return this;
    }

    /** {@code buf_index}: the registered buffer for *_FIXED requests. */
    public Sqe bufIndex(int index) {
        sqes.set(U16, base + SQE_BUF_INDEX, (short) index);
        return this;
    }

    /** {@code buf_group}: the provided-buffer group for BUFFER_SELECT (same field as buf_index). */
    public Sqe bufGroup(int group) {
        return bufIndex(group);
    }

    public Sqe personality(int personality) {
        sqes.set(U16, base + SQE_PERSONALITY, (short) personality);
        return this;
    }

    /** {@code file_index} / {@code splice_fd_in} / {@code optlen}: the raw 32-bit word at 44. */
    public Sqe fileIndex(int value) {
        sqes.set(U32, base + SQE_FILE_INDEX, value);
        return this;
    }

    /** {@code addr3} / {@code optval}. */
    public Sqe addr3(long addr3) {
        sqes.set(U64, base + SQE_ADDR3, addr3);
        return this;
    }

    /**
     * The command area {@code cmd[]} at offset 48, for URING_CMD: 16 bytes, or 80 with
     * SQE128. The slice aliases the ring; it is valid while this SQE is.
     */
    public MemorySegment cmd() {
        return sqes.asSlice(base + SQE_CMD, size - SQE_CMD);
    }

    // ---- getters, for tests and tracing ----

    public int opcode() {
        return Byte.toUnsignedInt(sqes.get(JAVA_BYTE, base + SQE_OPCODE));
    }

    public int flagsMask() {
        return Byte.toUnsignedInt(sqes.get(JAVA_BYTE, base + SQE_FLAGS));
    }

    public long userData() {
        return sqes.get(U64, base + SQE_USER_DATA);
    }

    public int getFd() {
        return sqes.get(U32, base + SQE_FD);
    }

    public long getAddr() {
        return sqes.get(U64, base + SQE_ADDR);
    }

    public int getLen() {
        return sqes.get(U32, base + SQE_LEN);
    }

    public long getOff() {
        return sqes.get(U64, base + SQE_OFF);
    }

    public int getOpFlags() {
        return sqes.get(U32, base + SQE_OP_FLAGS);
    }

    /** Bytes of this entry: 64, or 128 with SQE128. */
    public long byteSize() {
        return size;
    }

    // ---- shared argument checks for the prep helpers ----

    /** The address of a native segment the kernel will access; refuses heap segments. */
    static long address(MemorySegment segment, String what) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException(what + " must be a native segment (the kernel cannot address the Java heap), given " + segment);
        }
        return segment.address();
    }

    /** A byte count that must fit in the segment and in the SQE's 32-bit length. */
    static int length(MemorySegment segment, long nbytes, String what) {
        if (nbytes < 0 || nbytes > segment.byteSize()) {
            throw new IllegalArgumentException(what + ": length must be within the segment (0.." + segment.byteSize() + "), given " + nbytes);
        }
        if (nbytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": at most " + Integer.MAX_VALUE + " bytes per request, given " + nbytes);
        }
        return (int) nbytes;
    }

    /** A value for a 16-bit SQE field ({@code buf_index}, {@code buf_group}): 0..65535. */
    static int u16(int value, String what) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(what + " must be within 0..65535, given " + value);
        }
        return value;
    }

    /**
     * Encodes a 0-based direct-descriptor slot for {@code file_index}, whose 0 means "no direct
     * descriptor": the kernel reads slot {@code file_index - 1}.
     */
    static int fileSlot(int slot, String what) {
        if (slot < 0 || slot == Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + ": a direct-descriptor slot is within 0.."
                    + (Integer.MAX_VALUE - 1) + ", given " + slot);
        }
        return slot + 1;
    }

    /**
     * The address of a C string (a path or an xattr name) the kernel will read up to its NUL:
     * refuses a segment with no NUL byte, since the kernel would read past its end.
     */
    static long cString(MemorySegment segment, String what) {
        long addr = address(segment, what);
        long n = segment.byteSize();
        for (long i = 0; i < n; i++) {
            if (segment.get(JAVA_BYTE, i) == 0) {
                return addr;
            }
        }
        throw new IllegalArgumentException(what + " must be NUL-terminated within its " + n
                + " bytes (allocate it with Arena.allocateFrom(String)), given no NUL byte");
    }

    /** A segment that must hold at least {@code required} bytes (a kernel struct). */
    static long struct(MemorySegment segment, long required, String what) {
        if (segment.byteSize() < required) {
            throw new IllegalArgumentException(what + " needs " + required + " bytes, given a segment of " + segment.byteSize());
        }
        return address(segment, what);
    }
}
