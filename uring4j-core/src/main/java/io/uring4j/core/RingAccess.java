package io.uring4j.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The five memory-ordering verbs of liburing's {@code barrier.h}, and the only place in uring4j
 * that touches ring words shared with the kernel through a {@link VarHandle}.
 *
 * <table>
 *   <caption>liburing verb to Java access mode</caption>
 *   <tr><th>liburing</th><th>here</th><th>Java</th></tr>
 *   <tr><td>IO_URING_READ_ONCE</td><td>{@link #readOnce}</td><td>getOpaque</td></tr>
 *   <tr><td>IO_URING_WRITE_ONCE</td><td>{@link #writeOnce}</td><td>setOpaque</td></tr>
 *   <tr><td>io_uring_smp_load_acquire</td><td>{@link #loadAcquire}</td><td>getAcquire</td></tr>
 *   <tr><td>io_uring_smp_store_release</td><td>{@link #storeRelease}</td><td>setRelease</td></tr>
 *   <tr><td>io_uring_smp_mb</td><td>{@link #fullFence}</td><td>VarHandle.fullFence</td></tr>
 * </table>
 *
 * Every caller writes, on the line above the call, which publication it makes or consumes and
 * what the kernel does on the other side (RingAccessRuleTest holds every call site to that).
 * Package-private: only the SQ, the CQ and buffer rings touch shared ring words.
 */
final class RingAccess {
    private RingAccess() {}

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();

    static int readOnce(MemorySegment ring, long offset) {
        return (int) INT.getOpaque(ring, offset);
    }

    static void writeOnce(MemorySegment ring, long offset, int value) {
        INT.setOpaque(ring, offset, value);
    }

    static int loadAcquire(MemorySegment ring, long offset) {
        return (int) INT.getAcquire(ring, offset);
    }

    static void storeRelease(MemorySegment ring, long offset, int value) {
        INT.setRelease(ring, offset, value);
    }

    /** A 16-bit store-release, for the tail of a provided-buffer ring. */
    static void storeReleaseShort(MemorySegment ring, long offset, short value) {
        SHORT.setRelease(ring, offset, value);
    }

    static void fullFence() {
        VarHandle.fullFence();
    }
}
