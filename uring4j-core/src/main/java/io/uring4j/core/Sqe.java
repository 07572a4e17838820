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
 * interfaces this class implements; each writes the opcode's required fields after checking
 * every segment it is given (native, long enough, writable where the kernel writes), and the
 * setters here add the optional ones ({@link #userData}, {@link #flag}, {@link #ioprio}, …).
 * A prep helper starts a new request: it clears the optional fields a previous helper or setter
 * left in this entry (user_data and the IOSQE flags stay). Field setters use the kernel's names.
 *
 * <p><b>Checked by construction.</b> No public method of this class can make the kernel touch
 * memory outside a segment a helper checked: the fields that hold addresses and lengths
 * ({@code addr}, {@code len}, {@code off}/{@code addr2}, {@code addr3}, {@code file_index} and
 * the command area) are written only by the helpers. Raw access to them is the separate
 * {@link UncheckedSqe} view ({@link #unchecked()}), whose caller takes over the kernel's memory
 * contract. The optional setters that stay here were audited against every opcode:
 * <ul>
 * <li>{@link #userData}, {@link #flag}, {@link #flags}, {@link #personality}: request identity,
 *     chaining, credentials; none is read as an address. {@code BUFFER_SELECT} makes the kernel
 *     use a provided buffer, memory registered through checked calls; clearing it leaves the
 *     helper's address, which for the NULL-buffer forms is 0 (an immediate EFAULT).</li>
 * <li>{@link #opFlags}: {@code rw_flags}, {@code msg_flags}, {@code splice_flags}
 *     (SPLICE_F_FD_IN_FIXED only changes how a descriptor is looked up; {@code splice_off_in}
 *     is an offset, not a pointer), {@code timeout_flags} (TIMEOUT_UPDATE makes {@code off} a
 *     timespec pointer only for TIMEOUT_REMOVE, where the helpers write 0 or a checked timespec
 *     there), poll, open, statx, cancel and msg_ring flags: none turns a field the helpers wrote
 *     as a value into a pointer, or widens a length.</li>
 * <li>{@link #ioprio}: an I/O priority, or the IORING_RECVSEND_* / IORING_ACCEPT_* flags.
 *     {@link SendRecvOps#SEND_VECTORIZED} is refused on SEND and SEND_ZC: it makes the checked
 *     buffer an iovec array whose raw contents the kernel would follow. The other flags keep the
 *     memory the helper checked, or switch to provided or registered buffers whose bounds the
 *     kernel enforces.</li>
 * <li>{@link #bufIndex}/{@link #bufGroup}: the kernel checks a fixed transfer lies inside the
 *     registered buffer, and takes provided buffers whole.</li>
 * <li>{@link #fd} and {@link #fixedFile}: for PROVIDE_BUFFERS the fd word is the buffer count and
 *     for FUTEX_WAIT/FUTEX_WAKE the futex word size, both checked against memory by the helper,
 *     so they cannot be changed there; {@code fixedFile} is refused on opcodes whose
 *     {@link Opcode#fileKind()} is not {@link Opcode.FileKind#FIXABLE}.</li>
 * </ul>
 * Memory the caller builds itself (iovec arrays, msghdrs, futex_waitv arrays written without
 * {@link Iovecs} or {@link Msghdr}) holds whatever pointers the caller stored: the helpers
 * check its size, not the addresses inside it.
 *
 * <p><b>Memory lifetime.</b> A helper that takes a {@link MemorySegment} records only its
 * address. The segment must stay alive until the request's completion (for inputs such as
 * timespecs, iovecs, msghdrs and sockaddrs, until the submitting enter returns when the ring
 * has {@link Feature#SUBMIT_STABLE} and no SQPOLL; until completion otherwise). Heap segments are
 * refused: the kernel can only address native memory. Read-only segments are refused wherever the
 * kernel writes.
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
    /** True from {@link #clear()} until an optional field is written: prepRw has nothing to clear. */
    private boolean optionalClear;
    private UncheckedSqe unchecked;

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
        optionalClear = true;
    }

    /** Eight 8-byte words from {@code at}: raw words, not fields, hence the literal offsets. */
    private void clear64(long at) {
        MemorySegment s = sqes;
        s.set(U64, at, 0L);
        s.set(U64, at + 8, 0L); // word 1, not a field offset
        s.set(U64, at + 16, 0L); // word 2, not a field offset
        s.set(U64, at + 24, 0L); // word 3, not a field offset
        s.set(U64, at + 32, 0L); // word 4, not a field offset
        s.set(U64, at + 40, 0L); // word 5, not a field offset
        s.set(U64, at + 48, 0L); // word 6, not a field offset
        s.set(U64, at + 56, 0L); // word 7, not a field offset
    }

    // ---- raw writers: the prep helpers and UncheckedSqe only ----

    /**
     * Port of liburing's {@code io_uring_prep_rw}: the fields every request has. All other prep
     * helpers start here. Clears ioprio, the op flags, buf_index, personality, file_index and
     * the command area if anything wrote them since {@link #clear()}, so no field of an earlier
     * preparation of this entry survives into a request it was not checked for.
     */
    Sqe prepRw(Opcode op, int fd, long addr, int len, long off) {
        MemorySegment s = sqes;
        if (!optionalClear) {
            s.set(U16, base + SQE_IOPRIO, (short) 0);
            s.set(U32, base + SQE_OP_FLAGS, 0);
            s.set(U64, base + SQE_BUF_INDEX, 0L); // buf_index, personality, file_index
            s.set(U64, base + SQE_ADDR3, 0L);
            s.set(U64, base + SQE_PAD2, 0L);
            if (size == 128) {
                clear64(base + 64);
            }
            optionalClear = true;
        }
        s.set(JAVA_BYTE, base + SQE_OPCODE, (byte) op.code());
        s.set(U32, base + SQE_FD, fd);
        s.set(U64, base + SQE_OFF, off);
        s.set(U64, base + SQE_ADDR, addr);
        s.set(U32, base + SQE_LEN, len);
        return this;
    }

    /** {@code off} / {@code addr2} / {@code cmd_op}. */
    Sqe off(long off) {
        sqes.set(U64, base + SQE_OFF, off);
        return this;
    }

    /** {@code addr} / {@code splice_off_in} / {@code level, optname}. */
    Sqe addr(long addr) {
        sqes.set(U64, base + SQE_ADDR, addr);
        return this;
    }

    Sqe len(int len) {
        sqes.set(U32, base + SQE_LEN, len);
        return this;
    }

    /** {@code file_index} / {@code splice_fd_in} / {@code optlen}: the 32-bit word at 44. */
    Sqe fileIndex(int value) {
        optionalClear = false;
        sqes.set(U32, base + SQE_FILE_INDEX, value);
        return this;
    }

    /** {@code addr3} / {@code optval}. */
    Sqe addr3(long addr3) {
        optionalClear = false;
        sqes.set(U64, base + SQE_ADDR3, addr3);
        return this;
    }

    Sqe rawFd(int fd) {
        sqes.set(U32, base + SQE_FD, fd);
        return this;
    }

    Sqe rawIoprio(int ioprio) {
        optionalClear = false;
        sqes.set(U16, base + SQE_IOPRIO, (short) ioprio);
        return this;
    }

    /** The command area {@code cmd[]} at 48: 16 bytes, or 80 with SQE128; aliases the ring. */
    MemorySegment cmdArea() {
        optionalClear = false;
        return sqes.asSlice(base + SQE_CMD, size - SQE_CMD);
    }

    // ---- optional fields, chained ----

    /**
     * The raw view of this entry, for fields and values no checked helper writes. Its caller
     * takes over the kernel's memory contract; see {@link UncheckedSqe}. The view is made once per
     * ring slot and shares this entry's validity.
     *
     * @return the unchecked view of this entry
     */
    public UncheckedSqe unchecked() {
        UncheckedSqe u = unchecked;
        if (u == null) {
            unchecked = u = new UncheckedSqe(this);
        }
        return u;
    }

    /**
     * Sets {@code user_data}: the value the kernel copies into this request's CQE(s), to tell
     * completions apart. Kept by the prep helpers, so it may be set before or after one.
     *
     * @param userData any 64-bit value
     * @return this entry, for chaining
     */
    public Sqe userData(long userData) {
        sqes.set(U64, base + SQE_USER_DATA, userData);
        return this;
    }

    /**
     * Adds one IOSQE_* flag to those already set. For {@link SqeFlag#FIXED_FILE} prefer
     * {@link #fixedFile}, which also writes the index and checks the opcode.
     *
     * @param flag the flag to add
     * @return this entry, for chaining
     */
    public Sqe flag(SqeFlag flag) {
        byte old = sqes.get(JAVA_BYTE, base + SQE_FLAGS);
        sqes.set(JAVA_BYTE, base + SQE_FLAGS, (byte) (old | flag.mask()));
        return this;
    }

    /**
     * Targets a registered file: writes {@code index} as the fd and sets IOSQE_FIXED_FILE, so a
     * table index can never be mistaken for an fd. Call after the prep helper.
     *
     * @param index the slot in the registered file table ({@code >= 0})
     * @return this entry, for chaining
     * @throws IllegalArgumentException if {@code index} is negative, or the opcode does not
     *                                  resolve {@code sqe->fd} as a file (see {@link Opcode#fileKind()})
     */
    public Sqe fixedFile(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("a registered file index is >= 0, given " + index);
        }
        Opcode op = Opcode.of(opcode());
        if (op.fileKind() != Opcode.FileKind.FIXABLE) {
            throw new IllegalArgumentException("fixedFile: " + op.kernelName() + " does not take a registered file in sqe->fd"
                    + " (its fd word is " + (op.fileKind() == Opcode.FileKind.FD ? "a plain descriptor" : "not a file") + ")");
        }
        sqes.set(U32, base + SQE_FD, index);
        return flag(SqeFlag.FIXED_FILE);
    }

    /**
     * Replaces the IOSQE_* flags with a mask built from {@link SqeFlag#mask()}s.
     *
     * @param sqeFlagMask the new flags byte (0..255)
     * @return this entry, for chaining
     * @throws IllegalArgumentException if {@code sqeFlagMask} has bits beyond the low 8
     */
    public Sqe flags(int sqeFlagMask) {
        if ((sqeFlagMask & ~0xFF) != 0) {
            throw new IllegalArgumentException("IOSQE flags fit in 8 bits, given 0x" + Integer.toHexString(sqeFlagMask));
        }
        sqes.set(JAVA_BYTE, base + SQE_FLAGS, (byte) sqeFlagMask);
        return this;
    }

    /**
     * {@code ioprio}: the I/O priority, or the op-specific flags of send/recv/accept/zero-copy.
     *
     * @param ioprio an ioprio_set(2) priority, or {@code IORING_RECVSEND_*} / {@code IORING_ACCEPT_*}
     *               flags (16 bits)
     * @return this entry, for chaining
     * @throws IllegalArgumentException for {@link SendRecvOps#SEND_VECTORIZED} on SEND or
     *                                  SEND_ZC (it would make the kernel follow the raw contents of
     *                                  the checked buffer as iovecs), or a value beyond 16 bits
     */
    public Sqe ioprio(int ioprio) {
        if ((ioprio & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("ioprio is 16 bits, given 0x" + Integer.toHexString(ioprio));
        }
        if ((ioprio & SendRecvOps.SEND_VECTORIZED) != 0) {
            int op = opcode();
            if (op == Opcode.SEND.code() || op == Opcode.SEND_ZC.code()) {
                throw new IllegalArgumentException("IORING_SEND_VECTORIZED makes " + Opcode.of(op).kernelName()
                        + " read its buffer as raw iovecs, which no helper checks: use sendmsg, or unchecked().ioprio(...)");
            }
        }
        return rawIoprio(ioprio);
    }

    /**
     * Replaces {@code sqe->fd}. For a registered file use {@link #fixedFile}.
     *
     * @param fd the new file descriptor
     * @return this entry, for chaining
     * @throws IllegalArgumentException on PROVIDE_BUFFERS, FUTEX_WAIT and FUTEX_WAKE, whose fd
     *                                  word is the buffer count or futex size the helper checked
     *                                  against memory (prepare the request again instead)
     */
    public Sqe fd(int fd) {
        int op = opcode();
        if (op == Opcode.PROVIDE_BUFFERS.code() || op == Opcode.FUTEX_WAIT.code() || op == Opcode.FUTEX_WAKE.code()) {
            throw new IllegalArgumentException("fd: the fd word of " + Opcode.of(op).kernelName()
                    + " is a count or size its helper checked against memory; prepare the request again, given " + fd);
        }
        return rawFd(fd);
    }

    /**
     * The op-specific flags word at offset 28: {@code rw_flags}, {@code fsync_flags},
     * {@code poll32_events}, {@code msg_flags}, {@code timeout_flags}, {@code accept_flags},
     * {@code cancel_flags}, {@code open_flags}, {@code statx_flags}, … (one union in the kernel).
     * A prep helper writes it too; this replaces that value.
     *
     * @param flags the opcode's flags word
     * @return this entry, for chaining
     */
    public Sqe opFlags(int flags) {
        optionalClear = false;
        sqes.set(U32, base + SQE_OP_FLAGS, flags);
        return this;
    }

    /**
     * Sets {@code buf_index}: the registered buffer for *_FIXED requests. The kernel checks the
     * transfer lies inside that buffer.
     *
     * @param index the buffer's slot in the registered buffer table (0..65535)
     * @return this entry, for chaining
     * @throws IllegalArgumentException if {@code index} is outside 0..65535
     */
    public Sqe bufIndex(int index) {
        optionalClear = false;
        sqes.set(U16, base + SQE_BUF_INDEX, (short) u16(index, "bufIndex"));
        return this;
    }

    /**
     * Sets {@code buf_group}: the provided-buffer group for BUFFER_SELECT (same field as buf_index).
     *
     * @param group the buffer group id (0..65535)
     * @return this entry, for chaining
     * @throws IllegalArgumentException if {@code group} is outside 0..65535
     */
    public Sqe bufGroup(int group) {
        return bufIndex(u16(group, "bufGroup"));
    }

    /**
     * Sets {@code personality}: the request runs with credentials registered with
     * {@link Registration#registerPersonality()}.
     *
     * @param personality the personality id (0..65535; 0: the submitter's own credentials)
     * @return this entry, for chaining
     * @throws IllegalArgumentException if {@code personality} is outside 0..65535
     */
    public Sqe personality(int personality) {
        optionalClear = false;
        sqes.set(U16, base + SQE_PERSONALITY, (short) u16(personality, "personality"));
        return this;
    }

    // ---- getters, for tests and tracing ----

    /**
     * Reads {@code opcode}.
     *
     * @return the opcode byte, unsigned ({@link Opcode#code()})
     */
    public int opcode() {
        return Byte.toUnsignedInt(sqes.get(JAVA_BYTE, base + SQE_OPCODE));
    }

    /**
     * Reads {@code flags}.
     *
     * @return the IOSQE_* flags byte, unsigned
     */
    public int flagsMask() {
        return Byte.toUnsignedInt(sqes.get(JAVA_BYTE, base + SQE_FLAGS));
    }

    /**
     * Reads {@code user_data}.
     *
     * @return the value set by {@link #userData(long)}
     */
    public long userData() {
        return sqes.get(U64, base + SQE_USER_DATA);
    }

    /**
     * Reads {@code fd}.
     *
     * @return the fd word: a descriptor, a registered-file index, or the opcode's own value
     */
    public int getFd() {
        return sqes.get(U32, base + SQE_FD);
    }

    /**
     * Reads {@code addr}.
     *
     * @return the address (or the opcode's own value) a prep helper wrote
     */
    public long getAddr() {
        return sqes.get(U64, base + SQE_ADDR);
    }

    /**
     * Reads {@code len}.
     *
     * @return the length (or the opcode's own value) a prep helper wrote
     */
    public int getLen() {
        return sqes.get(U32, base + SQE_LEN);
    }

    /**
     * Reads {@code off} / {@code addr2}.
     *
     * @return the offset (or second address) a prep helper wrote
     */
    public long getOff() {
        return sqes.get(U64, base + SQE_OFF);
    }

    /**
     * Reads the op-specific flags word at offset 28.
     *
     * @return the value {@link #opFlags(int)} or a prep helper wrote
     */
    public int getOpFlags() {
        return sqes.get(U32, base + SQE_OP_FLAGS);
    }

    /**
     * Reads {@code ioprio}.
     *
     * @return the 16-bit field, unsigned
     */
    public int getIoprio() {
        return Short.toUnsignedInt(sqes.get(U16, base + SQE_IOPRIO));
    }

    /**
     * The size of this entry.
     *
     * @return 64, or 128 with SQE128
     */
    public long byteSize() {
        return size;
    }

    // ---- shared argument checks for the prep helpers ----

    /** The address of a native segment the kernel will access; refuses heap segments. */
    static long address(MemorySegment segment, String what) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException(what + " must be a native segment (the kernel cannot address the Java heap), given " + segment);
        }
        if (!segment.scope().isAlive()) {
            // its memory may already be reused: the kernel would read or write whatever lives there now
            throw new IllegalStateException(what + " belongs to an arena that is already closed, given " + segment);
        }
        return segment.address();
    }

    /** {@link #address} of a segment the kernel writes into: refuses read-only segments too. */
    static long writableAddress(MemorySegment segment, String what) {
        writable(segment, what);
        return address(segment, what);
    }

    /** Refuses a read-only segment as a target the kernel writes into. */
    static void writable(MemorySegment segment, String what) {
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException(what + " must be writable (the kernel writes into it), given a read-only segment");
        }
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

    /**
     * The address of bytes {@code [offset, offset + nbytes)} of a native segment, with
     * {@link java.util.Objects#checkFromIndexSize} semantics over exactly those bytes; allocates
     * nothing unless it throws.
     *
     * @throws IndexOutOfBoundsException naming the offset, count and segment size
     */
    static long range(MemorySegment segment, long offset, int nbytes, String what) {
        long size = segment.byteSize();
        if ((offset | nbytes) < 0 || offset > size - nbytes) {
            throw new IndexOutOfBoundsException(what + ": bytes [" + offset + ", " + offset + " + " + nbytes
                    + ") must lie within the segment of " + size + " bytes");
        }
        return address(segment, what) + offset;
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

    /** {@link #struct} the kernel writes into: refuses read-only segments too. */
    static long writableStruct(MemorySegment segment, long required, String what) {
        writable(segment, what);
        return struct(segment, required, what);
    }
}
