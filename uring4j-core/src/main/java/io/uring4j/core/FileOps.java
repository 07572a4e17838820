package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers for reading and writing files and other fds. Implemented only by {@link Sqe}.
 *
 * <p>The data buffer of every helper here must stay alive until the request's completion.
 */
public sealed interface FileOps permits Sqe {

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_read(3)}; kernel 5.6. Reads up to
     * {@code buf.byteSize()} bytes at {@code offset} ({@code -1}: the file position).
     */
    @Prep(value = Opcode.READ, liburing = "io_uring_prep_read")
    default Sqe prepRead(int fd, MemorySegment buf, long offset) {
        return prepRead(fd, buf, buf.byteSize(), offset);
    }

    /** {@link #prepRead(int, MemorySegment, long)} for the first {@code nbytes} of {@code buf}. */
    @Prep(value = Opcode.READ, liburing = "io_uring_prep_read")
    default Sqe prepRead(int fd, MemorySegment buf, long nbytes, long offset) {
        int len = Sqe.length(buf, nbytes, "prepRead buffer");
        return ((Sqe) this).prepRw(Opcode.READ, fd, Sqe.address(buf, "prepRead buffer"), len, offset);
    }

    /**
     * Equivalent to {@code io_uring_prep_write(3)}; kernel 5.6. Writes {@code buf.byteSize()}
     * bytes at {@code offset} ({@code -1}: the file position).
     */
    @Prep(value = Opcode.WRITE, liburing = "io_uring_prep_write")
    default Sqe prepWrite(int fd, MemorySegment buf, long offset) {
        return prepWrite(fd, buf, buf.byteSize(), offset);
    }

    /** {@link #prepWrite(int, MemorySegment, long)} for the first {@code nbytes} of {@code buf}. */
    @Prep(value = Opcode.WRITE, liburing = "io_uring_prep_write")
    default Sqe prepWrite(int fd, MemorySegment buf, long nbytes, long offset) {
        int len = Sqe.length(buf, nbytes, "prepWrite buffer");
        return ((Sqe) this).prepRw(Opcode.WRITE, fd, Sqe.address(buf, "prepWrite buffer"), len, offset);
    }
}
