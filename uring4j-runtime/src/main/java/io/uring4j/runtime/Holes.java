package io.uring4j.runtime;

import io.uring4j.core.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Where a file's data lies, for copies that keep its holes: {@code lseek(2)} with SEEK_DATA and
 * SEEK_HOLE (io_uring has no seek). A plain syscall on the loop thread, once per data extent of
 * the source (twice for a file without holes), never per chunk. Filesystems without holes report
 * the whole file as data; files that cannot seek (proc files) fail, and are then copied whole.
 */
final class Holes {
    private Holes() {}

    /** lseek(2) whence values of Linux (include/uapi/linux/fs.h); not yet in core's Posix. */
    static final int SEEK_DATA = 3, SEEK_HOLE = 4;

    private static final MethodHandle LSEEK = Native.libcWithErrno("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));

    /** lseek(2): the resulting offset, or -errno (ENXIO: no data at or after {@code offset}). */
    static long seek(int fd, long offset, int whence) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Native.allocateErrnoState(arena);
            long r = (long) LSEEK.invokeExact(errno, fd, offset, whence);
            return r < 0 ? -Native.capturedErrno(errno) : r;
        } catch (Throwable t) {
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException("lseek threw", t);
        }
    }
}
