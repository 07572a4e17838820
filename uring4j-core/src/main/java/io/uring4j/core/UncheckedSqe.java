package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * The raw, <b>unchecked</b> field setters of one SQE ({@link Sqe#unchecked()}), for opcodes,
 * flags and field values no checked prep helper writes (a driver's URING_CMD payload, a new
 * kernel's opcode, {@code IORING_SEND_VECTORIZED}, …).
 *
 * <p><b>The caller takes over the kernel's memory contract.</b> Nothing written here is checked:
 * every address put into {@code addr}, {@code off}/{@code addr2}, {@code addr3} or the command
 * area, together with every length in {@code len} or {@code file_index}, must describe memory
 * that is mapped, large enough, writable where the kernel writes, and stays valid until the
 * request's completion (its last CQE; for zero-copy sends its notification). A wrong value here
 * makes the kernel read or overwrite arbitrary memory of this process: the JVM may crash or
 * silently corrupt its heap. Prefer the checked helpers of {@link Sqe} whenever one exists.
 *
 * <p>This view shares its entry's validity and threading rules: it may be used from
 * {@link IoUring#getSqe()} until the next submit, by the thread that owns the ring. Writing a
 * field here after a prep helper changes the request that helper prepared; a later prep helper on
 * the same entry clears the optional fields again. {@link #sqe()} goes back to the checked view.
 */
public final class UncheckedSqe {
    private final Sqe sqe;

    UncheckedSqe(Sqe sqe) {
        this.sqe = sqe;
    }

    /**
     * The checked view of the same entry, e.g. to add {@link Sqe#userData} or flags.
     *
     * @return the {@link Sqe} this view writes
     */
    public Sqe sqe() {
        return sqe;
    }

    /**
     * Port of liburing's {@code io_uring_prep_rw}: writes opcode, fd, addr, len and off as given
     * (and clears the optional fields an earlier preparation of this entry wrote).
     *
     * @param op   the opcode
     * @param fd   the raw fd word
     * @param addr the raw {@code addr}: an address the kernel will follow, or a value
     * @param len  the raw {@code len}
     * @param off  the raw {@code off} / {@code addr2}
     * @return this view, for chaining
     */
    public UncheckedSqe prepRw(Opcode op, int fd, long addr, int len, long off) {
        sqe.prepRw(op, fd, addr, len, off);
        return this;
    }

    /**
     * {@code addr} / {@code splice_off_in} / {@code level, optname}: a raw address or value.
     *
     * @param addr the 64-bit value to write
     * @return this view, for chaining
     */
    public UncheckedSqe addr(long addr) {
        sqe.addr(addr);
        return this;
    }

    /**
     * {@code len}: a raw byte count, iovec count or op-specific value.
     *
     * @param len the 32-bit value to write
     * @return this view, for chaining
     */
    public UncheckedSqe len(int len) {
        sqe.len(len);
        return this;
    }

    /**
     * {@code off} / {@code addr2} / {@code cmd_op}: a raw offset, address or value.
     *
     * @param off the 64-bit value to write
     * @return this view, for chaining
     */
    public UncheckedSqe off(long off) {
        sqe.off(off);
        return this;
    }

    /**
     * {@code addr3} / {@code optval}: a raw address or value.
     *
     * @param addr3 the 64-bit value to write
     * @return this view, for chaining
     */
    public UncheckedSqe addr3(long addr3) {
        sqe.addr3(addr3);
        return this;
    }

    /**
     * {@code file_index} / {@code splice_fd_in} / {@code optlen} / {@code addr_len}: the raw 32-bit word at 44.
     *
     * @param value the 32-bit value to write
     * @return this view, for chaining
     */
    public UncheckedSqe fileIndex(int value) {
        sqe.fileIndex(value);
        return this;
    }

    /**
     * {@code fd}, with no check of what the opcode makes of it (a count, a size, a pid, …).
     *
     * @param fd the 32-bit value to write
     * @return this view, for chaining
     */
    public UncheckedSqe fd(int fd) {
        sqe.rawFd(fd);
        return this;
    }

    /**
     * {@code ioprio}, any 16-bit value, {@code IORING_SEND_VECTORIZED} included.
     *
     * @param ioprio the value to write; only its low 16 bits are stored
     * @return this view, for chaining
     */
    public UncheckedSqe ioprio(int ioprio) {
        sqe.rawIoprio(ioprio);
        return this;
    }

    /**
     * The command area {@code cmd[]} at offset 48, for URING_CMD: 16 bytes, or 80 with SQE128.
     * The slice aliases the ring: it is valid while this SQE is, and whatever addresses a driver
     * reads from it are the caller's responsibility.
     *
     * @return a slice of the ring's SQE memory: the command bytes of this entry
     */
    public MemorySegment cmd() {
        return sqe.cmdArea();
    }
}
