package io.uring4j.core;

import java.lang.foreign.MemorySegment;

/**
 * Prep helpers for timeouts. Implemented only by {@link Sqe}.
 *
 * <p>A timespec segment ({@link KernelTimespec}) must live until the submitting enter returns
 * ({@link Feature#SUBMIT_STABLE}, no SQPOLL); with SQPOLL, until completion.
 */
public sealed interface TimeoutOps permits Sqe {

    /* IORING_TIMEOUT_* flags (sqe->timeout_flags). */
    int TIMEOUT_ABS = 1 << 0;
    int TIMEOUT_UPDATE = 1 << 1;
    int TIMEOUT_BOOTTIME = 1 << 2;
    int TIMEOUT_REALTIME = 1 << 3;
    int LINK_TIMEOUT_UPDATE = 1 << 4;
    int TIMEOUT_ETIME_SUCCESS = 1 << 5;
    int TIMEOUT_MULTISHOT = 1 << 6;

    /* ---- kernel 5.4 ---- */

    /**
     * Equivalent to {@code io_uring_prep_timeout(3)}; kernel 5.4. Completes with -ETIME when
     * {@code ts} expires, or with 0 once {@code count} other completions have arrived
     * ({@code count} 0: only the time counts).
     */
    @Prep(value = Opcode.TIMEOUT, liburing = "io_uring_prep_timeout")
    default Sqe prepTimeout(MemorySegment ts, int count, int flags) {
        long addr = Sqe.struct(ts, KernelTimespec.BYTES, "prepTimeout timespec");
        return ((Sqe) this).prepRw(Opcode.TIMEOUT, -1, addr, 1, count).opFlags(flags);
    }
}
