package io.uring4j.core;

import java.lang.foreign.MemorySegment;

import static io.uring4j.core.Layouts.CQE_FLAGS;
import static io.uring4j.core.Layouts.CQE_RES;
import static io.uring4j.core.Layouts.CQE_USER_DATA;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A view of one completion queue entry in the ring's shared memory. The ring keeps one view per
 * slot, so reading completions allocates nothing. A view is valid until the entry is marked seen
 * ({@link IoUring#cqeSeen}, {@link IoUring#cqAdvance}); after that the kernel may overwrite it,
 * so copy out what you need first.
 */
public final class Cqe {
    private final MemorySegment cqes;
    private final long base;
    private final boolean ringIsCqe32;

    Cqe(MemorySegment cqes, long base, boolean ringIsCqe32) {
        this.cqes = cqes;
        this.base = base;
        this.ringIsCqe32 = ringIsCqe32;
    }

    /**
     * Reads {@code user_data}.
     *
     * @return the value the request's SQE carried ({@link Sqe#userData(long)})
     */
    public long userData() {
        return cqes.get(JAVA_LONG, base + CQE_USER_DATA);
    }

    /**
     * Reads {@code res}.
     *
     * @return the result: what the syscall would return, or a negative errno
     */
    public int res() {
        return cqes.get(JAVA_INT, base + CQE_RES);
    }

    /**
     * Reads {@code flags}.
     *
     * @return the IORING_CQE_F_* mask, with the buffer id in the upper 16 bits when
     *         {@link CqeFlag#BUFFER} is set
     */
    public int flags() {
        return cqes.get(JAVA_INT, base + CQE_FLAGS);
    }

    /**
     * Whether a flag is set.
     *
     * @param flag the CQE flag
     * @return whether its bit is set in {@link #flags()}
     */
    public boolean hasFlag(CqeFlag flag) {
        return (flags() & flag.mask()) != 0;
    }

    /**
     * Whether the request stays armed (F_MORE).
     *
     * @return whether a multishot request will post more completions
     */
    public boolean hasMore() {
        return hasFlag(CqeFlag.MORE);
    }

    /**
     * The provided buffer the request used.
     *
     * @return the buffer id, or -1 if no buffer was selected (no F_BUFFER)
     */
    public int bufferId() {
        int f = flags();
        return (f & CqeFlag.BUFFER.mask()) != 0 ? f >>> CqeFlag.BUFFER_SHIFT : -1;
    }

    /** Slots this entry occupies: 2 for a 32-byte entry in a CQE_MIXED ring, else 1. */
    int slots(boolean mixed) {
        return mixed && (flags() & CqeFlag.CQE32_ENTRY.mask()) != 0 ? 2 : 1;
    }

    /**
     * One of the two extra 64-bit words of a 32-byte CQE ({@code big_cqe[index]}): on a CQE32
     * ring, or for an entry with F_32 on a CQE_MIXED ring.
     *
     * @param index 0 or 1
     * @return the 64-bit word
     * @throws IndexOutOfBoundsException if {@code index} is not 0 or 1
     * @throws IllegalStateException     if this is a 16-byte CQE
     */
    public long bigCqe(int index) {
        if (index < 0 || index > 1) {
            throw new IndexOutOfBoundsException("big_cqe has 2 words, index given " + index);
        }
        if (!ringIsCqe32 && (flags() & CqeFlag.CQE32_ENTRY.mask()) == 0) {
            throw new IllegalStateException("not a 32-byte CQE: the ring has no CQE32 and the entry has no F_32");
        }
        return cqes.get(JAVA_LONG, base + 16 + 8L * index);
    }

    /**
     * The result for messages.
     *
     * @return a non-negative result as a number, a negative one as an errno description, e.g.
     *         {@code "ECANCELED (Operation canceled)"}
     */
    public String describeResult() {
        int r = res();
        return r >= 0 ? Integer.toString(r) : Errno.describe(r);
    }

    @Override
    public String toString() {
        return "Cqe[userData=" + userData() + ", res=" + describeResult() + ", flags=0x" + Integer.toHexString(flags()) + "]";
    }
}
