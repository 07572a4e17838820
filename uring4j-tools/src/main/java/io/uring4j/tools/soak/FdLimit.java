package io.uring4j.tools.soak;

import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * RLIMIT_NOFILE through getrlimit(2)/setrlimit(2) (core's {@link Posix}): the soak needs two fds
 * per connection (the client's and the server's end) and raises its soft limit to the hard one
 * when that is not enough (the JVM usually did already: -XX:+MaxFDLimit).
 */
final class FdLimit {
    private FdLimit() {}

    /** {soft, hard}; RLIM_INFINITY reads as Long.MAX_VALUE. */
    static long[] get() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rl = a.allocate(Posix.RLIMIT);
            if (Posix.getrlimit(Posix.RLIMIT_NOFILE, rl) != 0) throw new IllegalStateException("getrlimit(RLIMIT_NOFILE) failed");
            return new long[] {unsigned(rl.get(JAVA_LONG, Posix.RLIMIT_CUR)), unsigned(rl.get(JAVA_LONG, Posix.RLIMIT_MAX))};
        }
    }

    private static long unsigned(long v) {
        return v < 0 ? Long.MAX_VALUE : v;
    }

    /** Sets the soft limit to {@code soft} (at most the hard limit); whether it worked. */
    static boolean setSoft(long soft) {
        long[] now = get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rl = a.allocate(Posix.RLIMIT);
            rl.set(JAVA_LONG, Posix.RLIMIT_CUR, Math.min(soft, now[1]));
            rl.set(JAVA_LONG, Posix.RLIMIT_MAX, now[1] == Long.MAX_VALUE ? -1 : now[1]);
            return Posix.setrlimit(Posix.RLIMIT_NOFILE, rl) == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
