package io.uring4j.core.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system calls uring4j makes, as downcalls into libc. Every call captures {@code errno}
 * through {@link Linker.Option#captureCallState} and reports failure as a negative errno, the
 * convention of the kernel and of liburing; callers turn that into an exception where it is an
 * error. Not exported: users reach the kernel only through the public API.
 *
 * <p>io_uring has no libc wrappers, so its three calls go through the variadic {@code syscall(2)};
 * every variadic argument is passed as a 64-bit value because glibc reads them as {@code long}.
 */
public final class Native {
    private Native() {}

    /** The system call number of {@code io_uring_setup(2)} (the same on every architecture). */
    public static final int SYS_IO_URING_SETUP = 425;
    /** The system call number of {@code io_uring_enter(2)}. */
    public static final int SYS_IO_URING_ENTER = 426;
    /** The system call number of {@code io_uring_register(2)}. */
    public static final int SYS_IO_URING_REGISTER = 427;

    /** mmap(2) protections: the pages may be read ({@code PROT_READ}), written ({@code PROT_WRITE}). */
    public static final int PROT_READ = 0x1, PROT_WRITE = 0x2;
    /**
     * mmap(2) flags: share the mapping with the file or kernel ({@code MAP_SHARED}), keep it
     * private ({@code MAP_PRIVATE}), map no file ({@code MAP_ANONYMOUS}), fault the pages in at
     * once ({@code MAP_POPULATE}).
     */
    public static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20, MAP_POPULATE = 0x8000;
    /** madvise(2) advice {@code MADV_DONTFORK}: a child made by fork(2) does not get the range. */
    public static final int MADV_DONTFORK = 10;

    private static final Linker LINKER = Linker.nativeLinker();
    /**
     * Where libc's functions are found: the JDK's default lookup, or else libc itself. The
     * default lookup dlopens a helper library on first use; a JVM that first uses it while the
     * process has no free fd gets a lookup that finds nothing, for the rest of its life. libc is
     * mapped already, so opening it by name needs no fd.
     */
    private static final SymbolLookup LIBC = name -> LINKER.defaultLookup().find(name).or(() -> libcByName(name));

    private static java.util.Optional<MemorySegment> libcByName(String name) {
        try {
            return SymbolLookup.libraryLookup("libc.so.6", Arena.global()).find(name);
        } catch (IllegalArgumentException notGlibc) {
            return java.util.Optional.empty(); // musl and others: only the default lookup applies
        }
    }
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SETUP = syscall(JAVA_LONG, ADDRESS);
    private static final MethodHandle REGISTER = syscall(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    private static final FunctionDescriptor ENTER_DESC = FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    /**
     * io_uring_enter that cannot block for long (nothing to wait for): a critical downcall skips
     * the thread-state transition, which is most of the FFM cost at batch 1. It must never wait,
     * because a critical call holds off safepoints (and with them GC) until it returns.
     */
    private static final MethodHandle ENTER_CRITICAL = LINKER.downcallHandle(
            LIBC.findOrThrow("syscall"), ENTER_DESC,
            Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO, Linker.Option.critical(false));
    /** io_uring_enter that may sleep in the kernel: an ordinary downcall. */
    private static final MethodHandle ENTER_BLOCKING = LINKER.downcallHandle(
            LIBC.findOrThrow("syscall"), ENTER_DESC,
            Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);

    private static final MethodHandle MMAP = libc("mmap", FunctionDescriptor.of(ADDRESS,
            ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = libc("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MADVISE = libc("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETPAGESIZE = LINKER.downcallHandle(
            LIBC.findOrThrow("getpagesize"), FunctionDescriptor.of(JAVA_INT));

    private static final long PAGE_SIZE;
    static {
        try {
            PAGE_SIZE = (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    private static MethodHandle syscall(MemoryLayout... args) {
        MemoryLayout[] all = new MemoryLayout[args.length + 1];
        all[0] = JAVA_LONG;
        System.arraycopy(args, 0, all, 1, args.length);
        return LINKER.downcallHandle(LIBC.findOrThrow("syscall"),
                FunctionDescriptor.of(JAVA_LONG, all), Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
    }

    private static MethodHandle libc(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), fd, CAPTURE_ERRNO);
    }

    /**
     * Space for the errno that a downcall captures; one per thread of use (a ring owns one).
     *
     * @param arena where the state is allocated
     * @return a segment of {@link Linker.Option#captureStateLayout()}, for {@link #ioUringEnter}
     *         and the handles of {@link #libcWithErrno}
     */
    public static MemorySegment allocateErrnoState(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * The page size, read once from getpagesize(3).
     *
     * @return the page size in bytes
     */
    public static long pageSize() {
        return PAGE_SIZE;
    }

    /**
     * io_uring_setup(2): sets up a ring.
     *
     * @param entries the SQ size asked for
     * @param params  the {@code struct io_uring_params} to pass; the kernel fills in its output half
     * @return the new ring fd, or -errno
     */
    public static int ioUringSetup(int entries, MemorySegment params) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = allocateErrnoState(arena);
            long r = (long) SETUP.invokeExact(state, (long) SYS_IO_URING_SETUP, (long) entries, params);
            return r < 0 ? -errno(state) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * io_uring_enter(2): the kernel's result, or -errno. {@code mayBlock} selects the ordinary
     * downcall when the kernel may sleep (waiting for completions, SQ_WAIT, timeouts); the
     * critical one otherwise.
     *
     * @param errnoState  where the errno is captured ({@link #allocateErrnoState})
     * @param fd          the ring fd, or the registered index with {@code IORING_ENTER_REGISTERED_RING}
     * @param toSubmit    how many SQEs to submit
     * @param minComplete how many completions to wait for (with GETEVENTS)
     * @param flags       {@code IORING_ENTER_*} flags
     * @param arg         the sigset or {@code struct io_uring_getevents_arg}, or NULL
     * @param argSize     the size of {@code arg} in bytes
     * @param mayBlock    whether the kernel may sleep in this call
     * @return the kernel's result (the number submitted), or -errno
     */
    public static int ioUringEnter(MemorySegment errnoState, int fd, int toSubmit, int minComplete, int flags,
                                   MemorySegment arg, long argSize, boolean mayBlock) {
        try {
            long r = mayBlock
                    ? (long) ENTER_BLOCKING.invokeExact(errnoState, (long) SYS_IO_URING_ENTER, (long) fd,
                        toSubmit & 0xFFFF_FFFFL, minComplete & 0xFFFF_FFFFL, flags & 0xFFFF_FFFFL, arg, argSize)
                    : (long) ENTER_CRITICAL.invokeExact(errnoState, (long) SYS_IO_URING_ENTER, (long) fd,
                        toSubmit & 0xFFFF_FFFFL, minComplete & 0xFFFF_FFFFL, flags & 0xFFFF_FFFFL, arg, argSize);
            return r < 0 ? -errno(errnoState) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * io_uring_register(2).
     *
     * @param fd     the ring fd, or the registered index with {@code IORING_REGISTER_USE_REGISTERED_RING}
     * @param opcode the {@code IORING_REGISTER_*} opcode, with any flag bits
     * @param arg    the opcode's argument, or NULL
     * @param nrArgs the opcode's count or size argument
     * @return the kernel's result, or -errno
     */
    public static int ioUringRegister(int fd, int opcode, MemorySegment arg, int nrArgs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = allocateErrnoState(arena);
            long r = (long) REGISTER.invokeExact(state, (long) SYS_IO_URING_REGISTER, (long) fd,
                    opcode & 0xFFFF_FFFFL, arg, nrArgs & 0xFFFF_FFFFL);
            return r < 0 ? -errno(state) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * mmap(2).
     *
     * @param addr   the address hint, or 0
     * @param length the mapping's length in bytes
     * @param prot   {@code PROT_*} bits
     * @param flags  {@code MAP_*} bits
     * @param fd     the file to map, or -1 with {@link #MAP_ANONYMOUS}
     * @param offset the offset in the file (for a ring fd, the region's {@code IORING_OFF_*})
     * @return the address, or -errno (as a negative long)
     */
    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = allocateErrnoState(arena);
            MemorySegment r = (MemorySegment) MMAP.invokeExact(state, MemorySegment.ofAddress(addr), length,
                    prot, flags, fd, offset);
            return r.address() == -1L ? -errno(state) : r.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * munmap(2).
     *
     * @param addr   the start of the mapping
     * @param length its length in bytes
     * @return 0 or -errno
     */
    public static int munmap(long addr, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = allocateErrnoState(arena);
            int r = (int) MUNMAP.invokeExact(state, MemorySegment.ofAddress(addr), length);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * madvise(2).
     *
     * @param addr   the start of the range (page-aligned)
     * @param length its length in bytes
     * @param advice the {@code MADV_*} advice
     * @return 0 or -errno
     */
    public static int madvise(long addr, long length, int advice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = allocateErrnoState(arena);
            int r = (int) MADVISE.invokeExact(state, MemorySegment.ofAddress(addr), length, advice);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * close(2).
     *
     * @param fd the file descriptor
     * @return 0 or -errno
     */
    public static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = allocateErrnoState(arena);
            int r = (int) CLOSE.invokeExact(state, fd);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Looks up a libc function for callers elsewhere in uring4j that need more system calls.
     *
     * @param name the libc symbol
     * @param fd   its C signature
     * @return a downcall handle whose first argument is the errno capture state
     *         ({@link #allocateErrnoState}), read with {@link #capturedErrno}
     * @throws java.util.NoSuchElementException if libc has no such symbol
     */
    public static MethodHandle libcWithErrno(String name, FunctionDescriptor fd) {
        return libc(name, fd);
    }

    /**
     * Reads the errno captured into {@code state} by a handle from {@link #libcWithErrno}.
     *
     * @param state the capture state the call was given
     * @return the errno the last call through it left
     */
    public static int capturedErrno(MemorySegment state) {
        return errno(state);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
