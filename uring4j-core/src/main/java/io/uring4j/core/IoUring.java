package io.uring4j.core;

import io.uring4j.core.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.EnumSet;

import static io.uring4j.core.CompletionQueue.CqRingFlags;
import static io.uring4j.core.SubmissionQueue.SqRingFlags;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One io_uring instance: a port of liburing's {@code struct io_uring} and its queue functions.
 *
 * <pre>{@code
 * try (IoUring ring = IoUring.open(64)) {
 *     ring.getSqe().prepNop().userData(42);
 *     ring.submit();
 *     Cqe cqe = ring.waitCqe();
 *     long id = cqe.userData();      // 42
 *     ring.cqeSeen(cqe);
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Like liburing's ring, an instance is not thread-safe: one thread at a time
 * gets SQEs, submits and reaps (with {@link SetupFlag#SINGLE_ISSUER}, always the same thread, or
 * the kernel refuses submission with EEXIST). The safe multi-threaded layer is uring4j-runtime.
 *
 * <p><b>Memory.</b> The rings live in memory mapped from the kernel, or (NO_MMAP) in memory given
 * to {@link #openInMemory} or allocated here. {@link #close()} unmaps what this ring mapped,
 * unregisters its ring fd and closes it; afterwards every method throws
 * {@link IllegalStateException} and SQE/CQE views throw on access rather than touch freed memory.
 */
public final class IoUring implements AutoCloseable {
    private static final int NSIG_BYTES = 8; // _NSIG / 8: the sigset size the kernel expects
    /** Results the enter loops compare on every call, as constants the JIT folds (an enum's fields are not). */
    private static final int EINTR = Errno.EINTR.code(), EAGAIN = Errno.EAGAIN.code(), ETIME = Errno.ETIME.code();

    /**
     * The longest wait the timed calls hand to the kernel: 2^32 seconds (about 136 years). A longer
     * timeout, {@link Registration#NO_TIMEOUT} included, is capped to it, which is a wait without a
     * deadline in practice. Capping keeps the nanosecond count in a {@code long} (Duration.toNanos
     * overflows past 292 years) and keeps the kernel's own arithmetic safe: it adds a relative
     * timeout to its monotonic clock with a plain add.
     */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(1L << 32);
    private static final long MAX_TIMEOUT_NANOS = MAX_TIMEOUT.toNanos();

    private final Arena arena;
    private final int ringFd;
    private final int setupFlags;
    private final int features;
    private final long memoryUsed;
    private SubmissionQueue sq; // replaced by a resize (see the end of the class)
    private CompletionQueue cq;
    /** IOPOLL without SQPOLL: completions are only found by entering the kernel. */
    private final boolean cqAlwaysEnter;

    /** The fd (or registered index) passed to io_uring_enter, and flags OR'ed into every enter. */
    private int enterFd;
    private int enterFlags;
    private boolean ringFdRegistered;
    private boolean closed;

    private final MemorySegment errnoState;
    private final MemorySegment eventsArg;
    private final MemorySegment timespec;
    /** The CQE the last wait found: a field so that waiting allocates nothing. */
    private Cqe found;

    /** A ring over what {@link RingSetup} set up: its arena, fd, params and memory. */
    IoUring(Arena arena, int fd, MemorySegment params, RingMemory mem, boolean registeredOnly) {
        this.arena = arena;
        this.setupFlags = params.get(JAVA_INT, Layouts.params("flags"));
        this.features = params.get(JAVA_INT, Layouts.params("features"));
        this.memoryUsed = mem.bytesUsed;
        this.sq = new SubmissionQueue(mem.sqRing, params, mem.sqes, setupFlags);
        this.cq = new CompletionQueue(mem.cqRing, params, setupFlags);
        this.ringMemory = mem;
        this.cqAlwaysEnter = (setupFlags & (SetupFlag.IOPOLL.mask() | SetupFlag.SQPOLL.mask())) == SetupFlag.IOPOLL.mask();
        this.ringFd = registeredOnly ? -1 : fd;
        this.enterFd = fd;
        if (registeredOnly) {
            this.enterFlags = EnterFlag.REGISTERED_RING.mask();
            this.ringFdRegistered = true;
        }
        // What io_uring_enter is handed on every call comes from an automatic arena, not the
        // ring's shared one: a downcall keeps each segment argument's session alive for the
        // call, which for a shared session is an atomic increment and decrement around every
        // syscall (measured: about 7 ns of a 450 ns NOP round trip); an automatic session needs
        // neither. The GC frees these few bytes with the ring.
        Arena perCall = Arena.ofAuto();
        this.errnoState = Native.allocateErrnoState(perCall);
        this.eventsArg = perCall.allocate(Layouts.GETEVENTS_ARG);
        this.timespec = perCall.allocate(Layouts.KERNEL_TIMESPEC);
        eventsArg.set(JAVA_INT, Layouts.GETEVENTS_SIGMASK_SZ, NSIG_BYTES);
        eventsArg.set(JAVA_LONG, Layouts.GETEVENTS_TS, timespec.address());
    }

    // ------------------------------------------------------------------ setup

    /** Port of {@code io_uring_queue_init}: a ring of {@code entries} SQEs (rounded up to a power of two). */
    public static IoUring open(int entries) {
        return open(entries, IoUringParams.create());
    }

    /** Port of {@code io_uring_queue_init} with flags. */
    public static IoUring open(int entries, SetupFlag... flags) {
        return open(entries, IoUringParams.create().flags(flags));
    }

    /**
     * Port of {@code io_uring_queue_init_params}: tries NO_SQARRAY first and falls back without it
     * on EINVAL (unless asked for explicitly or disabled in {@code params}). With NO_MMAP, the
     * ring memory is anonymous shared memory owned by the ring.
     */
    public static IoUring open(int entries, IoUringParams params) {
        return RingSetup.setup(entries, params.copy(), null);
    }

    /**
     * Port of {@code io_uring_queue_init_mem}: a NO_MMAP ring in caller memory. The segment must
     * be native, page-aligned, zeroed over {@link #memorySize(int, IoUringParams)} bytes, and
     * must outlive the ring; the ring uses exactly {@link #memoryUsed()} bytes from its start
     * and never touches memory outside it.
     *
     * <p>The kernel pins the pages and tears a ring down asynchronously: for a short while after
     * {@link #close()} returns it may still store ring words (such as the CQ tail) into this
     * memory. Unmapping it is safe (the pinned pages then belong to the kernel alone); freeing it
     * to an allocator that hands it out again at once is not: keep it, or reuse it only for
     * another ring.
     *
     * @throws IllegalArgumentException naming the required and given size, alignment or content
     */
    public static IoUring openInMemory(int entries, IoUringParams params, MemorySegment memory) {
        IoUringParams p = params.copy().flags(SetupFlag.NO_MMAP);
        return RingSetup.setup(entries, p, memory);
    }

    /** Port of {@code io_uring_memory_size}: bytes a NO_MMAP ring with these flags uses. */
    public static long memorySize(int entries, SetupFlag... flags) {
        return memorySize(entries, IoUringParams.create().flags(flags));
    }

    /**
     * Port of {@code io_uring_memory_size_params}: the bytes {@link #openInMemory} uses for the
     * same arguments on this kernel, i.e. its {@link #memoryUsed()}. That is page-rounded rings
     * (64-byte header, CQEs of 16 or 32 bytes, and 4 bytes per SQ entry for the SQ index array
     * unless the ring goes without it) plus page-rounded SQEs (64 or 128 bytes each). A ring goes
     * without the array when NO_SQARRAY is asked for, or when {@link IoUringParams#tryNoSqArray}
     * is on (the default) and this kernel takes NO_SQARRAY (6.6), which is probed once.
     */
    public static long memorySize(int entries, IoUringParams params) {
        int flags = params.flags;
        if (params.tryNoSqArray && RingMemory.kernelTakesNoSqArray()) {
            flags |= SetupFlag.NO_SQARRAY.mask();
        }
        return RingMemory.memorySize(entries, flags, params.cqEntries);
    }

    // ------------------------------------------------------------------ facts

    /** The ring fd, or -1 for a REGISTERED_FD_ONLY ring. */
    public int fd() {
        ensureOpen();
        return ringFd;
    }

    /** The IORING_SETUP_* mask the kernel accepted (NO_SQARRAY included when it was taken). */
    public int setupFlags() {
        return setupFlags;
    }

    public boolean hasSetupFlag(SetupFlag flag) {
        return (setupFlags & flag.mask()) != 0;
    }

    /** The IORING_FEAT_* mask the kernel reported. */
    public int featuresMask() {
        return features;
    }

    public EnumSet<Feature> features() {
        return BitFlag.setOf(Feature.class, features);
    }

    public boolean hasFeature(Feature feature) {
        return (features & feature.mask()) != 0;
    }

    public int sqEntries() {
        return sq.entries;
    }

    public int cqEntries() {
        return cq.entries;
    }

    /** Bytes of caller or ring-owned memory a NO_MMAP ring uses; 0 for mmap'd rings. */
    public long memoryUsed() {
        return memoryUsed;
    }

    /** Whether the ring fd is registered, so every enter passes IORING_ENTER_REGISTERED_RING. */
    public boolean isRingFdRegistered() {
        return ringFdRegistered;
    }

    // ------------------------------------------------------------------ submission

    /**
     * Port of {@code io_uring_get_sqe}: the next entry, zeroed, or null when the SQ is full
     * (submit, or {@link #sqringWait} with SQPOLL, then try again).
     */
    public Sqe getSqe() {
        ensureOpen();
        return sq.getSqe();
    }

    /** Port of {@code io_uring_sq_ready}: entries taken but not yet consumed by the kernel. */
    public int sqReady() {
        ensureOpen();
        return sq.ready();
    }

    /** Port of {@code io_uring_sq_space_left}. */
    public int sqSpaceLeft() {
        ensureOpen();
        return sq.spaceLeft();
    }

    /** SQEs the kernel dropped as invalid since setup. */
    public int sqDropped() {
        ensureOpen();
        return sq.dropped();
    }

    /**
     * Port of {@code io_uring_submit}: hands every pending SQE to the kernel and returns how many
     * it took. With SQPOLL no syscall is made unless the SQ thread sleeps.
     */
    public int submit() {
        return submitAndWait(0);
    }

    /**
     * Port of {@code io_uring_submit_and_wait}: submits, then waits until {@code waitNr} CQEs are ready.
     *
     * @throws IllegalArgumentException if {@code waitNr} is negative
     */
    public int submitAndWait(int waitNr) {
        ensureOpen();
        checkWaitNr(waitNr, "submitAndWait");
        int submitted = sq.flush();
        boolean cqNeedsEnter = waitNr > 0 || cqNeedsEnter();
        int flags = enterFlags;
        int sqFlags = sq.needsEnter(submitted);
        if (sqFlags < 0 && !cqNeedsEnter) {
            return submitted;
        }
        if (sqFlags > 0) flags |= sqFlags;
        if (cqNeedsEnter) flags |= EnterFlag.GETEVENTS.mask();
        int ret;
        do {
            ret = Native.ioUringEnter(errnoState, enterFd, submitted, waitNr, flags, MemorySegment.NULL, 0, waitNr > 0);
        } while (ret == -EINTR && waitNr > 0);
        if (ret < 0) {
            throw new IoUringException("io_uring_enter", ret, "submit " + submitted + ", wait for " + waitNr);
        }
        return ret;
    }

    /**
     * Port of {@code io_uring_submit_and_wait_timeout}: submits, then waits up to
     * {@code timeout} for {@code waitNr} CQEs, entering the kernel once (never waiting twice).
     * Returns how many SQEs were submitted; whether CQEs arrived shows in {@link #cqReady()}.
     * A timeout of {@link #MAX_TIMEOUT} or more (such as {@link Registration#NO_TIMEOUT}) waits
     * without a deadline.
     *
     * @throws IllegalArgumentException if {@code waitNr} or {@code timeout} is negative
     */
    public int submitAndWait(int waitNr, Duration timeout) {
        return submitAndWait(waitNr, timeout, 0);
    }

    /**
     * As {@link #submitAndWait(int, Duration)} with a min-timeout ({@link Feature#MIN_TIMEOUT}):
     * after {@code minWaitMicros}, return as soon as any CQE is ready.
     */
    public int submitAndWait(int waitNr, Duration timeout, int minWaitMicros) {
        ensureOpen();
        checkWaitNr(waitNr, "submitAndWait");
        prepareTimedWait(timeout, minWaitMicros);
        int err = getCqe(sq.flush(), waitNr, EnterFlag.EXT_ARG.mask(), eventsArg, Layouts.GETEVENTS_ARG.byteSize(), true);
        if (err < 0 && err != -ETIME && err != -EINTR) {
            throw new IoUringException("io_uring_enter", err, "submit and wait for " + waitNr + " with timeout " + timeout);
        }
        return Math.max(err, 0);
    }

    /**
     * Port of {@code io_uring_sqring_wait}: with SQPOLL and a full SQ, waits until an entry frees
     * up, so that the next {@link #getSqe} returns one. Unlike liburing's single enter, it enters
     * again while the SQ still looks full: the kernel wakes SQ_WAIT once its own head has moved,
     * which can be before it publishes that head to the ring (and a signal ends the wait early).
     * Entries taken but not yet submitted do not count as full for the kernel: submit them first,
     * else this returns at once.
     */
    public void sqringWait() {
        ensureOpen();
        if (!hasSetupFlag(SetupFlag.SQPOLL)) {
            return;
        }
        while (sq.spaceLeft() == 0 && sq.sqeHead == sq.sqeTail) {
            int ret = Native.ioUringEnter(errnoState, enterFd, 0, 0, enterFlags | EnterFlag.SQ_WAIT.mask(), MemorySegment.NULL, 0, true);
            if (ret < 0 && ret != -EINTR) {
                throw new IoUringException("io_uring_enter", ret, "SQ_WAIT");
            }
        }
    }

    // ------------------------------------------------------------------ completion

    /** Port of {@code io_uring_cq_ready}: CQEs ready to be read. */
    public int cqReady() {
        ensureOpen();
        return cq.ready();
    }

    /**
     * Port of {@code io_uring_peek_cqe}: the next CQE, or null. Enters the kernel (without
     * waiting) only if completions are held back: overflow, or pending task work.
     */
    public Cqe peekCqe() {
        ensureOpen();
        Cqe cqe = cq.peek();
        if (cqe != null || !cqNeedsEnter()) {
            return cqe;
        }
        int err = getCqe(0, 0, 0, MemorySegment.NULL, NSIG_BYTES, false);
        if (err < 0 && err != -EAGAIN && err != -EINTR) {
            throw new IoUringException("io_uring_enter", err, "flush completions");
        }
        return found;
    }

    /** Port of {@code io_uring_wait_cqe}: blocks until a CQE is ready. */
    public Cqe waitCqe() {
        return waitCqes(1);
    }

    /**
     * Port of {@code io_uring_wait_cqe_nr}: blocks until {@code waitNr} CQEs are ready; returns the first.
     *
     * @throws IllegalArgumentException if {@code waitNr} is negative
     */
    public Cqe waitCqes(int waitNr) {
        ensureOpen();
        checkWaitNr(waitNr, "waitCqes");
        while (true) {
            int err = getCqe(0, waitNr, 0, MemorySegment.NULL, NSIG_BYTES, false);
            if (found != null) {
                return found;
            }
            if (err < 0 && err != -EINTR) {
                throw new IoUringException("io_uring_enter", err, "wait for " + waitNr + " completions");
            }
        }
    }

    /**
     * Port of {@code io_uring_wait_cqe_timeout}: the next CQE, or null if none arrives in time.
     * A timeout of {@link #MAX_TIMEOUT} or more waits without a deadline; a negative one does not wait.
     */
    public Cqe waitCqe(Duration timeout) {
        return waitCqes(1, timeout);
    }

    /**
     * Port of {@code io_uring_wait_cqes} with a timeout (EXT_ARG): waits up to {@code timeout}
     * for {@code waitNr} CQEs; returns the first ready CQE, or null if none is ready. A timeout
     * of {@link #MAX_TIMEOUT} or more (such as {@link Registration#NO_TIMEOUT}) waits without a
     * deadline; a negative one does not wait.
     *
     * @throws IllegalArgumentException if {@code waitNr} is negative
     */
    public Cqe waitCqes(int waitNr, Duration timeout) {
        return waitCqes(waitNr, timeout, 0);
    }

    /**
     * As {@link #waitCqes(int, Duration)} with a min-timeout (port of
     * {@code io_uring_wait_cqes_min_timeout}). The kernel may end a wait early without a CQE
     * (task work, a signal); unlike liburing, this waits again for the time left, so null
     * really means the timeout passed.
     */
    public Cqe waitCqes(int waitNr, Duration timeout, int minWaitMicros) {
        ensureOpen();
        checkWaitNr(waitNr, "waitCqes");
        long left = timeoutNanos(timeout);
        long deadline = System.nanoTime() + left; // compared by difference: correct across wrap-around
        while (true) {
            prepareTimedWait(left, minWaitMicros);
            int err = getCqe(0, waitNr, EnterFlag.EXT_ARG.mask(), eventsArg, Layouts.GETEVENTS_ARG.byteSize(), true);
            if (found == null && err < 0 && err != -ETIME && err != -EINTR) {
                throw new IoUringException("io_uring_enter", err, "wait for " + waitNr + " completions with timeout " + timeout);
            }
            left = deadline - System.nanoTime();
            if (found != null || left <= 0) {
                return found;
            }
        }
    }

    /**
     * Port of {@code io_uring_peek_batch_cqe}: fills {@code out} with ready CQEs (without
     * consuming them; call {@link #cqAdvance} with the count afterwards) and returns how many.
     */
    public int peekBatch(Cqe[] out) {
        ensureOpen();
        int n = cq.peekBatch(out);
        if (n == 0 && cqNeedsFlush()) {
            getEvents();
            n = cq.peekBatch(out);
        }
        return n;
    }

    /**
     * Hands every ready CQE to {@code handler}, then marks them seen in one store (liburing's
     * {@code io_uring_for_each_cqe} + {@code io_uring_cq_advance}). Allocates nothing. Returns
     * how many CQEs were handled. If the handler throws, the CQEs handled so far (including the
     * one that threw) are consumed and the rest stay ready.
     */
    public int forEachCqe(CqeHandler handler) {
        ensureOpen();
        if (cq.ready() == 0 && cqNeedsFlush()) {
            getEvents();
        }
        return cq.forEach(handler);
    }

    /** Port of {@code io_uring_cq_advance}: marks {@code n} CQE slots seen. */
    public void cqAdvance(int n) {
        ensureOpen();
        if (n < 0 || n > cq.ready()) {
            throw new IllegalArgumentException("can advance the CQ by 0.." + cq.ready() + " ready entries, given " + n);
        }
        if (n > 0) cq.advance(n);
    }

    /** Port of {@code io_uring_cqe_seen}: marks one CQE seen; its view is invalid afterwards. */
    public void cqeSeen(Cqe cqe) {
        ensureOpen();
        cq.seen(cqe);
    }

    /** Port of {@code io_uring_get_events}: runs pending task work and flushes overflowed CQEs. */
    public void getEvents() {
        ensureOpen();
        int ret = Native.ioUringEnter(errnoState, enterFd, 0, 0, enterFlags | EnterFlag.GETEVENTS.mask(), MemorySegment.NULL, 0, false);
        if (ret < 0 && ret != -EINTR && ret != -EAGAIN) {
            throw new IoUringException("io_uring_enter", ret, "GETEVENTS");
        }
    }

    /** CQEs the kernel could not post (only on kernels without {@link Feature#NODROP}). */
    public int cqOverflow() {
        ensureOpen();
        return cq.overflow();
    }

    /** Whether the kernel holds overflowed CQEs that the next enter will flush (IORING_SQ_CQ_OVERFLOW). */
    public boolean cqHasOverflowPending() {
        ensureOpen();
        return (sq.kernelFlags() & SqRingFlags.CQ_OVERFLOW) != 0;
    }

    /** Whether the SQPOLL thread is asleep and needs a wakeup (IORING_SQ_NEED_WAKEUP). */
    public boolean sqNeedsWakeup() {
        ensureOpen();
        return (sq.kernelFlags() & SqRingFlags.NEED_WAKEUP) != 0;
    }

    /** Port of {@code io_uring_cq_eventfd_toggle}: turns eventfd notification of this ring on or off. */
    public void setCqEventfdEnabled(boolean enabled) {
        ensureOpen();
        requireCqFlags();
        int f = cq.flags();
        int updated = enabled ? f & ~CqRingFlags.EVENTFD_DISABLED : f | CqRingFlags.EVENTFD_DISABLED;
        if (updated != f) cq.setFlags(updated);
    }

    /** Port of {@code io_uring_cq_eventfd_enabled}. */
    public boolean isCqEventfdEnabled() {
        ensureOpen();
        requireCqFlags();
        return (cq.flags() & CqRingFlags.EVENTFD_DISABLED) == 0;
    }

    private void requireCqFlags() {
        if (!cq.hasFlagsWord()) {
            throw new UnsupportedOperationException("this kernel's CQ ring has no flags word (needs 5.8)");
        }
    }

    // ------------------------------------------------------------------ enter logic (queue.c)

    /** Port of {@code cq_ring_needs_flush}. */
    private boolean cqNeedsFlush() {
        return (sq.kernelFlags() & (SqRingFlags.CQ_OVERFLOW | SqRingFlags.TASKRUN)) != 0;
    }

    /** Port of {@code cq_ring_needs_enter}. */
    private boolean cqNeedsEnter() {
        return cqAlwaysEnter || cqNeedsFlush();
    }

    private void prepareTimedWait(Duration timeout, int minWaitMicros) {
        prepareTimedWaitChecks(minWaitMicros);
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a timeout cannot be negative, given " + timeout);
        }
        KernelTimespec.setNanos(timespec, timeoutNanos(timeout));
        eventsArg.set(JAVA_INT, Layouts.GETEVENTS_MIN_WAIT_USEC, minWaitMicros);
    }

    /** {@code timeout} in nanoseconds, capped at {@link #MAX_TIMEOUT}; negative stays negative. */
    private static long timeoutNanos(Duration timeout) {
        return timeout.compareTo(MAX_TIMEOUT) >= 0 ? MAX_TIMEOUT_NANOS : timeout.toNanos();
    }

    private static void checkWaitNr(int waitNr, String method) {
        if (waitNr < 0) {
            throw new IllegalArgumentException(method + ": waitNr (CQEs to wait for) must be >= 0, given " + waitNr);
        }
    }

    private void prepareTimedWaitChecks(int minWaitMicros) {
        if (!hasFeature(Feature.EXT_ARG)) {
            throw new UnsupportedOperationException("timed waits need IORING_FEAT_EXT_ARG (kernel 5.11)");
        }
        if (minWaitMicros != 0 && !hasFeature(Feature.MIN_TIMEOUT)) {
            throw new UnsupportedOperationException("a min-timeout needs IORING_FEAT_MIN_TIMEOUT (kernel 6.12)");
        }
        if (minWaitMicros < 0) {
            throw new IllegalArgumentException("minWaitMicros must be >= 0, given " + minWaitMicros);
        }
    }

    private void prepareTimedWait(long timeoutNanos, int minWaitMicros) {
        prepareTimedWaitChecks(minWaitMicros);
        KernelTimespec.setNanos(timespec, Math.max(0, timeoutNanos));
        eventsArg.set(JAVA_INT, Layouts.GETEVENTS_MIN_WAIT_USEC, minWaitMicros);
    }

    /**
     * Port of {@code _io_uring_get_cqe}: peeks, and enters the kernel as often as needed to
     * submit {@code submit} entries and find {@code waitNr} CQEs; a timed wait enters only once.
     * Leaves the CQE found in {@link #found}; returns the first enter's result (the count
     * submitted) or -errno.
     */
    private int getCqe(int submit, int waitNr, int getFlags, MemorySegment arg, long argSize, boolean hasTimeout) {
        boolean looped = false;
        int err = 0;
        Cqe cqe;
        while (true) {
            boolean needEnter = false;
            int flags = enterFlags;
            cqe = cq.peek();
            int available = cq.ready();
            if (cqe == null && waitNr == 0 && submit == 0) {
                if (looped || !cqNeedsEnter()) {
                    if (err == 0) err = -EAGAIN;
                    break;
                }
                needEnter = true;
            }
            if (waitNr > available || needEnter) {
                flags |= EnterFlag.GETEVENTS.mask() | getFlags;
                needEnter = true;
            }
            int sqFlags = sq.needsEnter(submit);
            if (sqFlags >= 0) {
                flags |= sqFlags;
                needEnter = true;
            }
            if (!needEnter) break;
            if (looped && hasTimeout) {
                if (cqe == null && err == 0) err = -ETIME;
                break;
            }
            boolean mayBlock = waitNr > 0 || hasTimeout;
            int ret = Native.ioUringEnter(errnoState, enterFd, submit, waitNr, flags, arg, argSize, mayBlock);
            if (ret < 0) {
                if (err == 0) err = ret;
                break;
            }
            submit -= ret;
            if (cqe != null) break;
            if (!looped) {
                looped = true;
                err = ret;
            }
        }
        found = cqe;
        return err;
    }

    // ------------------------------------------------------------------ registration

    /**
     * io_uring_register(2) on this ring, through the registered index when the ring fd is
     * registered and the kernel has {@link Feature#REG_REG_RING}. Returns the kernel's result
     * or -errno. Raw: {@code arg} must be the struct the opcode expects.
     */
    int register(RegisterOp op, MemorySegment arg, int nrArgs) {
        ensureOpen();
        if (ringFdRegistered && (ringFd == -1 || hasFeature(Feature.REG_REG_RING))) {
            return Native.ioUringRegister(enterFd, op.code() | RegisterOp.USE_REGISTERED_RING, arg, nrArgs);
        }
        return Native.ioUringRegister(ringFd, op.code(), arg, nrArgs);
    }

    /** Like {@link #register} but throws an {@link IoUringException} naming the opcode on failure. */
    int registerOrThrow(RegisterOp op, MemorySegment arg, int nrArgs, String what) {
        int r = register(op, arg, nrArgs);
        if (r < 0) {
            throw new IoUringException("io_uring_register(" + op.kernelName() + ")", r, what);
        }
        return r;
    }

    /**
     * Port of {@code io_uring_register_ring_fd}: registers the ring fd so every later enter (and
     * register, with {@link Feature#REG_REG_RING}) skips the fd lookup; returns the index.
     */
    public int registerRingFd() {
        ensureOpen();
        if (ringFdRegistered) {
            throw new IllegalStateException("the ring fd is already registered (index " + enterFd + ")");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = a.allocate(Layouts.RSRC_UPDATE);
            up.set(JAVA_INT, Layouts.RSRC_UPDATE_OFFSET, -1); // offset -1: let the kernel pick a free slot
            up.set(JAVA_LONG, Layouts.RSRC_UPDATE_DATA, ringFd);
            registerOrThrow(RegisterOp.REGISTER_RING_FDS, up, 1, "register ring fd " + ringFd);
            enterFd = up.get(JAVA_INT, Layouts.RSRC_UPDATE_OFFSET);
            enterFlags |= EnterFlag.REGISTERED_RING.mask();
            ringFdRegistered = true;
            return enterFd;
        }
    }

    /** Port of {@code io_uring_unregister_ring_fd}. */
    public void unregisterRingFd() {
        ensureOpen();
        if (!ringFdRegistered || ringFd == -1) {
            throw new IllegalStateException(ringFd == -1 ? "a REGISTERED_FD_ONLY ring has only its registered fd"
                    : "the ring fd is not registered");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = a.allocate(Layouts.RSRC_UPDATE);
            up.set(JAVA_INT, Layouts.RSRC_UPDATE_OFFSET, enterFd);
            registerOrThrow(RegisterOp.UNREGISTER_RING_FDS, up, 1, "unregister ring fd index " + enterFd);
            enterFd = ringFd;
            enterFlags &= ~EnterFlag.REGISTERED_RING.mask();
            ringFdRegistered = false;
        }
    }

    /** The registration calls of this ring (buffers, files, eventfd, personality, …). */
    public Registration registration() {
        ensureOpen();
        return new Registration(this);
    }

    // ------------------------------------------------------------------ lifecycle

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Port of {@code io_uring_queue_exit}: unmaps the rings (not caller memory), unregisters the
     * ring fd and closes it. Idempotent. In-flight requests are cancelled by the kernel as the
     * ring goes away; memory they point at must outlive this call.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        if (ringFdRegistered) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment up = a.allocate(Layouts.RSRC_UPDATE);
                up.set(JAVA_INT, Layouts.RSRC_UPDATE_OFFSET, enterFd);
                Native.ioUringRegister(ringFd == -1 ? enterFd : ringFd,
                        RegisterOp.UNREGISTER_RING_FDS.code() | (ringFd == -1 ? RegisterOp.USE_REGISTERED_RING : 0), up, 1);
            }
        }
        if (ringFd != -1) {
            Native.close(ringFd);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("io_uring is closed");
        }
    }

    // ------------------------------------------------------------------ availability

    /**
     * Whether io_uring can be used by this process: checked once per JVM by setting up a ring,
     * submitting a NOP and reaping its completion (setup, mmap and enter must all work). If not,
     * {@link #unavailabilityCause()} says why.
     */
    public static boolean isAvailable() {
        return Availability.CAUSE == null;
    }

    /**
     * Why io_uring cannot be used here, or null: the call that failed ({@code io_uring_setup},
     * {@code mmap}, {@code io_uring_enter}) with its errno and the likely cause (the
     * {@code io_uring_disabled} sysctl, a seccomp filter, no kernel support, the locked-memory
     * limit), or missing native access with the flag that grants it.
     */
    public static Throwable unavailabilityCause() {
        return Availability.CAUSE;
    }

    /** Throws {@link UnsupportedOperationException} with the cause if io_uring cannot be used. */
    public static void ensureAvailability() {
        Throwable cause = Availability.CAUSE;
        if (cause != null) {
            throw new UnsupportedOperationException("io_uring is not available: " + cause.getMessage(), cause);
        }
    }

    // ------------------------------------------------------------------ ring resize (for Registration.resizeRings)

    /** The memory the current rings live in; a resize replaces it and unmaps the old one. */
    private RingMemory ringMemory;

    /**
     * The ring half of liburing's {@code io_uring_resize_rings} ({@code register.c}): asks the
     * kernel for new rings sized by {@code params} (IORING_REGISTER_RESIZE_RINGS), maps them,
     * points the SQ and CQ at them and unmaps the old ones.
     *
     * <p>SQEs taken but not yet published are published first (a tail store without entering),
     * so the kernel copies them along with the rest of the SQ; liburing leaves them behind. The
     * local SQ positions carry over, as the kernel keeps head and tail values across the copy;
     * the new CQ picks its head up from the copied ring. Old SQE/CQE views belong to the old
     * mapping's arena and throw once it is closed. If mapping the new rings fails after the
     * kernel switched, the ring is unusable (as in liburing) and should be closed.
     */
    void replaceRings(MemorySegment params, String what) {
        ensureOpen();
        sq.flush();
        registerOrThrow(RegisterOp.REGISTER_RESIZE_RINGS, params, 1, what);
        // The kernel reports sizes and offsets; the flags and features that shape the mapping are the ring's.
        params.set(JAVA_INT, Layouts.params("flags"), setupFlags);
        params.set(JAVA_INT, Layouts.params("features"), features);
        RingMemory fresh = RingMemory.map(arena, ringFd, params);
        SubmissionQueue newSq = new SubmissionQueue(fresh.sqRing, params, fresh.sqes, setupFlags);
        newSq.sqeHead = sq.sqeHead;
        newSq.sqeTail = sq.sqeTail;
        CompletionQueue newCq = new CompletionQueue(fresh.cqRing, params, setupFlags);
        RingMemory old = ringMemory;
        sq = newSq;
        cq = newCq;
        ringMemory = fresh;
        found = null;
        old.unmap();
    }
}
