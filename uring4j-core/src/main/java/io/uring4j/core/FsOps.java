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
    /** statx and others: if the path names a symlink, act on the link itself, not its target. */
    int AT_SYMLINK_NOFOLLOW = 0x100;
    /** unlinkat: remove a directory (rmdir) instead of a file. */
    int AT_REMOVEDIR = 0x200;
    /** linkat: follow a symlink given as the old path. */
    int AT_SYMLINK_FOLLOW = 0x400;
    /** statx: do not trigger an automount at the path's last component. */
    int AT_NO_AUTOMOUNT = 0x800;
    /** statx: an empty path means the {@code dfd} itself. */
    int AT_EMPTY_PATH = 0x1000;

    /* O_* open flags (x86-64 values; arm64 differs for O_DIRECTORY, O_NOFOLLOW and O_DIRECT). */
    /** Open for reading only. */
    int O_RDONLY = 0;
    /** Open for writing only. */
    int O_WRONLY = 1;
    /** Open for reading and writing. */
    int O_RDWR = 2;
    /** Create the file if it does not exist, with the {@code mode} argument's permissions. */
    int O_CREAT = 0100;
    /** With {@link #O_CREAT}: fail with {@code -EEXIST} if the file already exists. */
    int O_EXCL = 0200;
    /** Truncate an existing regular file to length 0 when opened for writing. */
    int O_TRUNC = 01000;
    /** Every write goes to the end of the file. */
    int O_APPEND = 02000;
    /** Non-blocking mode (for pipes, sockets, devices; no effect on regular files). */
    int O_NONBLOCK = 04000;
    /** Bypass the page cache: buffers, offsets and lengths must be aligned to the device's block size. */
    int O_DIRECT = 040000;
    /** Writes return once the data (and what is needed to read it back) is on the device. */
    int O_DSYNC = 010000;
    /** Writes return once the data and all the file's metadata are on the device ({@code __O_SYNC | O_DSYNC}). */
    int O_SYNC = 04010000;
    /** Fail with {@code -ENOTDIR} unless the path is a directory. */
    int O_DIRECTORY = 0200000;
    /** Fail with {@code -ELOOP} if the path's last component is a symlink. */
    int O_NOFOLLOW = 0400000;
    /** Close the new fd on execve(2). */
    int O_CLOEXEC = 02000000;

    /* renameat2(2) flags. */
    /** Fail with {@code -EEXIST} instead of replacing an existing new path. */
    int RENAME_NOREPLACE = 1 << 0;
    /** Atomically swap the old and new paths; both must exist. */
    int RENAME_EXCHANGE = 1 << 1;
    /** Leave a whiteout at the old path (for overlay file systems; needs privilege). */
    int RENAME_WHITEOUT = 1 << 2;

    /** IORING_FILE_INDEX_ALLOC: the {@code file_index} asking the kernel to pick a free slot. */
    int FILE_INDEX_ALLOC = ~0;

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_openat(3)}; kernel 5.6. Opens {@code path} relative to
     * {@code dfd} ({@link #AT_FDCWD}); {@code cqe.res} is the new fd. {@code path}: until
     * completion.
     *
     * @param dfd   the directory a relative {@code path} is resolved from, or {@link #AT_FDCWD}
     * @param path  the NUL-terminated path
     * @param flags {@code O_*} flags ({@link #O_RDONLY}, {@link #O_CREAT}, {@link #O_CLOEXEC}, …)
     * @param mode  the permission bits for a file {@link #O_CREAT} creates (e.g. {@code 0644}),
     *              before the umask; ignored otherwise
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code path} is not a native segment or holds no NUL byte
     * @throws IllegalStateException    if the arena of {@code path} is already closed
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
     * SQPOLL, else until completion. {@code cqe.res} is the new fd, or {@code -errno}.
     *
     * @param dfd  the directory a relative {@code path} is resolved from, or {@link #AT_FDCWD}
     * @param path the NUL-terminated path
     * @param how  the {@code struct open_how} (at least {@link OpenHow#BYTES}), see {@link OpenHow}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code path} or {@code how} is not a native segment,
     *                                  {@code path} holds no NUL byte, or {@code how} is shorter
     *                                  than {@link OpenHow#BYTES}
     * @throws IllegalStateException    if the arena of {@code path} or {@code how} is already closed
     */
    @Prep(value = Opcode.OPENAT2, liburing = "io_uring_prep_openat2")
    default Sqe prepOpenat2(int dfd, MemorySegment path, MemorySegment how) {
        long p = Sqe.cString(path, "prepOpenat2 path");
        long h = Sqe.struct(how, OpenHow.BYTES, "prepOpenat2 open_how");
        return sqe().prepRw(Opcode.OPENAT2, dfd, p, (int) OpenHow.BYTES, h);
    }

    /**
     * Equivalent to {@code io_uring_prep_close(3)}; kernel 5.6. Closes a process fd; no user
     * memory. The CQE's {@code res} is 0, or {@code -errno}. For a registered slot use
     * {@link #prepCloseDirect}.
     *
     * @param fd the file descriptor to close
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.CLOSE, liburing = "io_uring_prep_close")
    default Sqe prepClose(int fd) {
        return sqe().prepRw(Opcode.CLOSE, fd, 0, 0, 0);
    }

    /**
     * Equivalent to {@code io_uring_prep_statx(3)}; kernel 5.6. Fills {@code statxbuf} (see
     * {@link Statx}; writable, it must live until completion) with the {@code mask} fields of
     * {@code path} relative to {@code dfd}; {@code flags} are {@code AT_*}. {@code path}: until
     * completion. The CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param dfd      the directory a relative {@code path} is resolved from, {@link #AT_FDCWD},
     *                 or with {@link #AT_EMPTY_PATH} and an empty path the file itself
     * @param path     the NUL-terminated path
     * @param flags    {@code AT_*} flags ({@link #AT_SYMLINK_NOFOLLOW}, {@link #AT_EMPTY_PATH}, …), or 0
     * @param mask     the {@code STATX_*} fields wanted (see {@link Statx})
     * @param statxbuf receives the {@code struct statx}: writable, at least {@link Statx#BYTES}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code path} or {@code statxbuf} is not a native segment,
     *                                  {@code path} holds no NUL byte, or {@code statxbuf} is
     *                                  read-only or shorter than {@link Statx#BYTES}
     * @throws IllegalStateException    if the arena of {@code path} or {@code statxbuf} is already closed
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
     * {@code flags} are {@code RENAME_*}. Both paths: until completion. The CQE's {@code res}
     * is 0, or {@code -errno}.
     *
     * @param oldDfd  the directory a relative {@code oldPath} is resolved from, or {@link #AT_FDCWD}
     * @param oldPath the NUL-terminated path to rename
     * @param newDfd  the directory a relative {@code newPath} is resolved from, or {@link #AT_FDCWD}
     * @param newPath the NUL-terminated new path
     * @param flags   {@code RENAME_*} flags, or 0
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code oldPath} or {@code newPath} is not a native segment or holds
     *                                  no NUL byte
     * @throws IllegalStateException    if the arena of {@code oldPath} or {@code newPath} is already closed
     */
    @Prep(value = Opcode.RENAMEAT, liburing = "io_uring_prep_renameat")
    default Sqe prepRenameat(int oldDfd, MemorySegment oldPath, int newDfd, MemorySegment newPath, int flags) {
        long o = Sqe.cString(oldPath, "prepRenameat old path");
        long n = Sqe.cString(newPath, "prepRenameat new path");
        return sqe().prepRw(Opcode.RENAMEAT, oldDfd, o, newDfd, n).opFlags(flags);
    }

    /**
     * Equivalent to {@code io_uring_prep_unlinkat(3)}; kernel 5.11. Removes a file, or with
     * {@link #AT_REMOVEDIR} an empty directory. {@code path}: until completion. The CQE's
     * {@code res} is 0, or {@code -errno}.
     *
     * @param dfd   the directory a relative {@code path} is resolved from, or {@link #AT_FDCWD}
     * @param path  the NUL-terminated path
     * @param flags 0, or {@link #AT_REMOVEDIR}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code path} is not a native segment or holds no NUL byte
     * @throws IllegalStateException    if the arena of {@code path} is already closed
     */
    @Prep(value = Opcode.UNLINKAT, liburing = "io_uring_prep_unlinkat")
    default Sqe prepUnlinkat(int dfd, MemorySegment path, int flags) {
        long p = Sqe.cString(path, "prepUnlinkat path");
        return sqe().prepRw(Opcode.UNLINKAT, dfd, p, 0, 0).opFlags(flags);
    }

    /* ---- kernel 5.15 ---- */

    /**
     * Equivalent to {@code io_uring_prep_mkdirat(3)}; kernel 5.15. Creates the directory
     * {@code path}, as mkdirat(2). {@code path}: until completion. The CQE's {@code res} is 0,
     * or {@code -errno}.
     *
     * @param dfd  the directory a relative {@code path} is resolved from, or {@link #AT_FDCWD}
     * @param path the NUL-terminated path
     * @param mode the permission bits (e.g. {@code 0755}), before the umask
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code path} is not a native segment or holds no NUL byte
     * @throws IllegalStateException    if the arena of {@code path} is already closed
     */
    @Prep(value = Opcode.MKDIRAT, liburing = "io_uring_prep_mkdirat")
    default Sqe prepMkdirat(int dfd, MemorySegment path, int mode) {
        long p = Sqe.cString(path, "prepMkdirat path");
        return sqe().prepRw(Opcode.MKDIRAT, dfd, p, mode, 0);
    }

    /**
     * Equivalent to {@code io_uring_prep_symlinkat(3)}; kernel 5.15. Creates {@code linkPath}
     * (relative to {@code newDirFd}) pointing at {@code target}. Both strings: until completion.
     * The CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param target   the NUL-terminated link contents (not resolved when the link is made)
     * @param newDirFd the directory a relative {@code linkPath} is resolved from, or {@link #AT_FDCWD}
     * @param linkPath the NUL-terminated path of the new symlink
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code target} or {@code linkPath} is not a native segment or holds
     *                                  no NUL byte
     * @throws IllegalStateException    if the arena of {@code target} or {@code linkPath} is already closed
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
     * paths: until completion. The CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param oldDfd  the directory a relative {@code oldPath} is resolved from, or {@link #AT_FDCWD}
     * @param oldPath the NUL-terminated path of the existing file
     * @param newDfd  the directory a relative {@code newPath} is resolved from, or {@link #AT_FDCWD}
     * @param newPath the NUL-terminated path of the new link
     * @param flags   0, or {@link #AT_SYMLINK_FOLLOW}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code oldPath} or {@code newPath} is not a native segment or holds
     *                                  no NUL byte
     * @throws IllegalStateException    if the arena of {@code oldPath} or {@code newPath} is already closed
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
     *
     * @param dfd   the directory a relative {@code path} is resolved from, or {@link #AT_FDCWD}
     * @param path  the NUL-terminated path
     * @param flags {@code O_*} flags ({@link #O_CLOEXEC} is not supported for direct descriptors)
     * @param mode  the permission bits for a file {@link #O_CREAT} creates
     * @param slot  the 0-based registered file slot
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code slot} is negative or {@link Integer#MAX_VALUE},
     *                                  or {@code path} is not a native segment or holds no NUL byte
     * @throws IllegalStateException    if the arena of {@code path} is already closed
     */
    @Prep(value = Opcode.OPENAT, liburing = "io_uring_prep_openat_direct")
    default Sqe prepOpenatDirect(int dfd, MemorySegment path, int flags, int mode, int slot) {
        int fileIndex = Sqe.fileSlot(slot, "prepOpenatDirect");
        return prepOpenat(dfd, path, flags, mode).fileIndex(fileIndex);
    }

    /**
     * Equivalent to {@code io_uring_prep_openat2_direct(3)}; kernel 5.15. {@link #prepOpenat2}
     * into registered-file slot {@code slot} (0-based); lifetimes as there. {@code cqe.res} is 0
     * on success.
     *
     * @param dfd  the directory a relative {@code path} is resolved from, or {@link #AT_FDCWD}
     * @param path the NUL-terminated path
     * @param how  the {@code struct open_how} (at least {@link OpenHow#BYTES})
     * @param slot the 0-based registered file slot
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code slot} is negative or {@link Integer#MAX_VALUE},
     *                                  or {@code path} or {@code how} fails the checks of
     *                                  {@link #prepOpenat2}
     * @throws IllegalStateException    if the arena of {@code path} or {@code how} is already closed
     */
    @Prep(value = Opcode.OPENAT2, liburing = "io_uring_prep_openat2_direct")
    default Sqe prepOpenat2Direct(int dfd, MemorySegment path, MemorySegment how, int slot) {
        int fileIndex = Sqe.fileSlot(slot, "prepOpenat2Direct");
        return prepOpenat2(dfd, path, how).fileIndex(fileIndex);
    }

    /**
     * Equivalent to {@code io_uring_prep_close_direct(3)}; kernel 5.15. Closes registered-file
     * slot {@code slot} (0-based). Do not add {@link SqeFlag#FIXED_FILE}: the kernel would fail
     * the request with -EBADF. No user memory. The CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param slot the 0-based registered file slot to close
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code slot} is negative or {@link Integer#MAX_VALUE}
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
     *
     * @param dfd   the directory a relative {@code path} is resolved from, or {@link #AT_FDCWD}
     * @param path  the NUL-terminated path
     * @param flags {@code O_*} flags
     * @param mode  the permission bits for a file {@link #O_CREAT} creates
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code path} is not a native segment or holds no NUL byte
     * @throws IllegalStateException    if the arena of {@code path} is already closed
     */
    @Prep(value = Opcode.OPENAT, liburing = "io_uring_prep_openat_direct")
    default Sqe prepOpenatDirectAlloc(int dfd, MemorySegment path, int flags, int mode) {
        return prepOpenat(dfd, path, flags, mode).fileIndex(FILE_INDEX_ALLOC);
    }

    /**
     * Equivalent to {@code io_uring_prep_openat2_direct(3)}; kernel 5.19. With
     * {@code IORING_FILE_INDEX_ALLOC}: {@link #prepOpenat2} into a slot the kernel picks and
     * returns in {@code cqe.res}; lifetimes as there.
     *
     * @param dfd  the directory a relative {@code path} is resolved from, or {@link #AT_FDCWD}
     * @param path the NUL-terminated path
     * @param how  the {@code struct open_how} (at least {@link OpenHow#BYTES})
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code path} or {@code how} fails the checks of
     *                                  {@link #prepOpenat2}
     * @throws IllegalStateException    if the arena of {@code path} or {@code how} is already closed
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
