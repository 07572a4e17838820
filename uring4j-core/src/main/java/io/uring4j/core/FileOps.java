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
    /**
     * {@code RWF_HIPRI}: a high-priority request; the kernel may poll for its completion instead
     * of waiting for an interrupt (useful on an {@link SetupFlag#IOPOLL} ring). Linux 4.6.
     */
    int RWF_HIPRI = 1 << 0;
    /** {@code RWF_DSYNC}: this write alone behaves as if the file were opened with {@code O_DSYNC}. Linux 4.7. */
    int RWF_DSYNC = 1 << 1;
    /** {@code RWF_SYNC}: this write alone behaves as if the file were opened with {@code O_SYNC}. Linux 4.7. */
    int RWF_SYNC = 1 << 2;
    /**
     * {@code RWF_NOWAIT}: fail with {@code -EAGAIN} instead of waiting when the data is not
     * immediately available (reads) or the write would block. Linux 4.14.
     */
    int RWF_NOWAIT = 1 << 3;
    /** {@code RWF_APPEND}: this write alone appends, as with {@code O_APPEND}; the offset is ignored. Linux 4.16. */
    int RWF_APPEND = 1 << 4;
    /** {@code RWF_NOAPPEND}: this write honours its offset even on a file opened with {@code O_APPEND}. Linux 6.9. */
    int RWF_NOAPPEND = 1 << 5;
    /**
     * {@code RWF_ATOMIC}: the write is done whole or not at all (no torn writes), within the
     * atomic-write limits {@code statx} reports for the file. Linux 6.11.
     */
    int RWF_ATOMIC = 1 << 6;
    /**
     * {@code RWF_DONTCACHE}: buffered I/O whose page-cache pages are dropped once the transfer
     * (and, for writes, the writeback) is done. Linux 6.14.
     */
    int RWF_DONTCACHE = 1 << 7;

    /* splice_flags (see splice(2)), plus io_uring's SPLICE_F_FD_IN_FIXED. */
    /** {@code SPLICE_F_MOVE}: a hint to move pages rather than copy them (the kernel currently ignores it). */
    int SPLICE_F_MOVE = 1 << 0;
    /** {@code SPLICE_F_NONBLOCK}: do not block on the pipe (the other fd may still block). */
    int SPLICE_F_NONBLOCK = 1 << 1;
    /** {@code SPLICE_F_MORE}: more data follows in a later splice; a hint for sockets, as {@code MSG_MORE}. */
    int SPLICE_F_MORE = 1 << 2;
    /** The input fd of splice/tee is a registered-file index. */
    int SPLICE_F_FD_IN_FIXED = 1 << 31;

    /* ---- kernel 5.1 ---- */

    /**
     * Equivalent to {@code io_uring_prep_readv(3)}; kernel 5.1. Reads into the {@code nrVecs}
     * buffers of the iovec array {@code iovecs} (see {@link Iovecs}) at {@code offset}
     * ({@code -1}: the file position). {@code iovecs}: until submitted; its buffers: until
     * completion. The CQE's {@code res} is the number of bytes read (0 at end of file), or
     * {@code -errno}.
     *
     * @param fd     the file descriptor to read from
     * @param iovecs the iovec array; the kernel writes into the buffers its entries point at
     * @param nrVecs how many entries of {@code iovecs} to use, from the first ({@code >= 0})
     * @param offset the file offset in bytes, or {@code -1} for the file position (which then advances)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nrVecs} is negative, {@code iovecs} is not a
     *                                  native segment or holds fewer than {@code nrVecs} entries,
     *                                  or one of those entries was {@link Iovecs#set} from a
     *                                  read-only segment (the kernel writes into the buffers)
     * @throws IllegalStateException    if the arena of {@code iovecs} is already closed
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
     *
     * @param fd      the file descriptor to read from
     * @param iovecs  the iovec array; the kernel writes into the buffers its entries point at
     * @param nrVecs  how many entries of {@code iovecs} to use, from the first ({@code >= 0})
     * @param offset  the file offset in bytes, or {@code -1} for the file position
     * @param rwFlags {@code RWF_*} flags ({@link #RWF_NOWAIT}, {@link #RWF_HIPRI}, …), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nrVecs} is negative, {@code iovecs} is not a
     *                                  native segment or holds fewer than {@code nrVecs} entries,
     *                                  or one of those entries was {@link Iovecs#set} from a
     *                                  read-only segment (the kernel writes into the buffers)
     * @throws IllegalStateException    if the arena of {@code iovecs} is already closed
     */
    @Prep(value = Opcode.READV, liburing = "io_uring_prep_readv2")
    default Sqe prepReadv2(int fd, MemorySegment iovecs, int nrVecs, long offset, int rwFlags) {
        return prepReadv(fd, iovecs, nrVecs, offset).opFlags(rwFlags);
    }

    /**
     * Equivalent to {@code io_uring_prep_writev(3)}; kernel 5.1. Writes the {@code nrVecs}
     * buffers of {@code iovecs} at {@code offset} ({@code -1}: the file position).
     * {@code iovecs}: until submitted; its buffers: until completion. The CQE's {@code res} is
     * the number of bytes written, or {@code -errno}.
     *
     * @param fd     the file descriptor to write to
     * @param iovecs the iovec array; the kernel only reads the buffers (they may be read-only)
     * @param nrVecs how many entries of {@code iovecs} to use, from the first ({@code >= 0})
     * @param offset the file offset in bytes, or {@code -1} for the file position (which then advances)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nrVecs} is negative, or {@code iovecs} is not a
     *                                  native segment or holds fewer than {@code nrVecs} entries
     * @throws IllegalStateException    if the arena of {@code iovecs} is already closed
     */
    @Prep(value = Opcode.WRITEV, liburing = "io_uring_prep_writev")
    default Sqe prepWritev(int fd, MemorySegment iovecs, int nrVecs, long offset) {
        return sqe().prepRw(Opcode.WRITEV, fd, iovecArray(iovecs, nrVecs, "prepWritev iovecs"), nrVecs, offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_writev2(3)}; kernel 5.1. {@link #prepWritev} with
     * {@code RWF_*} flags in {@code rw_flags}. {@code iovecs}: until submitted; its buffers:
     * until completion.
     *
     * @param fd      the file descriptor to write to
     * @param iovecs  the iovec array; the kernel only reads the buffers (they may be read-only)
     * @param nrVecs  how many entries of {@code iovecs} to use, from the first ({@code >= 0})
     * @param offset  the file offset in bytes, or {@code -1} for the file position
     * @param rwFlags {@code RWF_*} flags ({@link #RWF_DSYNC}, {@link #RWF_APPEND}, …), or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nrVecs} is negative, or {@code iovecs} is not a
     *                                  native segment or holds fewer than {@code nrVecs} entries
     * @throws IllegalStateException    if the arena of {@code iovecs} is already closed
     */
    @Prep(value = Opcode.WRITEV, liburing = "io_uring_prep_writev2")
    default Sqe prepWritev2(int fd, MemorySegment iovecs, int nrVecs, long offset, int rwFlags) {
        return prepWritev(fd, iovecs, nrVecs, offset).opFlags(rwFlags);
    }

    /**
     * Equivalent to {@code io_uring_prep_read_fixed(3)}; kernel 5.1. Reads into {@code buf},
     * which must lie inside registered buffer {@code bufIndex} and be writable; {@code buf}:
     * until completion. The kernel checks the bounds against the registered buffer (else
     * {@code -EFAULT}); the CQE's {@code res} is the number of bytes read, or {@code -errno}.
     *
     * @param fd       the file descriptor to read from
     * @param buf      the destination, all of it ({@code buf.byteSize()} bytes, at most
     *                 {@link Integer#MAX_VALUE}), inside registered buffer {@code bufIndex}
     * @param offset   the file offset in bytes, or {@code -1} for the file position
     * @param bufIndex the registered buffer's index in the buffer table (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code buf} is not a native segment, is read-only or is
     *                                  larger than {@link Integer#MAX_VALUE} bytes, or
     *                                  {@code bufIndex} is outside 0..65535
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.READ_FIXED, liburing = "io_uring_prep_read_fixed")
    default Sqe prepReadFixed(int fd, MemorySegment buf, long offset, int bufIndex) {
        return prepReadFixed(fd, buf, buf.byteSize(), offset, bufIndex);
    }

    /**
     * Equivalent to {@code io_uring_prep_read_fixed(3)}; kernel 5.1. As
     * {@link #prepReadFixed(int, MemorySegment, long, int)}, for the first {@code nbytes} of {@code buf}.
     *
     * @param fd       the file descriptor to read from
     * @param buf      the destination, inside registered buffer {@code bufIndex}
     * @param nbytes   how many bytes to read at most: 0..{@code buf.byteSize()}, at most
     *                 {@link Integer#MAX_VALUE}
     * @param offset   the file offset in bytes, or {@code -1} for the file position
     * @param bufIndex the registered buffer's index in the buffer table (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nbytes} is out of range, {@code bufIndex} is
     *                                  outside 0..65535, or {@code buf} is not a native segment
     *                                  or is read-only
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
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
     * must lie inside registered buffer {@code bufIndex}; {@code buf}: until completion. The
     * kernel checks the bounds against the registered buffer (else {@code -EFAULT}); the CQE's
     * {@code res} is the number of bytes written, or {@code -errno}.
     *
     * @param fd       the file descriptor to write to
     * @param buf      the source, all of it ({@code buf.byteSize()} bytes, at most
     *                 {@link Integer#MAX_VALUE}), inside registered buffer {@code bufIndex}
     * @param offset   the file offset in bytes, or {@code -1} for the file position
     * @param bufIndex the registered buffer's index in the buffer table (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code buf} is not a native segment or is larger than
     *                                  {@link Integer#MAX_VALUE} bytes, or {@code bufIndex} is
     *                                  outside 0..65535
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.WRITE_FIXED, liburing = "io_uring_prep_write_fixed")
    default Sqe prepWriteFixed(int fd, MemorySegment buf, long offset, int bufIndex) {
        return prepWriteFixed(fd, buf, buf.byteSize(), offset, bufIndex);
    }

    /**
     * Equivalent to {@code io_uring_prep_write_fixed(3)}; kernel 5.1. As
     * {@link #prepWriteFixed(int, MemorySegment, long, int)}, for the first {@code nbytes} of {@code buf}.
     *
     * @param fd       the file descriptor to write to
     * @param buf      the source, inside registered buffer {@code bufIndex}
     * @param nbytes   how many bytes to write: 0..{@code buf.byteSize()}, at most
     *                 {@link Integer#MAX_VALUE}
     * @param offset   the file offset in bytes, or {@code -1} for the file position
     * @param bufIndex the registered buffer's index in the buffer table (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nbytes} is out of range, {@code bufIndex} is
     *                                  outside 0..65535, or {@code buf} is not a native segment
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
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
     * {@code buf} must be writable and live until completion. The CQE's {@code res} is the
     * number of bytes read (0 at end of file), or {@code -errno}.
     *
     * @param fd     the file descriptor to read from
     * @param buf    the destination, all of it (at most {@link Integer#MAX_VALUE} bytes)
     * @param offset the file offset in bytes, or {@code -1} for the file position (which then advances)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code buf} is not a native segment, is read-only or is
     *                                  larger than {@link Integer#MAX_VALUE} bytes
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.READ, liburing = "io_uring_prep_read")
    default Sqe prepRead(int fd, MemorySegment buf, long offset) {
        return prepRead(fd, buf, buf.byteSize(), offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_read(3)}; kernel 5.6. As
     * {@link #prepRead(int, MemorySegment, long)}, for the first {@code nbytes} of {@code buf}.
     *
     * @param fd     the file descriptor to read from
     * @param buf    the destination; the kernel writes its first {@code nbytes} bytes at most
     * @param nbytes how many bytes to read at most: 0..{@code buf.byteSize()}, at most
     *               {@link Integer#MAX_VALUE}
     * @param offset the file offset in bytes, or {@code -1} for the file position
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nbytes} is out of range, or {@code buf} is not a
     *                                  native segment or is read-only
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
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
     * @param fd         the file descriptor to read from
     * @param buf        the segment that holds the destination bytes; until completion
     * @param bufOffset  where in {@code buf} the destination starts, in bytes
     * @param nbytes     how many bytes to read at most ({@code >= 0})
     * @param fileOffset the file offset in bytes, or {@code -1} for the file position
     * @return this entry, for the optional setters
     * @throws IndexOutOfBoundsException unless {@code [bufOffset, bufOffset + nbytes)} lies in {@code buf}
     * @throws IllegalArgumentException  if {@code buf} is not a native segment or is read-only
     * @throws IllegalStateException     if the arena of {@code buf} is already closed
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
     * The CQE's {@code res} is the number of bytes written (possibly fewer), or {@code -errno}.
     *
     * @param fd     the file descriptor to write to
     * @param buf    the source, all of it (at most {@link Integer#MAX_VALUE} bytes; may be read-only)
     * @param offset the file offset in bytes, or {@code -1} for the file position (which then advances)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code buf} is not a native segment or is larger than
     *                                  {@link Integer#MAX_VALUE} bytes
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
     */
    @Prep(value = Opcode.WRITE, liburing = "io_uring_prep_write")
    default Sqe prepWrite(int fd, MemorySegment buf, long offset) {
        return prepWrite(fd, buf, buf.byteSize(), offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_write(3)}; kernel 5.6. As
     * {@link #prepWrite(int, MemorySegment, long)}, for the first {@code nbytes} of {@code buf}.
     *
     * @param fd     the file descriptor to write to
     * @param buf    the source; the kernel reads its first {@code nbytes} bytes
     * @param nbytes how many bytes to write: 0..{@code buf.byteSize()}, at most {@link Integer#MAX_VALUE}
     * @param offset the file offset in bytes, or {@code -1} for the file position
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nbytes} is out of range, or {@code buf} is not a
     *                                  native segment
     * @throws IllegalStateException    if the arena of {@code buf} is already closed
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
     * @param fd         the file descriptor to write to
     * @param buf        the segment that holds the source bytes; until completion
     * @param bufOffset  where in {@code buf} the source starts, in bytes
     * @param nbytes     how many bytes to write ({@code >= 0})
     * @param fileOffset the file offset in bytes, or {@code -1} for the file position
     * @return this entry, for the optional setters
     * @throws IndexOutOfBoundsException unless {@code [bufOffset, bufOffset + nbytes)} lies in {@code buf}
     * @throws IllegalArgumentException  if {@code buf} is not a native segment
     * @throws IllegalStateException     if the arena of {@code buf} is already closed
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
     * {@link Sqe#fixedFile} for {@code fdOut}. No user memory is involved. The CQE's
     * {@code res} is the number of bytes moved (0: end of input), or {@code -errno}.
     *
     * @param fdIn        the source fd, or a registered-file index with {@link #SPLICE_F_FD_IN_FIXED}
     * @param offIn       the offset in {@code fdIn}, or {@code -1} (required for a pipe)
     * @param fdOut       the destination fd
     * @param offOut      the offset in {@code fdOut}, or {@code -1} (required for a pipe)
     * @param nbytes      how many bytes to move at most ({@code >= 0})
     * @param spliceFlags {@code SPLICE_F_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nbytes} is negative
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
     * involved. The CQE's {@code res} is the number of bytes duplicated, or {@code -errno}.
     *
     * @param fdIn        the source pipe, or a registered-file index with {@link #SPLICE_F_FD_IN_FIXED}
     * @param fdOut       the destination pipe
     * @param nbytes      how many bytes to duplicate at most ({@code >= 0})
     * @param spliceFlags {@code SPLICE_F_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nbytes} is negative
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
     * Each CQE's {@code res} is the byte count read into the buffer its flags name
     * ({@link Cqe#bufferId()}), or {@code -errno}, which also ends the request.
     *
     * @param fd       the pollable file descriptor to read from
     * @param nbytes   the most to read per CQE ({@code >= 0}; 0: the selected buffer's size)
     * @param offset   the read offset, as for {@link #prepRead(int, MemorySegment, long)}
     * @param bufGroup the provided-buffer group to pick buffers from (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code nbytes} is negative or {@code bufGroup} is
     *                                  outside 0..65535
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
     *
     * @param fd       the file descriptor to read from
     * @param iovecs   the iovec array; the kernel writes into the buffers its entries point at
     * @param nrVecs   how many entries of {@code iovecs} to use, from the first ({@code >= 0})
     * @param offset   the file offset in bytes, or {@code -1} for the file position
     * @param rwFlags  {@code RWF_*} flags, or 0
     * @param bufIndex the registered buffer's index in the buffer table (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code bufIndex} is outside 0..65535, {@code nrVecs} is
     *                                  negative, {@code iovecs} is not a native segment or holds
     *                                  fewer than {@code nrVecs} entries, or one of those entries
     *                                  was {@link Iovecs#set} from a read-only segment
     * @throws IllegalStateException    if the arena of {@code iovecs} is already closed
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
     *
     * @param fd       the file descriptor to write to
     * @param iovecs   the iovec array; the kernel only reads the buffers
     * @param nrVecs   how many entries of {@code iovecs} to use, from the first ({@code >= 0})
     * @param offset   the file offset in bytes, or {@code -1} for the file position
     * @param rwFlags  {@code RWF_*} flags, or 0
     * @param bufIndex the registered buffer's index in the buffer table (0..65535)
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code bufIndex} is outside 0..65535, {@code nrVecs} is
     *                                  negative, or {@code iovecs} is not a native segment or
     *                                  holds fewer than {@code nrVecs} entries
     * @throws IllegalStateException    if the arena of {@code iovecs} is already closed
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
