package io.uring4j.tools.soak;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * RLIMIT_NOFILE through getrlimit(2)/setrlimit(2): the soak needs two fds per connection (the
 * client's and the server's end) and raises its soft limit to the hard one when that is not
 * enough (the JVM usually did already: -XX:+MaxFDLimit).
 */
final class FdLimit {
    private FdLimit() {}

    /** RLIMIT_NOFILE of {@code <asm-generic/resource.h>} (x86-64, arm64, riscv: every platform the project runs on). */
    private static final int RLIMIT_NOFILE = 7;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETRLIMIT = handle("getrlimit");
    private static final MethodHandle SETRLIMIT = handle("setrlimit");

    private static MethodHandle handle(String name) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** {soft, hard}; RLIM_INFINITY reads as Long.MAX_VALUE. */
    static long[] get() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rl = a.allocate(16, 8);
            int r = (int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, rl);
            if (r != 0) throw new IllegalStateException("getrlimit(RLIMIT_NOFILE) failed");
            return new long[] {unsigned(rl.get(JAVA_LONG, 0)), unsigned(rl.get(JAVA_LONG, 8))};
        } catch (Throwable t) {
            throw t instanceof RuntimeException re ? re : new IllegalStateException(t);
        }
    }

    private static long unsigned(long v) {
        return v < 0 ? Long.MAX_VALUE : v;
    }

    /** Sets the soft limit to {@code soft} (at most the hard limit); whether it worked. */
    static boolean setSoft(long soft) {
        long[] now = get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rl = a.allocate(16, 8);
            rl.set(JAVA_LONG, 0, Math.min(soft, now[1]));
            rl.set(JAVA_LONG, 8, now[1] == Long.MAX_VALUE ? -1 : now[1]);
            return (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, rl) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
