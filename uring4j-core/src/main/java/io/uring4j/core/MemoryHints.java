package io.uring4j.core;

import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What to tell the user when the kernel refuses memory to a ring: the cause that matches the
 * errno, the limit in force with its current value, and the fix.
 *
 * <p>The accounting rule, from the kernel source ({@code io_uring/rsrc.c},
 * {@code io_uring/memmap.c}): a ring created by a task without CAP_IPC_LOCK records its user,
 * and then every page it pins for registered buffers ({@code io_buffer_account_pin} ->
 * {@code io_account_mem}) and every region it allocates for its rings and SQEs
 * ({@code io_create_region} -> {@code __io_account_mem}) is added to the user's locked memory
 * and refused with ENOMEM past RLIMIT_MEMLOCK. The limit is per user: other rings and processes
 * of the same user share it. From 5.12 the rings were charged to the memory cgroup only, until
 * they became io_uring regions (about 6.14); 6.18 charges them to RLIMIT_MEMLOCK (verified:
 * {@code prlimit --memlock=0} without CAP_IPC_LOCK fails io_uring_setup with ENOMEM). With CAP_IPC_LOCK nothing
 * is charged to the rlimit and an ENOMEM means the memory cgroup or the machine is out of memory.
 * Pinning a MAP_SHARED mapping of a regular file for long-term use is refused (EFAULT; older
 * kernels: EOPNOTSUPP), since the file system could not write the pages back.
 */
final class MemoryHints {
    private MemoryHints() {}

    private static final int CAP_IPC_LOCK = 14;

    /** The hint for a failed REGISTER_BUFFERS / BUFFERS_UPDATE of {@code bytes} bytes, or "". */
    static String bufferRegistration(int errno, long bytes) {
        return switch (Errno.of(errno)) {
            case ENOMEM -> lockedMemory("pinned registered buffers count", "", bytes);
            case EFAULT -> "EFAULT: the kernel could not pin the buffer pages for long-term use: memory mapped from a"
                    + " regular file with MAP_SHARED (FileChannel.map READ_WRITE) cannot be registered, nor memory that"
                    + " is not mapped; register anonymous memory (Arena.allocate), shmem or hugetlb pages instead";
            case EOPNOTSUPP -> "EOPNOTSUPP: this kernel does not register file-backed memory; register anonymous memory"
                    + " (Arena.allocate) instead";
            case EBUSY -> "EBUSY: this ring already has a buffer table; unregister it or update its slots";
            case ENXIO -> "ENXIO: this ring has no buffer table to update; register one (registerBuffersSparse) first";
            case EOVERFLOW -> "EOVERFLOW: a buffer's range wraps around the address space";
            case null, default -> "";
        };
    }

    /** The hint for io_uring_setup failing with {@code errno} for a ring of about {@code bytes} bytes, or "". */
    static String setup(int errno, long bytes) {
        return Errno.of(errno) == Errno.ENOMEM
                ? lockedMemory("the ring's memory counts", " on kernels up to 5.11 and again since the rings became"
                        + " io_uring regions (about 6.14)", bytes)
                : "";
    }

    /**
     * The hint for a failed mmap of ring memory, or "": ENOMEM from mmap is the process's
     * address space (RLIMIT_AS, with its value) or its count of mappings, not locked memory.
     */
    static String mapping(int errno) {
        return Errno.of(errno) == Errno.ENOMEM
                ? " (ENOMEM: the process's address space is used up: " + limit(Posix.RLIMIT_AS, "RLIMIT_AS") + " (ulimit -v),"
                        + " or its number of mappings reached vm.max_map_count)"
                : "";
    }

    private static String lockedMemory(String subject, String kernels, long bytes) {
        Boolean ipcLock = hasIpcLock();
        String kernel = firstLine("/proc/sys/kernel/osrelease");
        if (Boolean.TRUE.equals(ipcLock)) {
            return "ENOMEM with CAP_IPC_LOCK, so not RLIMIT_MEMLOCK: the memory cgroup limit or the machine's memory"
                    + " ran out (" + bytes + " bytes asked, kernel " + kernel + ")";
        }
        return "ENOMEM: " + (ipcLock == null ? "unless the process has CAP_IPC_LOCK, " : "without CAP_IPC_LOCK, ") + subject
                + " against RLIMIT_MEMLOCK (locked memory, per user, shared by the user's rings)" + kernels + "; "
                + memlockLimit() + ", " + bytes + " bytes asked here (kernel " + kernel + "). Raise it (ulimit -l,"
                + " LimitMEMLOCK= in a systemd unit, docker run --ulimit memlock=...) or grant CAP_IPC_LOCK; if it is"
                + " ample, the memory cgroup or the machine is out of memory";
    }

    /** "RLIMIT_MEMLOCK is 8388608 bytes (soft), 8388608 (hard)", from getrlimit(2). */
    static String memlockLimit() {
        return limit(Posix.RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK");
    }

    /** "NAME is N bytes (soft), M bytes (hard)" of {@code resource}, from getrlimit(2). */
    private static String limit(int resource, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlim = arena.allocate(Posix.RLIMIT);
            if (Posix.getrlimit(resource, rlim) != 0) {
                return name + " unknown";
            }
            return name + " is " + limit(rlim.get(JAVA_LONG, Posix.RLIMIT_CUR)) + " (soft), "
                    + limit(rlim.get(JAVA_LONG, Posix.RLIMIT_MAX)) + " (hard)";
        } catch (RuntimeException | LinkageError e) {
            return name + " unknown";
        }
    }

    private static String limit(long value) {
        return value == -1 ? "unlimited" : value + " bytes";
    }

    /** Whether CAP_IPC_LOCK is in the effective set ({@code CapEff} of /proc/self/status), or null if unknown. */
    static Boolean hasIpcLock() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_IPC_LOCK)) != 0;
                }
            }
        } catch (Exception e) {
            // unknown
        }
        return null;
    }

    private static String firstLine(String path) {
        try {
            return Files.readAllLines(Path.of(path)).getFirst().trim();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
