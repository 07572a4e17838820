package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers for the file system namespace: open, close, statx, rename, unlink, mkdir,
 * symlink, link. Implemented only by {@link Sqe}.
 *
 * <p><b>Paths.</b> Every path is a native segment holding a NUL-terminated string, made with
 * {@code arena.allocateFrom(path)}; a segment without a NUL is refused. Keep it alive until the
 * request's completion (the kernel copies it while submitting, but with SQPOLL submission
 * happens later, so completion is the simple safe rule).
 *
 * <p><b>Direct descriptors.</b> The {@code *Direct} helpers open into a slot of the ring's
 * registered file table instead of the process fd table; slots are 0-based here (the kernel's
 * {@code file_index} is slot + 1, with 0 meaning "not direct"), and the {@code *DirectAlloc}
 * variants let the kernel pick a free slot and return it in {@code cqe.res}. Use the slot with
 * {@link Sqe#fixedFile(int)} in later requests.
 */
public sealed interface FsOps permits Sqe {

    /** The {@code dfd} meaning "relative to the current working directory". */
    int AT_FDCWD = -100;

    /* AT_* flags (statx, unlinkat, linkat). */
    int AT_SYMLINK_NOFOLLOW = 0x100;
    /** unlinkat: remove a directory (rmdir) instead of a file. */
    int AT_REMOVEDIR = 0x200;
    /** linkat: follow a symlink given as the old path. */
    int AT_SYMLINK_FOLLOW = 0x400;
    int AT_NO_AUTOMOUNT = 0x800;
    /** statx: an empty path means the {@code dfd} itself. */
    int AT_EMPTY_PATH = 0x1000;

    /* O_* open flags (x86-64 values; arm64 differs for O_DIRECTORY, O_NOFOLLOW and O_DIRECT). */
    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_RDWR = 2;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_TRUNC = 01000;
    int O_APPEND = 02000;
    int O_NONBLOCK = 04000;
    /** Bypass the page cache: buffers, offsets and lengths must be aligned to the device's block size. */
    int O_DIRECT = 040000;
    /** Writes return once the data (and what is needed to read it back) is on the device. */
    int O_DSYNC = 010000;
    /** Writes return once the data and all the file's metadata are on the device ({@code __O_SYNC | O_DSYNC}). */
    int O_SYNC = 04010000;
    int O_DIRECTORY = 0200000;
    int O_NOFOLLOW = 0400000;
    int O_CLOEXEC = 02000000;

    /* renameat2(2) flags. */
    int RENAME_NOREPLACE = 1 << 0;
    int RENAME_EXCHANGE = 1 << 1;
    int RENAME_WHITEOUT = 1 << 2;

    /** IORING_FILE_INDEX_ALLOC: the {@code file_index} asking the kernel to pick a free slot. */
    int FILE_INDEX_ALLOC = ~0;

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_openat(3)}; kernel 5.6. Opens {@code path} relative to
     * {@code dfd} ({@link #AT_FDCWD}); {@code cqe.res} is the new fd. {@code path}: until
     * completion.
     */
    @Prep(value = Opcode.OPENAT, liburing = "io_uring_prep_openat")
    default Sqe prepOpenat(int dfd, MemorySegment path, int flags, int mode) {
        long p = Sqe.cString(path, "prepOpenat path");
        return sqe().prepRw(Opcode.OPENAT, dfd, p, mode, 0).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_openat2(3)}; kernel 5.6. Opens {@code path} as
     * openat2(2) with the {@link OpenHow} {@code how}. {@code path}: until completion;
     * {@code how}: until the submitting enter returns with {@link Feature#SUBMIT_STABLE} and no
     * SQPOLL, else until completion.
     */
    @Prep(value = Opcode.OPENAT2, liburing = "io_uring_prep_openat2")
    default Sqe prepOpenat2(int dfd, MemorySegment path, MemorySegment how) {
        long p = Sqe.cString(path, "prepOpenat2 path");
        long h = Sqe.struct(how, OpenHow.BYTES, "prepOpenat2 open_how");
        return sqe().prepRw(Opcode.OPENAT2, dfd, p, (int) OpenHow.BYTES, h);
    }

    /** Equivalent to {@code io_uring_prep_close(3)}; kernel 5.6. Closes a process fd; no user memory. */
    @Prep(value = Opcode.CLOSE, liburing = "io_uring_prep_close")
    default Sqe prepClose(int fd) {
        return sqe().prepRw(Opcode.CLOSE, fd, 0, 0, 0);
    }

    /**
     * Equivalent to {@code io_uring_prep_statx(3)}; kernel 5.6. Fills {@code statxbuf} (see
     * {@link Statx}; writable, it must live until completion) with the {@code mask} fields of
     * {@code path} relative to {@code dfd}; {@code flags} are {@code AT_*}. {@code path}: until
     * completion.
     */
    @Prep(value = Opcode.STATX, liburing = "io_uring_prep_statx")
    default Sqe prepStatx(int dfd, MemorySegment path, int flags, int mask, MemorySegment statxbuf) {
        long p = Sqe.cString(path, "prepStatx path");
        long buf = Sqe.writableStruct(statxbuf, Statx.BYTES, "prepStatx struct statx");
        return sqe().prepRw(Opcode.STATX, dfd, p, mask, buf).opFlags(flags);
    }

    /* ---- kernel 5.11 ---- */

    /**
     * Equivalent to {@code io_uring_prep_renameat(3)}; kernel 5.11. Renames {@code oldPath}
     * (relative to {@code oldDfd}) to {@code newPath} (relative to {@code newDfd});
     * {@code flags} are {@code RENAME_*}. Both paths: until completion.
     */
    @Prep(value = Opcode.RENAMEAT, liburing = "io_uring_prep_renameat")
    default Sqe prepRenameat(int oldDfd, MemorySegment oldPath, int newDfd, MemorySegment newPath, int flags) {
        long o = Sqe.cString(oldPath, "prepRenameat old path");
        long n = Sqe.cString(newPath, "prepRenameat new path");
        return sqe().prepRw(Opcode.RENAMEAT, oldDfd, o, newDfd, n).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_unlinkat(3)}; kernel 5.11. Removes a file, or with
     * {@link #AT_REMOVEDIR} an empty directory. {@code path}: until completion.
     */
    @Prep(value = Opcode.UNLINKAT, liburing = "io_uring_prep_unlinkat")
    default Sqe prepUnlinkat(int dfd, MemorySegment path, int flags) {
        long p = Sqe.cString(path, "prepUnlinkat path");
        return sqe().prepRw(Opcode.UNLINKAT, dfd, p, 0, 0).opFlags(flags);
    }

    /* ---- kernel 5.15 ---- */

    /** Equivalent to {@code io_uring_prep_mkdirat(3)}; kernel 5.15. {@code path}: until completion. */
    @Prep(value = Opcode.MKDIRAT, liburing = "io_uring_prep_mkdirat")
    default Sqe prepMkdirat(int dfd, MemorySegment path, int mode) {
        long p = Sqe.cString(path, "prepMkdirat path");
        return sqe().prepRw(Opcode.MKDIRAT, dfd, p, mode, 0);
    }

    /**
     * Equivalent to {@code io_uring_prep_symlinkat(3)}; kernel 5.15. Creates {@code linkPath}
     * (relative to {@code newDirFd}) pointing at {@code target}. Both strings: until completion.
     */
    @Prep(value = Opcode.SYMLINKAT, liburing = "io_uring_prep_symlinkat")
    default Sqe prepSymlinkat(MemorySegment target, int newDirFd, MemorySegment linkPath) {
        long t = Sqe.cString(target, "prepSymlinkat target");
        long l = Sqe.cString(linkPath, "prepSymlinkat link path");
        return sqe().prepRw(Opcode.SYMLINKAT, newDirFd, t, 0, l);
    }

    /**
     * Equivalent to {@code io_uring_prep_linkat(3)}; kernel 5.15. Creates the hard link
     * {@code newPath} to {@code oldPath}; {@code flags} may be {@link #AT_SYMLINK_FOLLOW}. Both
     * paths: until completion.
     */
    @Prep(value = Opcode.LINKAT, liburing = "io_uring_prep_linkat")
    default Sqe prepLinkat(int oldDfd, MemorySegment oldPath, int newDfd, MemorySegment newPath, int flags) {
        long o = Sqe.cString(oldPath, "prepLinkat old path");
        long n = Sqe.cString(newPath, "prepLinkat new path");
        return sqe().prepRw(Opcode.LINKAT, oldDfd, o, newDfd, n).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_openat_direct(3)}; kernel 5.15. {@link #prepOpenat}
     * into registered-file slot {@code slot} (0-based; an occupied slot is closed first);
     * {@code cqe.res} is 0 on success. {@code path}: until completion.
     */
    @Prep(value = Opcode.OPENAT, liburing = "io_uring_prep_openat_direct")
    default Sqe prepOpenatDirect(int dfd, MemorySegment path, int flags, int mode, int slot) {
        int fileIndex = Sqe.fileSlot(slot, "prepOpenatDirect");
        return prepOpenat(dfd, path, flags, mode).fileIndex(fileIndex);
    }

    /**
     * Equivalent to {@code io_uring_prep_openat2_direct(3)}; kernel 5.15. {@link #prepOpenat2}
     * into registered-file slot {@code slot} (0-based); lifetimes as there.
     */
    @Prep(value = Opcode.OPENAT2, liburing = "io_uring_prep_openat2_direct")
    default Sqe prepOpenat2Direct(int dfd, MemorySegment path, MemorySegment how, int slot) {
        int fileIndex = Sqe.fileSlot(slot, "prepOpenat2Direct");
        return prepOpenat2(dfd, path, how).fileIndex(fileIndex);
    }

    /**
     * Equivalent to {@code io_uring_prep_close_direct(3)}; kernel 5.15. Closes registered-file
     * slot {@code slot} (0-based). Do not add {@link SqeFlag#FIXED_FILE}: the kernel would fail
     * the request with -EBADF. No user memory.
     */
    @Prep(value = Opcode.CLOSE, liburing = "io_uring_prep_close_direct")
    default Sqe prepCloseDirect(int slot) {
        int fileIndex = Sqe.fileSlot(slot, "prepCloseDirect");
        return prepClose(0).fileIndex(fileIndex);
    }

    /* ---- kernel 5.19 ---- */

    /**
     * Equivalent to {@code io_uring_prep_openat_direct(3)}; kernel 5.19. With
     * {@code IORING_FILE_INDEX_ALLOC}: the kernel picks a free slot of the registered file table
     * and returns it in {@code cqe.res} (-ENFILE if none is free). {@code path}: until completion.
     */
    @Prep(value = Opcode.OPENAT, liburing = "io_uring_prep_openat_direct")
    default Sqe prepOpenatDirectAlloc(int dfd, MemorySegment path, int flags, int mode) {
        return prepOpenat(dfd, path, flags, mode).fileIndex(FILE_INDEX_ALLOC);
    }

    /**
     * Equivalent to {@code io_uring_prep_openat2_direct(3)}; kernel 5.19. With
     * {@code IORING_FILE_INDEX_ALLOC}: {@link #prepOpenat2} into a slot the kernel picks and
     * returns in {@code cqe.res}; lifetimes as there.
     */
    @Prep(value = Opcode.OPENAT2, liburing = "io_uring_prep_openat2_direct")
    default Sqe prepOpenat2DirectAlloc(int dfd, MemorySegment path, MemorySegment how) {
        return prepOpenat2(dfd, path, how).fileIndex(FILE_INDEX_ALLOC);
    }

    /** This entry as what it is: the interface is sealed to {@link Sqe}, its only implementation. */
    private Sqe sqe() {
        return (Sqe) this;
    }
}
