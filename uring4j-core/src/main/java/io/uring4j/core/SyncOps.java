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
    /** {@code SYNC_FILE_RANGE_WAIT_BEFORE}: first wait for writeback already under way in the range. */
    int SYNC_FILE_RANGE_WAIT_BEFORE = 1 << 0;
    /** {@code SYNC_FILE_RANGE_WRITE}: start writeback of the range's dirty pages. */
    int SYNC_FILE_RANGE_WRITE = 1 << 1;
    /** {@code SYNC_FILE_RANGE_WAIT_AFTER}: then wait for the range's writeback to finish. */
    int SYNC_FILE_RANGE_WAIT_AFTER = 1 << 2;

    /* fallocate(2) modes. */
    /** {@code FALLOC_FL_KEEP_SIZE}: allocate blocks without changing the file's size. */
    int FALLOC_FL_KEEP_SIZE = 0x01;
    /** {@code FALLOC_FL_PUNCH_HOLE}: free the range's blocks (reads give zeros); needs {@link #FALLOC_FL_KEEP_SIZE}. */
    int FALLOC_FL_PUNCH_HOLE = 0x02;
    /** {@code FALLOC_FL_ZERO_RANGE}: make the range read as zeros, keeping it allocated. */
    int FALLOC_FL_ZERO_RANGE = 0x10;

    /* posix_fadvise(2) advice. */
    /** {@code POSIX_FADV_NORMAL}: no particular access pattern (the default readahead). */
    int POSIX_FADV_NORMAL = 0;
    /** {@code POSIX_FADV_RANDOM}: random access expected; readahead is turned off. */
    int POSIX_FADV_RANDOM = 1;
    /** {@code POSIX_FADV_SEQUENTIAL}: sequential access expected; readahead grows. */
    int POSIX_FADV_SEQUENTIAL = 2;
    /** {@code POSIX_FADV_WILLNEED}: the range will be needed soon; the kernel starts reading it in. */
    int POSIX_FADV_WILLNEED = 3;
    /** {@code POSIX_FADV_DONTNEED}: the range is not needed soon; its clean cached pages may be dropped. */
    int POSIX_FADV_DONTNEED = 4;
    /** {@code POSIX_FADV_NOREUSE}: the range will be accessed only once. */
    int POSIX_FADV_NOREUSE = 5;

    /* madvise(2) advice (the subset io_uring accepts without special privileges). */
    /** {@code MADV_NORMAL}: no particular access pattern (the default). */
    int MADV_NORMAL = 0;
    /** {@code MADV_RANDOM}: random access expected; less readahead. */
    int MADV_RANDOM = 1;
    /** {@code MADV_SEQUENTIAL}: sequential access expected; more readahead, pages freed after use. */
    int MADV_SEQUENTIAL = 2;
    /** {@code MADV_WILLNEED}: the range will be needed soon; the kernel reads it in ahead. */
    int MADV_WILLNEED = 3;
    /**
     * {@code MADV_DONTNEED}: the range is not needed; its pages are freed, and private anonymous
     * memory reads back as zeros afterwards.
     */
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
     * ({@link SqeFlag#IO_LINK}) or drain to sync after writes. The CQE's {@code res} is 0, or
     * {@code -errno}. No user memory is involved.
     *
     * @param fd         the file descriptor to sync
     * @param fsyncFlags 0 (fsync) or {@link #FSYNC_DATASYNC} (fdatasync)
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.FSYNC, liburing = "io_uring_prep_fsync")
    default Sqe prepFsync(int fd, int fsyncFlags) {
        return sqe().prepRw(Opcode.FSYNC, fd, 0, 0, 0).opFlags(fsyncFlags);
    }

    /**
     * Equivalent to {@code io_uring_prep_fsync(3)}; kernel 5.1. {@link #prepFsync} with
     * {@link #FSYNC_DATASYNC}: an async fdatasync(2). No user memory is involved.
     *
     * @param fd the file descriptor to sync
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.FSYNC, liburing = "io_uring_prep_fsync")
    default Sqe prepFdatasync(int fd) {
        return prepFsync(fd, FSYNC_DATASYNC);
    }

    /* ---- kernel 5.2 ---- */

    /**
     * Equivalent to {@code io_uring_prep_sync_file_range(3)}; kernel 5.2. Syncs {@code len}
     * bytes from {@code offset} ({@code len} 0: to the end of the file), as sync_file_range(2)
     * with {@code flags}. No user memory is involved; the CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param fd     the file descriptor
     * @param len    the length of the range in bytes ({@code >= 0}; 0: to the end of the file)
     * @param offset the start of the range in bytes
     * @param flags  {@code SYNC_FILE_RANGE_*} flags
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} is negative
     */
    @Prep(value = Opcode.SYNC_FILE_RANGE, liburing = "io_uring_prep_sync_file_range")
    default Sqe prepSyncFileRange(int fd, int len, long offset, int flags) {
        nonNegative(len, "prepSyncFileRange len");
        return sqe().prepRw(Opcode.SYNC_FILE_RANGE, fd, 0, len, offset).opFlags(flags);
    }

    /* ---- kernel 5.6 ---- */

    /**
     * Equivalent to {@code io_uring_prep_fallocate(3)}; kernel 5.6. Allocates (or, by
     * {@code mode}, punches or zeroes) {@code len} bytes at {@code offset}, as fallocate(2). No
     * user memory is involved; the CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param fd     the file descriptor
     * @param mode   0 (allocate, growing the file if needed) or {@code FALLOC_FL_*} flags
     * @param offset the start of the range in bytes
     * @param len    the length of the range in bytes
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.FALLOCATE, liburing = "io_uring_prep_fallocate")
    default Sqe prepFallocate(int fd, int mode, long offset, long len) {
        return sqe().prepRw(Opcode.FALLOCATE, fd, 0, mode, offset)
                .addr(len); // the 64-bit length travels in addr
    }

    /**
     * Equivalent to {@code io_uring_prep_fadvise(3)}; kernel 5.6. Advice for {@code len} bytes
     * from {@code offset} ({@code len} 0: to the end of the file), as posix_fadvise(2). No user
     * memory is involved; the CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param fd     the file descriptor
     * @param offset the start of the range in bytes
     * @param len    the length of the range in bytes ({@code >= 0}; 0: to the end of the file)
     * @param advice one of the {@code POSIX_FADV_*} values
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} is negative
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
     * The CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param region the memory the advice is about (a native segment, mapped until completion)
     * @param length how many bytes of {@code region} from its start: 0..{@code region.byteSize()}
     * @param advice one of the {@code MADV_*} values, 0..{@link #MADV_COLLAPSE}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code length} is out of range, {@code advice} is
     *                                  outside 0..{@link #MADV_COLLAPSE}, {@code region} is not a
     *                                  native segment, or the advice may discard the contents and
     *                                  {@code region} is read-only
     * @throws IllegalStateException    if the arena of {@code region} is already closed
     */
    @Prep(value = Opcode.MADVISE, liburing = "io_uring_prep_madvise")
    default Sqe prepMadvise(MemorySegment region, int length, int advice) {
        int len = Sqe.length(region, length, "prepMadvise region");
        discardingAdviceNeedsWritable(region, advice, "prepMadvise region");
        return sqe().prepRw(Opcode.MADVISE, -1, Sqe.address(region, "prepMadvise region"), len, 0)
                .opFlags(advice);
    }

    /* ---- kernel 6.9 ---- */

    /**
     * Equivalent to {@code io_uring_prep_ftruncate(3)}; kernel 6.9. Sets the file's size to
     * {@code len}, as ftruncate(2): cut, or extended with zeros. No user memory is involved; the
     * CQE's {@code res} is 0, or {@code -errno}.
     *
     * @param fd  the file descriptor, open for writing
     * @param len the new size in bytes
     * @return this entry, for the optional setters
     */
    @Prep(value = Opcode.FTRUNCATE, liburing = "io_uring_prep_ftruncate")
    default Sqe prepFtruncate(int fd, long len) {
        return sqe().prepRw(Opcode.FTRUNCATE, fd, 0, 0, len);
    }

    /* ---- kernel 6.11 ---- */

    /**
     * Equivalent to {@code io_uring_prep_fadvise64(3)}; kernel 6.11. Earlier kernels
     * fail it with -EINVAL. {@link #prepFadvise} with a 64-bit length, carried in {@code addr}.
     *
     * @param fd     the file descriptor
     * @param offset the start of the range in bytes
     * @param len    the length of the range in bytes ({@code >= 0}; 0: to the end of the file)
     * @param advice one of the {@code POSIX_FADV_*} values
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code len} is negative
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
     *
     * @param region the memory the advice is about (a native segment)
     * @param length how many bytes of {@code region} from its start: 0..{@code region.byteSize()}
     * @param advice one of the {@code MADV_*} values, 0..{@link #MADV_COLLAPSE}
     * @return this entry, for the optional setters
     * @throws IllegalArgumentException if {@code length} is out of range, {@code advice} is
     *                                  outside 0..{@link #MADV_COLLAPSE}, {@code region} is not a
     *                                  native segment, or the advice may discard the contents and
     *                                  {@code region} is read-only
     * @throws IllegalStateException    if the arena of {@code region} is already closed
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
