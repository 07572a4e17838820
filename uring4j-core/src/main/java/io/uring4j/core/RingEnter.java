package io.uring4j.core;

import io.uring4j.core.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static io.uring4j.core.SubmissionQueue.SqRingFlags;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * When and how a ring enters the kernel: the {@code io_uring_enter} half of liburing's
 * {@code queue.c} ({@code __io_uring_submit}, {@code _io_uring_get_cqe}, {@code sq_ring_needs_enter},
 * {@code cq_ring_needs_flush}, the timed waits through EXT_ARG). {@link IoUring} holds one per
 * ring and hands it the current SQ and CQ on each call (a resize replaces those, never this).
 *
 * <p>The rules: submitting enters only if there is something to submit and no SQPOLL thread is
 * awake, or completions are held back (CQ overflow, pending task work), or a wait was asked; a
 * timed wait enters once; the ring fd, or its registered index with
 * {@link EnterFlag#REGISTERED_RING}, is the same for every enter. Not thread-safe, as the ring.
 */
final class RingEnter {
    private static final int NSIG_BYTES = 8; // _NSIG / 8: the sigset size the kernel expects
    /** Results the enter loops compare on every call, as constants the JIT folds (an enum's fields are not). */
    private static final int EINTR = Errno.EINTR.code(), EAGAIN = Errno.EAGAIN.code(), ETIME = Errno.ETIME.code();
    private static final long MAX_TIMEOUT_NANOS = IoUring.MAX_TIMEOUT.toNanos();

    private final int features;
    private final boolean sqpoll;
    /** IOPOLL without SQPOLL: completions are only found by entering the kernel. */
    private final boolean cqAlwaysEnter;

    /** The fd (or registered index) passed to io_uring_enter, and flags OR'ed into every enter. */
    private int fd;
    private int flags;

    private final MemorySegment errnoState;
    private final MemorySegment eventsArg;
    private final MemorySegment timespec;
    /** The CQE the last wait found: a field so that waiting allocates nothing. */
    private Cqe found;

    /** Enters ring {@code fd} (a registered index when {@code registeredOnly}) as setup's flags and features say. */
    RingEnter(int fd, boolean registeredOnly, int setupFlags, int features) {
        this.features = features;
        this.sqpoll = (setupFlags & SetupFlag.SQPOLL.mask()) != 0;
        this.cqAlwaysEnter = (setupFlags & (SetupFlag.IOPOLL.mask() | SetupFlag.SQPOLL.mask())) == SetupFlag.IOPOLL.mask();
        this.fd = fd;
        this.flags = registeredOnly ? EnterFlag.REGISTERED_RING.mask() : 0;
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

    // ------------------------------------------------------------------ the fd every enter uses

    /** The fd or registered index every enter (and register through the registered ring) passes. */
    int fd() {
        return fd;
    }

    /** From now on enter through registered index {@code index} (IORING_ENTER_REGISTERED_RING). */
    void useRegisteredIndex(int index) {
        fd = index;
        flags |= EnterFlag.REGISTERED_RING.mask();
    }

    /** From now on enter through the plain ring fd again. */
    void usePlainFd(int ringFd) {
        fd = ringFd;
        flags &= ~EnterFlag.REGISTERED_RING.mask();
    }

    /** Drops the CQE the last wait found: after a resize it points into unmapped memory. */
    void forgetFound() {
        found = null;
    }

    // ------------------------------------------------------------------ submission

    /** Port of {@code io_uring_submit_and_get_events}: flush and enter once with GETEVENTS (no wait); the count submitted. */
    int submitAndGetEvents(SubmissionQueue sq) {
        int submitted = sq.flush();
        int enterFlags = flags | EnterFlag.GETEVENTS.mask();
        int sqFlags = sq.needsEnter(submitted);
        if (sqFlags > 0) enterFlags |= sqFlags;
        int ret = Native.ioUringEnter(errnoState, fd, submitted, 0, enterFlags, MemorySegment.NULL, 0, false);
        if (ret == -EINTR) return 0; // a signal came first: nothing was taken, the SQEs stay for the next enter
        if (ret < 0) throw new IoUringException("io_uring_enter", ret, "submit " + submitted + " and get events");
        return ret;
    }

    /** Port of {@code __io_uring_submit}: flush, enter when needed (waiting for {@code waitNr}), the count submitted. */
    int submitAndWait(SubmissionQueue sq, int waitNr) {
        checkWaitNr(waitNr, "submitAndWait");
        int submitted = sq.flush();
        boolean cqNeedsEnter = waitNr > 0 || cqNeedsEnter(sq);
        int enterFlags = flags;
        int sqFlags = sq.needsEnter(submitted);
        if (sqFlags < 0 && !cqNeedsEnter) {
            return submitted;
        }
        if (sqFlags > 0) enterFlags |= sqFlags;
        if (cqNeedsEnter) enterFlags |= EnterFlag.GETEVENTS.mask();
        int ret;
        do {
            ret = Native.ioUringEnter(errnoState, fd, submitted, waitNr, enterFlags, MemorySegment.NULL, 0, waitNr > 0);
        } while (ret == -EINTR && waitNr > 0);
        if (ret < 0) {
            throw new IoUringException("io_uring_enter", ret, "submit " + submitted + ", wait for " + waitNr);
        }
        return ret;
    }

    /** Port of {@code io_uring_submit_and_wait_min_timeout}: one enter; the count submitted. */
    int submitAndWait(SubmissionQueue sq, CompletionQueue cq, int waitNr, Duration timeout, int minWaitMicros) {
        checkWaitNr(waitNr, "submitAndWait");
        prepareTimedWait(timeout, minWaitMicros);
        int err = getCqe(sq, cq, sq.flush(), waitNr, EnterFlag.EXT_ARG.mask(), eventsArg, Layouts.GETEVENTS_ARG.byteSize(), true);
        if (err < 0 && err != -ETIME && err != -EINTR) {
            throw new IoUringException("io_uring_enter", err, "submit and wait for " + waitNr + " with timeout " + timeout);
        }
        return Math.max(err, 0);
    }

    /** Port of {@code io_uring_sqring_wait}, entering again while the SQ still looks full (see {@link IoUring#sqringWait}). */
    void sqringWait(SubmissionQueue sq) {
        if (!sqpoll) {
            return;
        }
        while (sq.spaceLeft() == 0 && sq.sqeHead == sq.sqeTail) {
            int ret = Native.ioUringEnter(errnoState, fd, 0, 0, flags | EnterFlag.SQ_WAIT.mask(), MemorySegment.NULL, 0, true);
            if (ret < 0 && ret != -EINTR) {
                throw new IoUringException("io_uring_enter", ret, "SQ_WAIT");
            }
        }
    }

    // ------------------------------------------------------------------ completion

    /** Port of {@code io_uring_peek_cqe}: enters (without waiting) only if completions are held back. */
    Cqe peek(SubmissionQueue sq, CompletionQueue cq) {
        Cqe cqe = cq.peek();
        if (cqe != null || !cqNeedsEnter(sq)) {
            return cqe;
        }
        int err = getCqe(sq, cq, 0, 0, 0, MemorySegment.NULL, NSIG_BYTES, false);
        if (err < 0 && err != -EAGAIN && err != -EINTR) {
            throw new IoUringException("io_uring_enter", err, "flush completions");
        }
        return found;
    }

    /** Port of {@code io_uring_wait_cqe_nr}: waits until {@code waitNr} CQEs are ready, again after a signal. */
    Cqe waitCqes(SubmissionQueue sq, CompletionQueue cq, int waitNr) {
        checkWaitNr(waitNr, "waitCqes");
        while (true) {
            int err = getCqe(sq, cq, 0, waitNr, 0, MemorySegment.NULL, NSIG_BYTES, false);
            if (found != null) {
                return found;
            }
            if (err < 0 && err != -EINTR) {
                throw new IoUringException("io_uring_enter", err, "wait for " + waitNr + " completions");
            }
        }
    }

    /** Port of {@code io_uring_wait_cqes_min_timeout}, waiting again for the time left after an early return. */
    Cqe waitCqes(SubmissionQueue sq, CompletionQueue cq, int waitNr, Duration timeout, int minWaitMicros) {
        checkWaitNr(waitNr, "waitCqes");
        long left = timeoutNanos(timeout);
        long deadline = System.nanoTime() + left; // compared by difference: correct across wrap-around
        while (true) {
            prepareTimedWait(left, minWaitMicros);
            int err = getCqe(sq, cq, 0, waitNr, EnterFlag.EXT_ARG.mask(), eventsArg, Layouts.GETEVENTS_ARG.byteSize(), true);
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
     * Flushes completions the kernel holds back (overflow, pending task work) when a batch read
     * found none, as liburing's {@code io_uring_peek_batch_cqe} does; whether it entered.
     */
    boolean flushIfHeldBack(SubmissionQueue sq) {
        if (!cqNeedsFlush(sq)) {
            return false;
        }
        getEvents();
        return true;
    }

    /** Port of {@code io_uring_get_events}: runs pending task work and flushes overflowed CQEs. */
    void getEvents() {
        int ret = Native.ioUringEnter(errnoState, fd, 0, 0, flags | EnterFlag.GETEVENTS.mask(), MemorySegment.NULL, 0, false);
        if (ret < 0 && ret != -EINTR && ret != -EAGAIN) {
            throw new IoUringException("io_uring_enter", ret, "GETEVENTS");
        }
    }

    // ------------------------------------------------------------------ the rules

    /** Port of {@code cq_ring_needs_flush}. */
    private static boolean cqNeedsFlush(SubmissionQueue sq) {
        return (sq.kernelFlags() & (SqRingFlags.CQ_OVERFLOW | SqRingFlags.TASKRUN)) != 0;
    }

    /** Port of {@code cq_ring_needs_enter}. */
    private boolean cqNeedsEnter(SubmissionQueue sq) {
        return cqAlwaysEnter || cqNeedsFlush(sq);
    }

    private static void checkWaitNr(int waitNr, String method) {
        if (waitNr < 0) {
            throw new IllegalArgumentException(method + ": waitNr (CQEs to wait for) must be >= 0, given " + waitNr);
        }
    }

    private void prepareTimedWait(Duration timeout, int minWaitMicros) {
        checkTimedWait(minWaitMicros);
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a timeout cannot be negative, given " + timeout);
        }
        KernelTimespec.setNanos(timespec, timeoutNanos(timeout));
        eventsArg.set(JAVA_INT, Layouts.GETEVENTS_MIN_WAIT_USEC, minWaitMicros);
    }

    private void prepareTimedWait(long timeoutNanos, int minWaitMicros) {
        checkTimedWait(minWaitMicros);
        KernelTimespec.setNanos(timespec, Math.max(0, timeoutNanos));
        eventsArg.set(JAVA_INT, Layouts.GETEVENTS_MIN_WAIT_USEC, minWaitMicros);
    }

    /** {@code timeout} in nanoseconds, capped at {@link IoUring#MAX_TIMEOUT}; negative stays negative. */
    private static long timeoutNanos(Duration timeout) {
        return timeout.compareTo(IoUring.MAX_TIMEOUT) >= 0 ? MAX_TIMEOUT_NANOS : timeout.toNanos();
    }

    private void checkTimedWait(int minWaitMicros) {
        if ((features & Feature.EXT_ARG.mask()) == 0) {
            throw new UnsupportedOperationException("timed waits need IORING_FEAT_EXT_ARG (kernel 5.11)");
        }
        if (minWaitMicros != 0 && (features & Feature.MIN_TIMEOUT.mask()) == 0) {
            throw new UnsupportedOperationException("a min-timeout needs IORING_FEAT_MIN_TIMEOUT (kernel 6.12)");
        }
        if (minWaitMicros < 0) {
            throw new IllegalArgumentException("minWaitMicros must be >= 0, given " + minWaitMicros);
        }
    }

    /**
     * Port of {@code _io_uring_get_cqe}: peeks, and enters the kernel as often as needed to
     * submit {@code submit} entries and find {@code waitNr} CQEs; a timed wait enters only once.
     * Leaves the CQE found in {@link #found}; returns the first enter's result (the count
     * submitted) or -errno.
     */
    private int getCqe(SubmissionQueue sq, CompletionQueue cq, int submit, int waitNr, int getFlags, MemorySegment arg,
                       long argSize, boolean hasTimeout) {
        boolean looped = false;
        int err = 0;
        Cqe cqe;
        while (true) {
            boolean needEnter = false;
            int enterFlags = flags;
            cqe = cq.peek();
            int available = cq.ready();
            if (cqe == null && waitNr == 0 && submit == 0) {
                if (looped || !cqNeedsEnter(sq)) {
                    if (err == 0) err = -EAGAIN;
                    break;
                }
                needEnter = true;
            }
            if (waitNr > available || needEnter) {
                enterFlags |= EnterFlag.GETEVENTS.mask() | getFlags;
                needEnter = true;
            }
            int sqFlags = sq.needsEnter(submit);
            if (sqFlags >= 0) {
                enterFlags |= sqFlags;
                needEnter = true;
            }
            if (!needEnter) break;
            if (looped && hasTimeout) {
                if (cqe == null && err == 0) err = -ETIME;
                break;
            }
            boolean mayBlock = waitNr > 0 || hasTimeout;
            int ret = Native.ioUringEnter(errnoState, fd, submit, waitNr, enterFlags, arg, argSize, mayBlock);
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
}
