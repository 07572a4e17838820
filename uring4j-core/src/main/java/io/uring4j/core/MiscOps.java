package io.uring4j.core;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Prep helpers that touch no file: NOP and friends. Implemented only by {@link Sqe}; each
 * helper's javadoc names its liburing equivalent and the first kernel with the opcode.
 */
public sealed interface MiscOps permits Sqe {

    /* ---- kernel 5.1 ---- */

    /** Equivalent to {@code io_uring_prep_nop(3)}; kernel 5.1. */
    @Prep(value = Opcode.NOP, liburing = "io_uring_prep_nop")
    default Sqe prepNop() {
        return ((Sqe) this).prepRw(Opcode.NOP, -1, 0, 0, 0);
    }

    /** IORING_NOP_INJECT_RESULT: the NOP completes with {@code res} = the value in {@code len}. */
    int NOP_INJECT_RESULT = 1 << 0;

    /**
     * A NOP that completes with the given result (IORING_NOP_INJECT_RESULT, kernel 6.x): the
     * test tool for error paths, e.g. a failing member of a link chain.
     */
    @Prep(value = Opcode.NOP, liburing = "io_uring_prep_nop")
    default Sqe prepNop(int injectedResult) {
        Sqe sqe = ((Sqe) this).prepRw(Opcode.NOP, -1, 0, injectedResult, 0);
        return sqe.opFlags(NOP_INJECT_RESULT);
    }
}
