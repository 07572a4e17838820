package io.uring4j.runtime;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the native bytes the runtime holds (loop arenas, pooled buffers), so tests and users can
 * check that closing loops gives every byte back.
 */
final class NativeMemory {
    private NativeMemory() {}

    private static final AtomicLong BYTES = new AtomicLong();

    static void allocated(long bytes) {
        BYTES.addAndGet(bytes);
    }

    static void freed(long bytes) {
        BYTES.addAndGet(-bytes);
    }

    static long bytes() {
        return BYTES.get();
    }
}
