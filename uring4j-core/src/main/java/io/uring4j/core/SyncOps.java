package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers that flush, size or advise about a file or memory range: fsync,
 * sync_file_range, fallocate, ftruncate, fadvise, madvise. Implemented only by {@link Sqe}.
 *
 * <p>None of them points the kernel at user memory except madvise, whose range is the subject
 * of the advice: it must stay mapped until completion.
 */
public sealed interface SyncOps permits Sqe {

    /** IORING_FSYNC_DATASYNC ({@code fsync_flags}): fdatasync(2) rather than fsync(2). */
    int FSYNC_DATASYNC = 1 << 0;

    /* sync_file_range(2) flags. */
    int SYNC_FILE_RANGE_WAIT_BEFORE = 1 << 0;
    int SYNC_FILE_RANGE_WRITE = 1 << 1;
    int SYNC_FILE_RANGE_WAIT_AFTER = 1 << 2;

    /* fallocate(2) modes. */
    int FALLOC_FL_KEEP_SIZE = 0x01;
    int FALLOC_FL_PUNCH_HOLE = 0x02;
    int FALLOC_FL_ZERO_RANGE = 0x10;

    /* posix_fadvise(2) advice. */
    int POSIX_FADV_NORMAL = 0;
    int POSIX_FADV_RANDOM = 1;
    int POSIX_FADV_SEQUENTIAL = 2;
    int POSIX_FADV_WILLNEED = 3;
    int POSIX_FADV_DONTNEED = 4;
    int POSIX_FADV_NOREUSE = 5;

    /* madvise(2) advice (the subset io_uring accepts without special privileges). */
    int MADV_NORMAL = 0;
    int MADV_RANDOM = 1;
    int MADV_SEQUENTIAL = 2;
    int MADV_WILLNEED = 3;
    int MADV_DONTNEED = 4;
    /** Frees the pages lazily: their contents may read back as zeros (4.5). */
    int MADV_FREE = 8;
    /** Frees the range and its backing store: the contents are gone. */
    int MADV_REMOVE = 9;
    /**
     * The highest advice the helpers take (kernel 6.1). Every value up to it leaves the range
     * accessible; above it are MADV_HWPOISON (100), MADV_SOFT_OFFLINE (101) and the guard-page
     * advice (102, 103), after which an access to the pages faults: refused, since the next
     * access from Java would crash the JVM.
     */
    int MADV_COLLAPSE = 25;

    /* ---- kernel 5.1 ---- */

    /**
     * Equivalent to {@code io_uring_prep_fsync(3)}; kernel 5.1. {@code fsyncFlags} is 0 or
     * {@link #FSYNC_DATASYNC}. Ordering: fsync does not wait for earlier requests; link it
     * ({@link SqeFlag#IO_LINK}) or drain to sync after writes.
     */
    @Prep(value = Opcode.FSYNC, liburing = "io_uring_prep_fsync")
    default Sqe prepFsync(int fd, int fsyncFlags) {
        return sqe().prepRw(Opcode.FSYNC, fd, 0, 0, 0).opFlags(fsyncFlags);
    }

    /**
     * Equivalent to {@code io_uring_prep_fsync(3)}; kernel 5.1. {@link #prepFsync} with
     * {@link #FSYNC_DATASYNC}: an async fdatasync(2).
     */
    @Prep(value = Opcode.FSYNC, liburing = "io_uring_prep_fsync")
    default Sqe prepFdatasync(int fd) {
        return prepFsync(fd, FSYNC_DATASYNC);
    }

    /* ---- kernel 5.2 ---- */

