package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers for reading and writing files and other fds, and for moving bytes between them
 * (splice, tee). Implemented only by {@link Sqe}.
 *
 * <p><b>Lifetimes</b> (io_uring(7), "SQE pointer lifetimes"). "Until completion": until the request's CQE has
 * been seen. "Until submitted": until the submitting enter returns, if the ring has
 * {@link Feature#SUBMIT_STABLE} and no SQPOLL; until completion otherwise. Data buffers, and
 * every buffer an iovec points at, live until completion; iovec arrays until submitted.
 */
public sealed interface FileOps permits Sqe {

    /* RWF_* flags for the rw_flags of the *v2 and *v_fixed helpers (see preadv2(2)). */
    int RWF_HIPRI = 1 << 0;
    int RWF_DSYNC = 1 << 1;
    int RWF_SYNC = 1 << 2;
    int RWF_NOWAIT = 1 << 3;
    int RWF_APPEND = 1 << 4;
    int RWF_NOAPPEND = 1 << 5;
    int RWF_ATOMIC = 1 << 6;
    int RWF_DONTCACHE = 1 << 7;

    /* splice_flags (see splice(2)), plus io_uring's SPLICE_F_FD_IN_FIXED. */
    int SPLICE_F_MOVE = 1 << 0;
    int SPLICE_F_NONBLOCK = 1 << 1;
    int SPLICE_F_MORE = 1 << 2;
    /** The input fd of splice/tee is a registered-file index. */
    int SPLICE_F_FD_IN_FIXED = 1 << 31;

    /* ---- kernel 5.1 ---- */

    /**
     * Equivalent to {@code io_uring_prep_readv(3)}; kernel 5.1. Reads into the {@code nrVecs}
     * buffers of the iovec array {@code iovecs} (see {@link Iovecs}) at {@code offset}
     * ({@code -1}: the file position). {@code iovecs}: until submitted; its buffers: until
     * completion.
     */
    @Prep(value = Opcode.READV, liburing = "io_uring_prep_readv")
    default Sqe prepReadv(int fd, MemorySegment iovecs, int nrVecs, long offset) {
        long addr = iovecArray(iovecs, nrVecs, "prepReadv iovecs");
        Iovecs.requireWritableBuffers(iovecs, nrVecs, "prepReadv iovecs");
        return sqe().prepRw(Opcode.READV, fd, addr, nrVecs, offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_readv2(3)}; kernel 5.1. {@link #prepReadv} with
     * {@code RWF_*} flags in {@code rw_flags}. {@code iovecs}: until submitted; its buffers:
     * until completion.
     */
    @Prep(value = Opcode.READV, liburing = "io_uring_prep_readv2")
    default Sqe prepReadv2(int fd, MemorySegment iovecs, int nrVecs, long offset, int rwFlags) {
        return prepReadv(fd, iovecs, nrVecs, offset).opFlags(rwFlags);
    }

    /**
     * Equivalent to {@code io_uring_prep_writev(3)}; kernel 5.1. Writes the {@code nrVecs}
     * buffers of {@code iovecs} at {@code offset} ({@code -1}: the file position).
     * {@code iovecs}: until submitted; its buffers: until completion.
     */
    @Prep(value = Opcode.WRITEV, liburing = "io_uring_prep_writev")
    default Sqe prepWritev(int fd, MemorySegment iovecs, int nrVecs, long offset) {
        return sqe().prepRw(Opcode.WRITEV, fd, iovecArray(iovecs, nrVecs, "prepWritev iovecs"), nrVecs, offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_writev2(3)}; kernel 5.1. {@link #prepWritev} with
     * {@code RWF_*} flags in {@code rw_flags}. {@code iovecs}: until submitted; its buffers:
     * until completion.
     */
    @Prep(value = Opcode.WRITEV, liburing = "io_uring_prep_writev2")
    default Sqe prepWritev2(int fd, MemorySegment iovecs, int nrVecs, long offset, int rwFlags) {
        return prepWritev(fd, iovecs, nrVecs, offset).opFlags(rwFlags);
    }

    /**
     * Equivalent to {@code io_uring_prep_read_fixed(3)}; kernel 5.1. Reads into {@code buf},
     * which must lie inside registered buffer {@code bufIndex} and be writable; {@code buf}:
     * until completion.
     */
    @Prep(value = Opcode.READ_FIXED, liburing = "io_uring_prep_read_fixed")
    default Sqe prepReadFixed(int fd, MemorySegment buf, long offset, int bufIndex) {
        return prepReadFixed(fd, buf, buf.byteSize(), offset, bufIndex);
    }

    /**
     * Equivalent to {@code io_uring_prep_read_fixed(3)}; kernel 5.1. As
     * {@link #prepReadFixed(int, MemorySegment, long, int)}, for the first {@code nbytes} of {@code buf}.
     */
    @Prep(value = Opcode.READ_FIXED, liburing = "io_uring_prep_read_fixed")
    default Sqe prepReadFixed(int fd, MemorySegment buf, long nbytes, long offset, int bufIndex) {
        int len = Sqe.length(buf, nbytes, "prepReadFixed buffer");
        int index = Sqe.u16(bufIndex, "prepReadFixed buf_index");
        return sqe().prepRw(Opcode.READ_FIXED, fd, Sqe.writableAddress(buf, "prepReadFixed buffer"), len, offset)
                .bufIndex(index);
    }

    /**
     * Equivalent to {@code io_uring_prep_write_fixed(3)}; kernel 5.1. Writes {@code buf}, which
     * must lie inside registered buffer {@code bufIndex}; {@code buf}: until completion.
     */
    @Prep(value = Opcode.WRITE_FIXED, liburing = "io_uring_prep_write_fixed")
    default Sqe prepWriteFixed(int fd, MemorySegment buf, long offset, int bufIndex) {
        return prepWriteFixed(fd, buf, buf.byteSize(), offset, bufIndex);
    }

    /**
     * Equivalent to {@code io_uring_prep_write_fixed(3)}; kernel 5.1. As
     * {@link #prepWriteFixed(int, MemorySegment, long, int)}, for the first {@code nbytes} of {@code buf}.
     */
    @Prep(value = Opcode.WRITE_FIXED, liburing = "io_uring_prep_write_fixed")
    default Sqe prepWriteFixed(int fd, MemorySegment buf, long nbytes, long offset, int bufIndex) {
        int len = Sqe.length(buf, nbytes, "prepWriteFixed buffer");
        int index = Sqe.u16(bufIndex, "prepWriteFixed buf_index");
        return sqe().prepRw(Opcode.WRITE_FIXED, fd, Sqe.address(buf, "prepWriteFixed buffer"), len, offset)
                .bufIndex(index);
    }

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_read(3)}; kernel 5.6. Reads up to
     * {@code buf.byteSize()} bytes at {@code offset} ({@code -1}: the file position);
     * {@code buf} must be writable and live until completion.
     */
    @Prep(value = Opcode.READ, liburing = "io_uring_prep_read")
    default Sqe prepRead(int fd, MemorySegment buf, long offset) {
        return prepRead(fd, buf, buf.byteSize(), offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_read(3)}; kernel 5.6. As
     * {@link #prepRead(int, MemorySegment, long)}, for the first {@code nbytes} of {@code buf}.
     */
    @Prep(value = Opcode.READ, liburing = "io_uring_prep_read")
    default Sqe prepRead(int fd, MemorySegment buf, long nbytes, long offset) {
        int len = Sqe.length(buf, nbytes, "prepRead buffer");
        return sqe().prepRw(Opcode.READ, fd, Sqe.writableAddress(buf, "prepRead buffer"), len, offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_read(3)}; kernel 5.6. Reads up to {@code nbytes} into
     * {@code buf} from byte {@code bufOffset} on, at file offset {@code fileOffset} ({@code -1}:
     * the file position): a read into part of a segment without slicing it (allocates nothing).
     *
     * @throws IndexOutOfBoundsException unless {@code [bufOffset, bufOffset + nbytes)} lies in {@code buf}
     */
    @Prep(value = Opcode.READ, liburing = "io_uring_prep_read")
    default Sqe prepRead(int fd, MemorySegment buf, long bufOffset, int nbytes, long fileOffset) {
        Sqe.writable(buf, "prepRead buffer");
        long addr = Sqe.range(buf, bufOffset, nbytes, "prepRead buffer");
        return sqe().prepRw(Opcode.READ, fd, addr, nbytes, fileOffset);
    }

    /**
     * Equivalent to {@code io_uring_prep_write(3)}; kernel 5.6. Writes {@code buf.byteSize()}
     * bytes at {@code offset} ({@code -1}: the file position); {@code buf}: until completion.
     */
    @Prep(value = Opcode.WRITE, liburing = "io_uring_prep_write")
    default Sqe prepWrite(int fd, MemorySegment buf, long offset) {
        return prepWrite(fd, buf, buf.byteSize(), offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_write(3)}; kernel 5.6. As
     * {@link #prepWrite(int, MemorySegment, long)}, for the first {@code nbytes} of {@code buf}.
     */
    @Prep(value = Opcode.WRITE, liburing = "io_uring_prep_write")
    default Sqe prepWrite(int fd, MemorySegment buf, long nbytes, long offset) {
        int len = Sqe.length(buf, nbytes, "prepWrite buffer");
        return sqe().prepRw(Opcode.WRITE, fd, Sqe.address(buf, "prepWrite buffer"), len, offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_write(3)}; kernel 5.6. Writes the {@code nbytes} bytes
     * of {@code buf} from byte {@code bufOffset} on, at file offset {@code fileOffset}
     * ({@code -1}: the file position), without slicing the segment (allocates nothing).
     *
     * @throws IndexOutOfBoundsException unless {@code [bufOffset, bufOffset + nbytes)} lies in {@code buf}
     */
    @Prep(value = Opcode.WRITE, liburing = "io_uring_prep_write")
    default Sqe prepWrite(int fd, MemorySegment buf, long bufOffset, int nbytes, long fileOffset) {
        long addr = Sqe.range(buf, bufOffset, nbytes, "prepWrite buffer");
        return sqe().prepRw(Opcode.WRITE, fd, addr, nbytes, fileOffset);
    }

    /* ---- kernel 5.7 ---- */

    /**
     * Equivalent to {@code io_uring_prep_splice(3)}; kernel 5.7. Moves up to {@code nbytes}
     * from {@code fdIn} at {@code offIn} to {@code fdOut} at {@code offOut}; one side must be a
     * pipe, whose offset must be {@code -1} ({@code -1} on a file: its file position).
     * {@link #SPLICE_F_FD_IN_FIXED} marks {@code fdIn} as a registered index; use
     * {@link Sqe#fixedFile} for {@code fdOut}. No user memory is involved.
     */
    @Prep(value = Opcode.SPLICE, liburing = "io_uring_prep_splice")
    default Sqe prepSplice(int fdIn, long offIn, int fdOut, long offOut, int nbytes, int spliceFlags) {
        nonNegative(nbytes, "prepSplice nbytes");
        return sqe().prepRw(Opcode.SPLICE, fdOut, 0, nbytes, offOut)
                .addr(offIn) // splice_off_in shares the addr field
                .fileIndex(fdIn) // splice_fd_in shares the file_index field
                .opFlags(spliceFlags);
    }

    /* ---- kernel 5.8 ---- */

    /**
     * Equivalent to {@code io_uring_prep_tee(3)}; kernel 5.8. Duplicates up to {@code nbytes}
     * from pipe {@code fdIn} into pipe {@code fdOut} without consuming them. No user memory is
     * involved.
     */
    @Prep(value = Opcode.TEE, liburing = "io_uring_prep_tee")
    default Sqe prepTee(int fdIn, int fdOut, int nbytes, int spliceFlags) {
        nonNegative(nbytes, "prepTee nbytes");
        return sqe().prepRw(Opcode.TEE, fdOut, 0, nbytes, 0)
                .fileIndex(fdIn)
                .opFlags(spliceFlags);
    }

    /* ---- kernel 6.7 ---- */

    /**
     * Equivalent to {@code io_uring_prep_read_multishot(3)}; kernel 6.7. Reads from a pollable
     * fd (pipe, tun, …; a regular file fails with -EBADFD) into buffers picked from provided
     * buffer group {@code bufGroup}, posting a CQE (flagged {@link CqeFlag#MORE} while it
     * continues) each time data arrives. {@code nbytes} 0 means the buffer's size; sets
     * {@link SqeFlag#BUFFER_SELECT}. The buffers must stay provided until they come back in a CQE.
     */
    @Prep(value = Opcode.READ_MULTISHOT, liburing = "io_uring_prep_read_multishot")
    default Sqe prepReadMultishot(int fd, int nbytes, long offset, int bufGroup) {
        nonNegative(nbytes, "prepReadMultishot nbytes");
        int group = Sqe.u16(bufGroup, "prepReadMultishot buf_group");
        return sqe().prepRw(Opcode.READ_MULTISHOT, fd, 0, nbytes, offset)
                .bufGroup(group)
                .flag(SqeFlag.BUFFER_SELECT);
    }

    /* ---- kernel 6.15 ---- */

    /**
     * Equivalent to {@code io_uring_prep_readv_fixed(3)}; kernel 6.15. {@link #prepReadv2} whose
     * buffers all lie inside registered buffer {@code bufIndex}. {@code iovecs}: until
     * submitted; its buffers: until completion.
     */
    @Prep(value = Opcode.READV_FIXED, liburing = "io_uring_prep_readv_fixed")
    default Sqe prepReadvFixed(int fd, MemorySegment iovecs, int nrVecs, long offset, int rwFlags, int bufIndex) {
        int index = Sqe.u16(bufIndex, "prepReadvFixed buf_index");
        long addr = iovecArray(iovecs, nrVecs, "prepReadvFixed iovecs");
        Iovecs.requireWritableBuffers(iovecs, nrVecs, "prepReadvFixed iovecs");
        return sqe().prepRw(Opcode.READV_FIXED, fd, addr, nrVecs, offset).opFlags(rwFlags).bufIndex(index);
    }

    /**
     * Equivalent to {@code io_uring_prep_writev_fixed(3)}; kernel 6.15. {@link #prepWritev2} whose
     * buffers all lie inside registered buffer {@code bufIndex}. {@code iovecs}: until
     * submitted; its buffers: until completion.
     */
    @Prep(value = Opcode.WRITEV_FIXED, liburing = "io_uring_prep_writev_fixed")
    default Sqe prepWritevFixed(int fd, MemorySegment iovecs, int nrVecs, long offset, int rwFlags, int bufIndex) {
        int index = Sqe.u16(bufIndex, "prepWritevFixed buf_index");
        long addr = iovecArray(iovecs, nrVecs, "prepWritevFixed iovecs");
        return sqe().prepRw(Opcode.WRITEV_FIXED, fd, addr, nrVecs, offset).opFlags(rwFlags).bufIndex(index);
    }

    /** The address of an iovec array that must hold {@code nrVecs} entries. */
    private static long iovecArray(MemorySegment iovecs, int nrVecs, String what) {
        if (nrVecs < 0) {
            throw new IllegalArgumentException(what + ": the iovec count must be >= 0, given " + nrVecs);
        }
        return Sqe.struct(iovecs, nrVecs * Iovecs.BYTES, what); // what is a constant: no allocation
    }

    private static void nonNegative(int value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, given " + value);
        }
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
