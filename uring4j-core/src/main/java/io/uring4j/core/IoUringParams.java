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

    public static IoUringParams create() {
        return new IoUringParams();
    }

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

    /** Adds setup flags. */
    public IoUringParams flags(SetupFlag... flags) {
        for (SetupFlag f : flags) this.flags |= f.mask();
        return this;
    }

    /** Adds setup flags. */
    public IoUringParams flags(Set<SetupFlag> flags) {
        this.flags |= BitFlag.maskOf(flags);
        return this;
    }

    /**
     * Sets the raw IORING_SETUP_* mask, including bits this version of uring4j has no name for;
     * the kernel rejects what it does not know with EINVAL.
     */
    public IoUringParams flagsMask(int mask) {
        this.flags = mask;
        return this;
    }

    public int flagsMask() {
        return flags;
    }

    public boolean has(SetupFlag flag) {
        return (flags & flag.mask()) != 0;
    }

    /** Completion queue size (rounded up to a power of two by the kernel); adds CQSIZE. */
    public IoUringParams cqEntries(int cqEntries) {
        if (cqEntries <= 0) {
            throw new IllegalArgumentException("cqEntries must be positive, given " + cqEntries);
        }
        this.cqEntries = cqEntries;
        this.flags |= SetupFlag.CQSIZE.mask();
        return this;
    }

    public int cqEntries() {
        return cqEntries;
    }

    /** The CPU the SQPOLL thread is bound to; adds SQ_AFF (meaningful with SQPOLL only). */
    public IoUringParams sqThreadCpu(int cpu) {
        if (cpu < 0) {
            throw new IllegalArgumentException("sqThreadCpu must be >= 0, given " + cpu);
        }
        this.sqThreadCpu = cpu;
        this.flags |= SetupFlag.SQ_AFF.mask();
        return this;
    }

    /** Milliseconds the SQPOLL thread spins idle before it sleeps (kernel default 1000 when 0). */
    public IoUringParams sqThreadIdle(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("sqThreadIdle must be >= 0 ms, given " + millis);
        }
        this.sqThreadIdleMillis = millis;
        return this;
    }

    /** Shares the async worker pool (and with SQPOLL, the SQ thread) of the ring with this fd. */
    public IoUringParams attachWq(int ringFd) {
        this.wqFd = ringFd;
        this.flags |= SetupFlag.ATTACH_WQ.mask();
        return this;
    }

    /**
     * Whether setup first tries {@link SetupFlag#NO_SQARRAY} and falls back without it on
     * EINVAL, as liburing does since 2.6 (default true). Asking for NO_SQARRAY explicitly
     * disables the fallback.
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
