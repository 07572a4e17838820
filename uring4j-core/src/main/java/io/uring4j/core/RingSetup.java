package io.uring4j.core;

import io.uring4j.core.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * How an {@link IoUring} comes to be: port of liburing's {@code io_uring_queue_init_params} and
 * {@code io_uring_queue_init_mem} ({@code setup.c}). Tries NO_SQARRAY first unless told not to,
 * lays out NO_MMAP memory, calls io_uring_setup, maps the rings, and on any failure releases
 * what it took (arena, fd) and explains the errno.
 */
final class RingSetup {
    private RingSetup() {}

    /**
     * Port of {@code io_uring_memory_size_params}: what {@link #setup} will use in NO_MMAP memory
     * for these params on this kernel, the SQ index array left out when NO_SQARRAY will be taken.
     */
    static long memorySize(int entries, IoUringParams params) {
        int flags = params.flags;
        if (params.tryNoSqArray && RingMemory.kernelTakesNoSqArray()) {
            flags |= SetupFlag.NO_SQARRAY.mask();
        }
        return RingMemory.memorySize(entries, flags, params.cqEntries);
    }

    static IoUring setup(int entries, IoUringParams p, MemorySegment callerMemory) {
        RingMemory.sizes(entries, p.flags, p.cqEntries); // argument errors before the kernel sees them
        boolean noMmap = (p.flags & SetupFlag.NO_MMAP.mask()) != 0;
        if ((p.flags & SetupFlag.REGISTERED_FD_ONLY.mask()) != 0 && !noMmap) {
            throw new IllegalArgumentException("REGISTERED_FD_ONLY needs NO_MMAP (a registered-only ring cannot be mmap'd), given "
                    + BitFlag.names(SetupFlag.class, p.flags));
        }
        boolean explicitNoSqArray = (p.flags & SetupFlag.NO_SQARRAY.mask()) != 0;
        if (p.tryNoSqArray && !explicitNoSqArray) {
            int first = p.flags | SetupFlag.NO_SQARRAY.mask();
            int[] error = new int[1];
            IoUring ring = attempt(entries, p, first, callerMemory, error);
            if (ring != null) {
                return ring;
            }
            if (error[0] != -Errno.EINVAL.code()) {
                throw setupFailure(error[0], entries, p, first);
            }
        }
        int[] error = new int[1];
        IoUring ring = attempt(entries, p, p.flags, callerMemory, error);
        if (ring == null) {
            throw setupFailure(error[0], entries, p, p.flags);
        }
        return ring;
    }

    private static IoUringException setupFailure(int err, int entries, IoUringParams p, int flags) {
        String hint = switch (Errno.of(err)) {
            case EINVAL -> " (a flag this kernel does not know, or a combination it refuses)";
            case ENOSYS -> " (kernel without io_uring)";
            case EPERM -> " (io_uring_disabled sysctl or a seccomp filter)";
            case ENOMEM -> " (" + MemoryHints.setup(err, RingMemory.memorySize(entries, flags, p.cqEntries)) + ")";
            case null, default -> "";
        };
        return new IoUringException("io_uring_setup", err, "entries=" + entries + ", flags="
                + BitFlag.names(SetupFlag.class, flags) + ", cqEntries=" + p.cqEntries + hint);
    }

    /** One io_uring_setup try; null with {@code error[0]} = -errno when the kernel refused it. */
    private static IoUring attempt(int entries, IoUringParams p, int flags, MemorySegment callerMemory, int[] error) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment params = arena.allocate(Layouts.PARAMS);
            params.set(JAVA_INT, Layouts.params("flags"), flags);
            params.set(JAVA_INT, Layouts.params("cq_entries"), p.cqEntries);
            params.set(JAVA_INT, Layouts.params("sq_thread_cpu"), p.sqThreadCpu);
            params.set(JAVA_INT, Layouts.params("sq_thread_idle"), p.sqThreadIdleMillis);
            params.set(JAVA_INT, Layouts.params("wq_fd"), p.wqFd);
            RingMemory mem = null;
            if ((flags & SetupFlag.NO_MMAP.mask()) != 0) {
                long needed = RingMemory.memorySize(entries, flags, p.cqEntries);
                MemorySegment region;
                if (callerMemory != null) {
                    RingMemory.checkCallerMemory(callerMemory, needed);
                    // bound to the ring's arena too, so the ring's views of it die with close()
                    region = callerMemory.reinterpret(arena, null);
                } else {
                    region = RingMemory.allocateShared(arena, RingMemory.roundUpPage(needed));
                }
                mem = RingMemory.inMemory(region, params, entries, flags, p.cqEntries);
            }
            int fd = Native.ioUringSetup(entries, params);
            if (fd < 0) {
                error[0] = fd;
                arena.close();
                return null;
            }
            try {
                if (mem == null) {
                    mem = RingMemory.map(arena, fd, params);
                }
                return new IoUring(arena, fd, params, mem, (flags & SetupFlag.REGISTERED_FD_ONLY.mask()) != 0);
            } catch (RuntimeException | Error e) {
                if ((flags & SetupFlag.REGISTERED_FD_ONLY.mask()) == 0) {
                    Native.close(fd);
                }
                throw e;
            }
        } catch (RuntimeException | Error e) {
            if (arena.scope().isAlive()) {
                arena.close();
            }
            throw e;
        }
    }
}
