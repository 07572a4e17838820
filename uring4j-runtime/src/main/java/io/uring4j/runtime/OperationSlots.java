package io.uring4j.runtime;

import io.uring4j.core.Cqe;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;

/**
 * The operations of one loop: the slot table (slots by index, a plain array, since every CQE
 * looks its slot up by the index in its user_data; a stack of free indexes; each slot's
 * {@value Operation#SCRATCH_BYTES}-byte scratch area in the loop's arena), and the accounting
 * of the CQEs each operation still expects, which alone decides when a slot is free again.
 *
 * <p><b>Limit.</b> The loop admits new requests ({@link #admit}) while fewer than
 * {@link #limit} slots are in use; beyond, a request is refused with a
 * {@link RejectedExecutionException} naming the limit, before it takes anything. Slots past the
 * limit, up to {@link #RESERVE} more, serve what admitted work needs next (the later steps of a
 * copy, a re-armed receive or accept, a close); past those too {@link #take} refuses, so the
 * table (and its scratch memory) never grows beyond {@code limit + RESERVE} slots. The table
 * grows in blocks and does not shrink: a slot's index is part of the user_data of requests that
 * may still complete. Loop thread only.
 */
final class OperationSlots {
    /** Slots past the limit for work already admitted. */
    static final int RESERVE = 1024;
    private static final int FIRST_BLOCK = 64;

    private final EventLoop loop;
    private final Arena arena;
    private final int limit;
    private Operation[] slots = new Operation[0];
    private int[] free = new int[0];
    private int freeCount;
    private int inUse;
    /** Operations with CQEs still to come (read racily by a closing thread for its report). */
    private int inFlight;
    private boolean startedSinceMark;

    OperationSlots(EventLoop loop, Arena arena, int limit) {
        this.loop = loop;
        this.arena = arena;
        this.limit = limit;
    }

    /** Refuses new work when {@link #limit} slots are in use: nothing has been taken yet. */
    void admit() {
        if (inUse >= limit) throw full(limit);
    }

    /** A free slot, growing the table if needed. */
    Operation take() {
        if (freeCount == 0) {
            if (slots.length >= limit + RESERVE) throw full(limit + RESERVE);
            grow();
        }
        inUse++;
        return slots[free[--freeCount]];
    }

    private RejectedExecutionException full(int at) {
        return new RejectedExecutionException(loop + " has " + inUse + " requests in flight, its limit"
                + (at == limit ? "" : " with the reserve for work already admitted") + " is " + at
                + " (EventLoopGroup.Builder.maxOperations(" + limit + ")): retry when some have completed,"
                + " or raise the limit");
    }

    private void grow() {
        int old = slots.length;
        int add = Math.min(Math.max(FIRST_BLOCK, old), limit + RESERVE - old);
        MemorySegment block = arena.allocate((long) add * Operation.SCRATCH_BYTES, 64);
        NativeMemory.allocated((long) add * Operation.SCRATCH_BYTES);
        int[] grownFree = new int[old + add];
        System.arraycopy(free, 0, grownFree, 0, freeCount);
        Operation[] grown = Arrays.copyOf(slots, old + add);
        for (int i = 0; i < add; i++) {
            grown[old + i] = new Operation(old + i, block.asSlice((long) i * Operation.SCRATCH_BYTES, Operation.SCRATCH_BYTES));
            grownFree[freeCount++] = old + add - 1 - i;
        }
        slots = grown;
        free = grownFree;
    }

    /** {@code op}'s SQEs are in the SQ ({@link EventLoop#start}): it expects {@code cqes} CQEs in all. */
    void started(Operation op, int cqes) {
        op.pendingCqes = cqes;
        startedSinceMark = true;
        inFlight++;
    }

    /** {@code op} expects one more CQE: its completion submitted its SQE again. */
    void resubmitted(Operation op) {
        op.pendingCqes++;
        op.delivered = false;
        startedSinceMark = true;
    }

    /** Whether a request started since the last {@link #mark} (a closing loop cancels again then). */
    boolean startedSinceMark() {
        return startedSinceMark;
    }

    void mark() {
        startedSinceMark = false;
    }

    /** Routes a CQE to its operation by the slot index and generation in its user_data. */
    void dispatch(Cqe cqe) {
        long ud = cqe.userData();
        int tag = UserData.tag(ud);
        if (tag == UserData.TAG_CANCEL) {
            return;
        }
        Operation op = slots[UserData.index(ud)];
        if (UserData.generation(ud) != (op.generation & 0xFF_FFFF)) {
            throw new IllegalStateException("CQE for a recycled operation slot: " + cqe);
        }
        if (tag == UserData.TAG_LINKED) {
            op.completion.linked(loop, op, cqe.res());
        } else if (tag == UserData.TAG_MAIN) {
            int res = cqe.res();
            int flags = cqe.flags();
            boolean more = cqe.hasMore();
            if (!more) {
                op.delivered = true;
            }
            try {
                op.completion.complete(loop, op, res, flags, more);
            } catch (Throwable t) {
                completionThrew(op, t);
            }
            if (more) {
                return;
            }
        }
        if (--op.pendingCqes == 0) {
            release(op);
        }
    }

    /**
     * A completion threw: the request's caller hears of it unless it already heard (a caller's
     * own completion handler threw after its result); the loop goes on either way.
     */
    private void completionThrew(Operation op, Throwable t) {
        try {
            if (op.future != null) {
                op.future.completeExceptionally(t);
                return;
            }
            if (op.handler != null) {
                op.fail(t);
                return;
            }
        } catch (Throwable again) {
            t = again;
        }
        RuntimeLog.failed("a completion handler on " + loop + " threw", t);
    }

    /** Frees an operation that has no SQE in the kernel (never submitted, or not resubmitted). */
    void discard(Operation op) {
        if (op.pendingCqes > 0) {
            release(op);
        } else {
            if (op.buffer != null) loop.releaseBuffer(op.buffer);
            op.clear();
            put(op);
        }
    }

    private void release(Operation op) {
        if (op.buffer != null) loop.releaseBuffer(op.buffer);
        op.clear();
        put(op);
        inFlight--;
    }

    private void put(Operation op) {
        free[freeCount++] = op.index;
        inUse--;
    }

    /** Slots taken and not yet given back. */
    int inUse() {
        return inUse;
    }

    /** Operations with CQEs still to come. */
    int inFlight() {
        return inFlight;
    }

    int limit() {
        return limit;
    }

    /** Scratch bytes the table holds in the loop's arena. */
    long scratchBytes() {
        return (long) slots.length * Operation.SCRATCH_BYTES;
    }
}
