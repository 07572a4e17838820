package io.uring4j.core;

import java.util.Set;

/**
 * What to ask of {@code io_uring_setup(2)}: the input half of {@code struct io_uring_params}.
 * A mutable builder; {@link IoUring} copies it, so one instance may set up many rings.
 *
 * <p>Setters that imply a setup flag add it: {@link #cqEntries} adds {@link SetupFlag#CQSIZE},
 * {@link #sqThreadCpu} adds {@link SetupFlag#SQ_AFF}, {@link #attachWq} adds
 * {@link SetupFlag#ATTACH_WQ}.
 */
public final class IoUringParams {
    int flags;
    int cqEntries;
    int sqThreadCpu;
    int sqThreadIdleMillis;
    int wqFd;
    boolean tryNoSqArray = true;

    /**
     * Parameters that ask for nothing special: no setup flags, the default CQ size (twice the
     * SQ), and the NO_SQARRAY attempt on. Same as {@link #create()}.
     */
    public IoUringParams() {
    }

    /**
     * Parameters that ask for nothing special: no setup flags, the default CQ size (twice the
     * SQ), and the NO_SQARRAY attempt on.
     *
     * @return a new builder
     */
    public static IoUringParams create() {
        return new IoUringParams();
    }

    /**
     * An independent copy of these parameters.
     *
     * @return a new builder with the same values
     */
    public IoUringParams copy() {
        IoUringParams p = new IoUringParams();
        p.flags = flags;
        p.cqEntries = cqEntries;
        p.sqThreadCpu = sqThreadCpu;
        p.sqThreadIdleMillis = sqThreadIdleMillis;
        p.wqFd = wqFd;
        p.tryNoSqArray = tryNoSqArray;
        return p;
    }

    /**
     * Adds setup flags to those already asked for.
     *
     * @param flags the flags to add
     * @return this builder
     */
    public IoUringParams flags(SetupFlag... flags) {
        for (SetupFlag f : flags) this.flags |= f.mask();
        return this;
    }

    /**
     * Adds setup flags to those already asked for.
     *
     * @param flags the flags to add
     * @return this builder
     */
    public IoUringParams flags(Set<SetupFlag> flags) {
        this.flags |= BitFlag.maskOf(flags);
        return this;
    }

    /**
     * Sets the raw IORING_SETUP_* mask, including bits this version of uring4j has no name for;
     * the kernel rejects what it does not know with EINVAL. Replaces every flag set so far,
     * including those the other setters implied.
     *
     * @param mask the IORING_SETUP_* bits
     * @return this builder
     */
    public IoUringParams flagsMask(int mask) {
        this.flags = mask;
        return this;
    }

    /**
     * The setup flags asked for.
     *
     * @return the IORING_SETUP_* mask, including the flags the setters implied
     */
    public int flagsMask() {
        return flags;
    }

    /**
     * Whether a setup flag is asked for.
     *
     * @param flag the flag
     * @return whether its bit is in {@link #flagsMask()}
     */
    public boolean has(SetupFlag flag) {
        return (flags & flag.mask()) != 0;
    }

    /**
     * Completion queue size (rounded up to a power of two by the kernel); adds CQSIZE. It must
     * be at least the SQ size, and at most 65536 unless {@link SetupFlag#CLAMP} caps it.
     *
     * @param cqEntries the number of CQ entries ({@code > 0})
     * @return this builder
     * @throws IllegalArgumentException if {@code cqEntries} is not positive
     */
    public IoUringParams cqEntries(int cqEntries) {
        if (cqEntries <= 0) {
            throw new IllegalArgumentException("cqEntries must be positive, given " + cqEntries);
        }
        this.cqEntries = cqEntries;
        this.flags |= SetupFlag.CQSIZE.mask();
        return this;
    }

    /**
     * The CQ size asked for.
     *
     * @return the value given to {@link #cqEntries(int)}, or 0 for the default
     */
    public int cqEntries() {
        return cqEntries;
    }

    /**
     * The CPU the SQPOLL thread is bound to; adds SQ_AFF (meaningful with SQPOLL only).
     *
     * @param cpu the CPU id ({@code >= 0})
     * @return this builder
     * @throws IllegalArgumentException if {@code cpu} is negative
     */
    public IoUringParams sqThreadCpu(int cpu) {
        if (cpu < 0) {
            throw new IllegalArgumentException("sqThreadCpu must be >= 0, given " + cpu);
        }
        this.sqThreadCpu = cpu;
        this.flags |= SetupFlag.SQ_AFF.mask();
        return this;
    }

    /**
     * Milliseconds the SQPOLL thread spins idle before it sleeps (kernel default 1000 when 0).
     *
     * @param millis the idle time in milliseconds ({@code >= 0}; 0: the kernel's default)
     * @return this builder
     * @throws IllegalArgumentException if {@code millis} is negative
     */
    public IoUringParams sqThreadIdle(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("sqThreadIdle must be >= 0 ms, given " + millis);
        }
        this.sqThreadIdleMillis = millis;
        return this;
    }

    /**
     * Shares the async worker pool (and with SQPOLL, the SQ thread) of the ring with this fd;
     * adds ATTACH_WQ.
     *
     * @param ringFd the fd of an existing ring ({@link IoUring#fd()})
     * @return this builder
     */
    public IoUringParams attachWq(int ringFd) {
        this.wqFd = ringFd;
        this.flags |= SetupFlag.ATTACH_WQ.mask();
        return this;
    }

    /**
     * Whether setup first tries {@link SetupFlag#NO_SQARRAY} and falls back without it on
     * EINVAL, as liburing does since 2.6 (default true). Asking for NO_SQARRAY explicitly
     * disables the fallback.
     *
     * @param enabled whether to try NO_SQARRAY first
     * @return this builder
     */
    public IoUringParams tryNoSqArray(boolean enabled) {
        this.tryNoSqArray = enabled;
        return this;
    }

    @Override
    public String toString() {
        return "IoUringParams[flags=" + BitFlag.names(SetupFlag.class, flags) + ", cqEntries=" + cqEntries
                + ", sqThreadCpu=" + sqThreadCpu + ", sqThreadIdle=" + sqThreadIdleMillis + "ms, wqFd=" + wqFd + "]";
    }
}
