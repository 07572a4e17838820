package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers for extended attributes. Implemented only by {@link Sqe}.
 *
 * <p>Names (e.g. {@code "user.mime_type"}) and paths are native NUL-terminated strings from
 * {@code arena.allocateFrom(...)}. The kernel copies the name, the path and a value being set
 * while submitting; a value being read is written when the request runs. Keep every segment
 * alive until completion (required for a get's value and with SQPOLL; always safe).
 */
public sealed interface XattrOps permits Sqe {

    /** setxattr flag: fail with -EEXIST if the attribute exists. */
    int XATTR_CREATE = 1;
    /** setxattr flag: fail with -ENODATA if the attribute does not exist. */
    int XATTR_REPLACE = 2;

    /* ---- kernel 5.19 ---- */

    /**
     * Equivalent to {@code io_uring_prep_fsetxattr(3)}; kernel 5.19. Sets attribute
     * {@code name} of the open file {@code fd} to the first {@code len} bytes of {@code value}.
     * {@code name}, {@code value}: until completion. The CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param fd    the open file
     * @param name  the NUL-terminated attribute name, with its namespace prefix
     * @param value the new value (may be read-only)
     * @param flags 0, {@link #XATTR_CREATE} or {@link #XATTR_REPLACE}
     * @param len   the value's length in bytes: 0..{@code value.byteSize()}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code name} holds no NUL byte, {@code len} is out of
     *                                  range, or {@code name} or {@code value} is not a native segment
     * @throws IllegalStateException    if the arena of {@code name} or {@code value} is already closed
     */
    @Prep(value = Opcode.FSETXATTR, liburing = "io_uring_prep_fsetxattr")
    default Sqe prepFsetxattr(int fd, MemorySegment name, MemorySegment value, int flags, int len) {
        long n = Sqe.cString(name, "prepFsetxattr name");
        int l = Sqe.length(value, len, "prepFsetxattr value");
        return sqe().prepRw(Opcode.FSETXATTR, fd, n, l, Sqe.address(value, "prepFsetxattr value"))
                .opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_setxattr(3)}; kernel 5.19. Sets attribute
     * {@code name} of the file at {@code path} to the first {@code len} bytes of {@code value}.
     * {@code name}, {@code value}, {@code path}: until completion. The CQE's {@code res} is 0,
     * or {@code -errno}.
     *
     * @param name  the NUL-terminated attribute name, with its namespace prefix
     * @param value the new value (may be read-only)
     * @param path  the NUL-terminated path of the file (symlinks followed)
     * @param flags 0, {@link #XATTR_CREATE} or {@link #XATTR_REPLACE}
     * @param len   the value's length in bytes: 0..{@code value.byteSize()}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code name} or {@code path} holds no NUL byte,
     *                                  {@code len} is out of range, or a segment is not native
     * @throws IllegalStateException    if the arena of a segment is already closed
     */
    @Prep(value = Opcode.SETXATTR, liburing = "io_uring_prep_setxattr")
    default Sqe prepSetxattr(MemorySegment name, MemorySegment value, MemorySegment path, int flags, int len) {
        long n = Sqe.cString(name, "prepSetxattr name");
        long p = Sqe.cString(path, "prepSetxattr path");
        int l = Sqe.length(value, len, "prepSetxattr value");
        return sqe().prepRw(Opcode.SETXATTR, 0, n, l, Sqe.address(value, "prepSetxattr value"))
                .addr3(p)
                .opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_fgetxattr(3)}; kernel 5.19. Reads attribute
     * {@code name} of {@code fd} into the first {@code len} bytes of {@code value};
     * {@code cqe.res} is the attribute's size (-ERANGE if {@code len} is too small, -ENODATA
     * if absent). {@code value} must be writable. {@code name}, {@code value}: until completion.
     *
     * @param fd    the open file
     * @param name  the NUL-terminated attribute name, with its namespace prefix
     * @param value receives the value (writable); with {@code len} 0 it may be
     *              {@link MemorySegment#NULL}, to learn the size
     * @param len   the room in {@code value}: 0..{@code value.byteSize()}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code name} holds no NUL byte, {@code len} is out of
     *                                  range, {@code value} is read-only, or a segment is not native
     * @throws IllegalStateException    if the arena of {@code name} or {@code value} is already closed
     */
    @Prep(value = Opcode.FGETXATTR, liburing = "io_uring_prep_fgetxattr")
    default Sqe prepFgetxattr(int fd, MemorySegment name, MemorySegment value, int len) {
        long n = Sqe.cString(name, "prepFgetxattr name");
        int l = Sqe.length(value, len, "prepFgetxattr value");
        return sqe().prepRw(Opcode.FGETXATTR, fd, n, l, Sqe.writableAddress(value, "prepFgetxattr value"))
                .opFlags(0);
    }

    /**
     * Equivalent to {@code io_uring_prep_getxattr(3)}; kernel 5.19. {@link #prepFgetxattr} for
     * the file at {@code path}. {@code name}, {@code value}, {@code path}: until completion.
     *
     * @param name  the NUL-terminated attribute name, with its namespace prefix
     * @param value receives the value (writable); with {@code len} 0 it may be
     *              {@link MemorySegment#NULL}, to learn the size
     * @param path  the NUL-terminated path of the file (symlinks followed)
     * @param len   the room in {@code value}: 0..{@code value.byteSize()}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code name} or {@code path} holds no NUL byte,
     *                                  {@code len} is out of range, {@code value} is read-only, or
     *                                  a segment is not native
     * @throws IllegalStateException    if the arena of a segment is already closed
     */
    @Prep(value = Opcode.GETXATTR, liburing = "io_uring_prep_getxattr")
    default Sqe prepGetxattr(MemorySegment name, MemorySegment value, MemorySegment path, int len) {
        long n = Sqe.cString(name, "prepGetxattr name");
        long p = Sqe.cString(path, "prepGetxattr path");
        int l = Sqe.length(value, len, "prepGetxattr value");
        return sqe().prepRw(Opcode.GETXATTR, 0, n, l, Sqe.writableAddress(value, "prepGetxattr value"))
                .addr3(p)
                .opFlags(0);
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
