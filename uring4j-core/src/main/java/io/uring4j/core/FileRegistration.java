package io.uring4j.core;

import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The fixed-file half of {@link Registration}: file tables (REGISTER_FILES, FILES2,
 * FILES_UPDATE2, UNREGISTER_FILES) and the direct-descriptor allocation range. Port of the file
 * functions of liburing's {@code register.c}, including its one retry after raising
 * {@code RLIMIT_NOFILE} when the kernel says EMFILE (it refuses tables larger than that limit).
 */
final class FileRegistration {
    private FileRegistration() {}

    /** IORING_MAX_FIXED_FILES: the kernel's limit on a file table. */
    static final int MAX_FILES = 1 << 20;

    /** Port of {@code io_uring_register_files}. */
    static void register(IoUring ring, int[] fds) {
        Registration.ensureOpen(ring);
        int n = count(fds.length, "registerFiles");
        checkFds(fds, Registration.FILE_SLOT_EMPTY, "registerFiles");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocateFrom(JAVA_INT, fds);
            registerRaisingLimit(ring, RegisterOp.REGISTER_FILES, arg, n, n, "table of " + n + " files");
        }
    }

    /** Port of {@code io_uring_register_files_sparse}: a table of {@code nr} empty slots (kernel 5.19). */
    static void registerSparse(IoUring ring, int nr) {
        Registration.ensureOpen(ring);
        count(nr, "registerFilesSparse");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = arena.allocate(Layouts.RSRC_REGISTER);
            reg.set(JAVA_INT, Layouts.RSRC_REGISTER_NR, nr);
            reg.set(JAVA_INT, Layouts.RSRC_REGISTER_FLAGS, Layouts.RSRC_REGISTER_SPARSE);
            registerRaisingLimit(ring, RegisterOp.REGISTER_FILES2, reg, (int) Layouts.RSRC_REGISTER.byteSize(), nr,
                    "sparse table of " + nr + " files");
        }
    }

    /** Port of {@code io_uring_register_files_update_tag} without tags: returns how many slots changed. */
    static int update(IoUring ring, int offset, int[] fds) {
        Registration.ensureOpen(ring);
        if (offset < 0) {
            throw new IllegalArgumentException("updateFiles: offset must be >= 0, given " + offset);
        }
        int n = count(fds.length, "updateFiles");
        checkFds(fds, Registration.FILE_SLOT_SKIP, "updateFiles");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment files = arena.allocateFrom(JAVA_INT, fds);
            MemorySegment up = arena.allocate(Layouts.RSRC_UPDATE2);
            up.set(JAVA_INT, Layouts.RSRC_UPDATE2_OFFSET, offset);
            up.set(JAVA_LONG, Layouts.RSRC_UPDATE2_DATA, files.address());
            up.set(JAVA_INT, Layouts.RSRC_UPDATE2_NR, n);
            return ring.registerOrThrow(RegisterOp.REGISTER_FILES_UPDATE2, up, (int) Layouts.RSRC_UPDATE2.byteSize(),
                    "slots " + offset + ".." + (offset + n - 1) + " (ENXIO: no file table, EINVAL: beyond the table)");
        }
    }

    /** Port of {@code io_uring_unregister_files}. */
    static void unregister(IoUring ring) {
        Registration.ensureOpen(ring);
        ring.registerOrThrow(RegisterOp.UNREGISTER_FILES, MemorySegment.NULL, 0, "unregister files (ENXIO: none registered)");
    }

    /** Port of {@code io_uring_register_file_alloc_range} (kernel 6.0). */
    static void allocRange(IoUring ring, int offset, int len) {
        Registration.ensureOpen(ring);
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("registerFileAllocRange: offset and len must be >= 0, given offset="
                    + offset + ", len=" + len);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(Layouts.FILE_INDEX_RANGE);
            range.set(JAVA_INT, Layouts.FILE_INDEX_RANGE_OFF, offset);
            range.set(JAVA_INT, Layouts.FILE_INDEX_RANGE_LEN, len);
            ring.registerOrThrow(RegisterOp.REGISTER_FILE_ALLOC_RANGE, range, 0, "slots [" + offset + ", "
                    + ((long) offset + len) + ") (EINVAL: beyond the file table, or no table)");
        }
    }

    private static int count(int n, String what) {
        if (n < 1 || n > MAX_FILES) {
            throw new IllegalArgumentException(what + ": 1.." + MAX_FILES + " files (IORING_MAX_FIXED_FILES), given " + n);
        }
        return n;
    }

    private static void checkFds(int[] fds, int lowest, String what) {
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] < lowest) {
                throw new IllegalArgumentException(what + ": fd " + i + " must be an fd or " + lowest
                        + (lowest == Registration.FILE_SLOT_SKIP ? " (skip) or -1 (clear)" : " (empty slot)") + ", given " + fds[i]);
            }
        }
    }

    /**
     * Registers; on EMFILE (the table is larger than RLIMIT_NOFILE) raises the soft limit once,
     * as liburing does, and tries again.
     */
    private static void registerRaisingLimit(IoUring ring, RegisterOp op, MemorySegment arg, int nrArgs, int files, String what) {
        int r = ring.register(op, arg, nrArgs);
        if (r == -Errno.EMFILE.code() && raiseNofileLimit(files)) {
            r = ring.register(op, arg, nrArgs);
        }
        if (r < 0) {
            throw new IoUringException("io_uring_register(" + op.kernelName() + ")", r,
                    what + (r == -Errno.EMFILE.code() ? " (more than RLIMIT_NOFILE, which could not be raised)" : ""));
        }
    }

    /**
     * Raises the soft RLIMIT_NOFILE by {@code files} (capped at the hard limit) if it is below
     * {@code files}; whether it was raised.
     */
    static boolean raiseNofileLimit(int files) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlim = arena.allocate(Posix.RLIMIT);
            if (Posix.getrlimit(Posix.RLIMIT_NOFILE, rlim) < 0) {
                return false;
            }
            long cur = rlim.get(JAVA_LONG, Posix.RLIMIT_CUR), max = rlim.get(JAVA_LONG, Posix.RLIMIT_MAX);
            if (Long.compareUnsigned(cur, files) >= 0) {
                return false;
            }
            long wanted = cur + files;
            rlim.set(JAVA_LONG, Posix.RLIMIT_CUR, Long.compareUnsigned(wanted, max) > 0 ? max : wanted);
            return Posix.setrlimit(Posix.RLIMIT_NOFILE, rlim) == 0;
        }
    }
}