    /**
     * Equivalent to {@code io_uring_prep_sync_file_range(3)}; kernel 5.2. Syncs {@code len}
     * bytes from {@code offset} ({@code len} 0: to the end of the file).
     */
    @Prep(value = Opcode.SYNC_FILE_RANGE, liburing = "io_uring_prep_sync_file_range")
    default Sqe prepSyncFileRange(int fd, int len, long offset, int flags) {
        nonNegative(len, "prepSyncFileRange len");
        return sqe().prepRw(Opcode.SYNC_FILE_RANGE, fd, 0, len, offset).opFlags(flags);
    }

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_fallocate(3)}; kernel 5.6. Allocates (or, by
     * {@code mode}, punches or zeroes) {@code len} bytes at {@code offset}.
     */
    @Prep(value = Opcode.FALLOCATE, liburing = "io_uring_prep_fallocate")
    default Sqe prepFallocate(int fd, int mode, long offset, long len) {
        return sqe().prepRw(Opcode.FALLOCATE, fd, 0, mode, offset)
                .addr(len); // the 64-bit length travels in addr
    }

    /**
     * Equivalent to {@code io_uring_prep_fadvise(3)}; kernel 5.6. Advice for {@code len} bytes
     * from {@code offset} ({@code len} 0: to the end of the file).
     */
    @Prep(value = Opcode.FADVISE, liburing = "io_uring_prep_fadvise")
    default Sqe prepFadvise(int fd, long offset, int len, int advice) {
        nonNegative(len, "prepFadvise len");
        return sqe().prepRw(Opcode.FADVISE, fd, 0, len, offset).opFlags(advice);
    }

    /**
     * Equivalent to {@code io_uring_prep_madvise(3)}; kernel 5.6. Advice for the first
     * {@code length} bytes of {@code region}, which should be page-aligned (else -EINVAL);
     * {@code region}: mapped until completion. Advice that may discard the contents
     * ({@link #MADV_DONTNEED}, {@link #MADV_FREE}, {@link #MADV_REMOVE}) needs a writable segment.
     */
    @Prep(value = Opcode.MADVISE, liburing = "io_uring_prep_madvise")
    default Sqe prepMadvise(MemorySegment region, int length, int advice) {
        int len = Sqe.length(region, length, "prepMadvise region");
        discardingAdviceNeedsWritable(region, advice, "prepMadvise region");
        return sqe().prepRw(Opcode.MADVISE, -1, Sqe.address(region, "prepMadvise region"), len, 0)
                .opFlags(advice);
    }

    /* ---- kernel 6.9 ---- */

    /** Equivalent to {@code io_uring_prep_ftruncate(3)}; kernel 6.9. Sets the file's size to {@code len}. */
    @Prep(value = Opcode.FTRUNCATE, liburing = "io_uring_prep_ftruncate")
    default Sqe prepFtruncate(int fd, long len) {
        return sqe().prepRw(Opcode.FTRUNCATE, fd, 0, 0, len);
    }

    /* ---- kernel 6.11 ---- */

    /**
     * Equivalent to {@code io_uring_prep_fadvise64(3)}; kernel 6.11. Earlier kernels
     * fail it with -EINVAL. {@link #prepFadvise} with a 64-bit length, carried in {@code addr}.
     */
    @Prep(value = Opcode.FADVISE, liburing = "io_uring_prep_fadvise64")
    default Sqe prepFadvise64(int fd, long offset, long len, int advice) {
        if (len < 0) {
            throw new IllegalArgumentException("prepFadvise64 len must be >= 0, given " + len);
        }
        return sqe().prepRw(Opcode.FADVISE, fd, 0, 0, offset).addr(len).opFlags(advice);
    }

    /**
     * Equivalent to {@code io_uring_prep_madvise64(3)}; kernel 6.11. Earlier kernels
     * fail it with -EINVAL. {@link #prepMadvise} with a 64-bit length, carried in {@code off};
     * {@code region}: mapped until completion.
     */
    @Prep(value = Opcode.MADVISE, liburing = "io_uring_prep_madvise64")
    default Sqe prepMadvise64(MemorySegment region, long length, int advice) {
        if (length < 0 || length > region.byteSize()) {
            throw new IllegalArgumentException("prepMadvise64 region: length must be within the segment (0.."
                    + region.byteSize() + "), given " + length);
        }
        discardingAdviceNeedsWritable(region, advice, "prepMadvise64 region");
        return sqe().prepRw(Opcode.MADVISE, -1, Sqe.address(region, "prepMadvise64 region"), 0, length)
                .opFlags(advice);
    }

    /**
     * Refuses advice that would leave the range faulting on access (above {@link #MADV_COLLAPSE});
     * MADV_DONTNEED, MADV_FREE and MADV_REMOVE may zero the range: a write in effect.
     */
    private static void discardingAdviceNeedsWritable(MemorySegment region, int advice, String what) {
        if (advice < 0 || advice > MADV_COLLAPSE) {
            throw new IllegalArgumentException(what + ": advice must be within 0.." + MADV_COLLAPSE
                    + " (higher values poison or guard the pages, and the next access would crash the JVM), given " + advice);
        }
        if (advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_REMOVE) {
            Sqe.writable(region, what + " (advice " + advice + " may discard its contents)");
        }
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
