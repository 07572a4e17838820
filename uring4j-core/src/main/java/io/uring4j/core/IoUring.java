package io.uring4j.core;

import io.uring4j.core.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.EnumSet;

import static io.uring4j.core.SubmissionQueue.SqRingFlags;
import static java.lang.foreign.ValueLayout.JAVA_INT;

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
    /**
     * The longest wait the timed calls hand to the kernel: 2^32 seconds (about 136 years). A longer
     * timeout, {@link Registration#NO_TIMEOUT} included, is capped to it, which is a wait without a
     * deadline in practice. Capping keeps the nanosecond count in a {@code long} (Duration.toNanos
     * overflows past 292 years) and keeps the kernel's own arithmetic safe: it adds a relative
     * timeout to its monotonic clock with a plain add.
     */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(1L << 32);

    private final Arena arena;
    private final int ringFd;
    private final int setupFlags;
    private final int features;
    private final long memoryUsed;
    /** The queues and the memory they live in; a resize ({@link Registration#resizeRings}) replaces all three. */
    private SubmissionQueue sq;
    private CompletionQueue cq;
    private RingMemory ringMemory;
    /** How this ring enters the kernel (queue.c): the fd or registered index, the wait loops. */
    private final RingEnter enter;
    /** Its own io_uring_register calls (register.c): the raw call and the ring fd's registration. */
    private final RingRegister register;
    private boolean closed;

    /** A ring over what {@link RingSetup} set up: its arena, fd, params and memory. */
    IoUring(Arena arena, int fd, MemorySegment params, RingMemory mem, boolean registeredOnly) {
        this.arena = arena;
        this.setupFlags = params.get(JAVA_INT, Layouts.params("flags"));
        this.features = params.get(JAVA_INT, Layouts.params("features"));
        this.memoryUsed = mem.bytesUsed;
        this.sq = new SubmissionQueue(mem.sqRing, params, mem.sqes, setupFlags);
        this.cq = new CompletionQueue(mem.cqRing, params, setupFlags);
        this.ringMemory = mem;
        this.ringFd = registeredOnly ? -1 : fd;
        this.enter = new RingEnter(fd, registeredOnly, setupFlags, features);
        this.register = new RingRegister(ringFd, registeredOnly, features, enter);
    }

    // ------------------------------------------------------------------ setup

    /**
     * Port of {@code io_uring_queue_init}: a ring of {@code entries} SQEs (rounded up to a power
     * of two) with default parameters; the CQ gets twice as many entries.
     *
     * @param entries the SQ size, 1..32768
     * @return the open ring; close it to release its memory and fd
     * @throws IllegalArgumentException if {@code entries} is below 1 or above 32768 (without
     *                                  {@link SetupFlag#CLAMP}), the CQ size is invalid, or
     *                                  {@link SetupFlag#REGISTERED_FD_ONLY} comes without
     *                                  {@link SetupFlag#NO_MMAP}
     * @throws IoUringException         if {@code io_uring_setup} or the mmap of the rings fails;
     *                                  the message names the errno and its likely cause
     */
    public static IoUring open(int entries) {
        return open(entries, IoUringParams.create());
    }

    /**
     * Port of {@code io_uring_queue_init} with flags.
     *
     * @param entries the SQ size, 1..32768 (more with {@link SetupFlag#CLAMP}, which caps it)
     * @param flags   the setup flags to ask for
     * @return the open ring; close it to release its memory and fd
     * @throws IllegalArgumentException if {@code entries} is below 1 or above 32768 (without
     *                                  {@link SetupFlag#CLAMP}), the CQ size is invalid, or
     *                                  {@link SetupFlag#REGISTERED_FD_ONLY} comes without
     *                                  {@link SetupFlag#NO_MMAP}
     * @throws IoUringException         if {@code io_uring_setup} or the mmap of the rings fails;
     *                                  the message names the errno and its likely cause
     */
    public static IoUring open(int entries, SetupFlag... flags) {
        return open(entries, IoUringParams.create().flags(flags));
    }

    /**
     * Port of {@code io_uring_queue_init_params}: tries NO_SQARRAY first and falls back without it
     * on EINVAL (unless asked for explicitly or disabled in {@code params}). With NO_MMAP, the
     * ring memory is anonymous shared memory owned by the ring.
     *
     * @param entries the SQ size, 1..32768 (more with {@link SetupFlag#CLAMP}, which caps it)
     * @param params  what to ask of the kernel; copied, so it may be reused
     * @return the open ring; close it to release its memory and fd
     * @throws IllegalArgumentException if {@code entries} is below 1 or above 32768 (without
     *                                  {@link SetupFlag#CLAMP}), the CQ size is invalid, or
     *                                  {@link SetupFlag#REGISTERED_FD_ONLY} comes without
     *                                  {@link SetupFlag#NO_MMAP}
     * @throws IoUringException         if {@code io_uring_setup} or the mmap of the rings fails;
     *                                  the message names the errno and its likely cause
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
     * @param entries the SQ size, 1..32768 (more with {@link SetupFlag#CLAMP}, which caps it)
     * @param params  what to ask of the kernel; copied, and {@link SetupFlag#NO_MMAP} added
     * @param memory  the ring memory: native, writable, page-aligned and zeroed over
     *                {@link #memorySize(int, IoUringParams)} bytes; it must outlive the ring
     * @return the open ring, whose rings live in {@code memory}
     * @throws IllegalArgumentException naming the required and given size, alignment or content,
     *                                  or for the argument errors of {@link #open(int, IoUringParams)}
     * @throws IoUringException         if {@code io_uring_setup} fails
     */
    public static IoUring openInMemory(int entries, IoUringParams params, MemorySegment memory) {
        IoUringParams p = params.copy().flags(SetupFlag.NO_MMAP);
        return RingSetup.setup(entries, p, memory);
    }

    /**
     * Port of {@code io_uring_memory_size}: bytes a NO_MMAP ring with these flags uses; see
     * {@link #memorySize(int, IoUringParams)}.
     *
     * @param entries the SQ size, as for {@link #open(int, SetupFlag...)}
     * @param flags   the setup flags the ring will be opened with
     * @return the bytes {@link #openInMemory} needs, a multiple of the page size
     * @throws IllegalArgumentException if {@code entries} or the CQ size is invalid
     */
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
     *
     * @param entries the SQ size, as for {@link #open(int, IoUringParams)}
     * @param params  the parameters the ring will be opened with
     * @return the bytes {@link #openInMemory} needs, a multiple of the page size
     * @throws IllegalArgumentException if {@code entries} or the CQ size is invalid
     */
    public static long memorySize(int entries, IoUringParams params) {
        return RingSetup.memorySize(entries, params);
    }

    // ------------------------------------------------------------------ facts

    /**
     * The ring's file descriptor.
     *
     * @return the ring fd, or -1 for a REGISTERED_FD_ONLY ring
     * @throws IllegalStateException if the ring is closed
     */
    public int fd() {
        ensureOpen();
        return ringFd;
    }

    /**
     * The setup flags in effect.
     *
     * @return the IORING_SETUP_* mask the kernel accepted (NO_SQARRAY included when it was taken)
     */
    public int setupFlags() {
        return setupFlags;
    }

    /**
     * Whether the ring was set up with a flag.
     *
     * @param flag the setup flag
     * @return whether the kernel accepted {@code flag} for this ring
     */
    public boolean hasSetupFlag(SetupFlag flag) {
        return (setupFlags & flag.mask()) != 0;
    }

    /**
     * The kernel's features, as a mask.
     *
     * @return the IORING_FEAT_* mask the kernel reported at setup, including bits with no
     *         {@link Feature} constant
     */
    public int featuresMask() {
        return features;
    }

    /**
     * The kernel's features this version of uring4j has names for.
     *
     * @return a new set of the {@link Feature}s the kernel reported at setup
     */
    public EnumSet<Feature> features() {
        return BitFlag.setOf(Feature.class, features);
    }

    /**
     * Whether the kernel reported a feature at setup.
     *
     * @param feature the feature
     * @return whether its IORING_FEAT_* bit was set
     */
    public boolean hasFeature(Feature feature) {
        return (features & feature.mask()) != 0;
    }

    /**
     * The submission queue's size.
     *
     * @return the number of SQ entries (a power of two; after {@link Registration#resizeRings},
     *         the new size)
     */
    public int sqEntries() {
        return sq.entries;
    }

    /**
     * The completion queue's size.
     *
     * @return the number of CQ entries (a power of two; after {@link Registration#resizeRings},
     *         the new size)
     */
    public int cqEntries() {
        return cq.entries;
    }

    /**
     * The NO_MMAP memory in use.
     *
     * @return the bytes of caller or ring-owned memory a NO_MMAP ring uses; 0 for mmap'd rings
     */
    public long memoryUsed() {
        return memoryUsed;
    }

    /**
     * Whether the ring fd is registered ({@link #registerRingFd()}).
     *
     * @return whether every enter passes IORING_ENTER_REGISTERED_RING and the registered index
     */
    public boolean isRingFdRegistered() {
        return register.isRingFdRegistered();
    }

    // ------------------------------------------------------------------ submission

    /**
     * Port of {@code io_uring_get_sqe}: the next entry, zeroed, or null when the SQ is full
     * (submit, or {@link #sqringWait} with SQPOLL, then try again).
     *
     * @return the entry, valid until the next submit; or {@code null} if the SQ is full
     * @throws IllegalStateException if the ring is closed
     */
    public Sqe getSqe() {
        ensureOpen();
        return sq.getSqe();
    }

    /**
     * Port of {@code io_uring_sq_ready}.
     *
     * @return the number of entries taken but not yet consumed by the kernel
     * @throws IllegalStateException if the ring is closed
     */
    public int sqReady() {
        ensureOpen();
        return sq.ready();
    }

    /**
     * Port of {@code io_uring_sq_space_left}.
     *
     * @return how many more entries {@link #getSqe()} can hand out before the SQ is full
     * @throws IllegalStateException if the ring is closed
     */
    public int sqSpaceLeft() {
        ensureOpen();
        return sq.spaceLeft();
    }

    /**
     * The SQ ring's dropped counter.
     *
     * @return the number of SQEs the kernel dropped as invalid since setup
     * @throws IllegalStateException if the ring is closed
     */
    public int sqDropped() {
        ensureOpen();
        return sq.dropped();
    }

    /**
     * Port of {@code io_uring_submit}: hands every pending SQE to the kernel and returns how many
     * it took. With SQPOLL no syscall is made unless the SQ thread sleeps.
     *
     * @return the number of SQEs the kernel consumed
     * @throws IllegalStateException if the ring is closed
     * @throws IoUringException      if {@code io_uring_enter} fails
     */
    public int submit() {
        return submitAndWait(0);
    }

    /**
     * Port of {@code io_uring_submit_and_get_events}: hands every pending SQE to the kernel and,
     * in the same enter, runs the ring's pending task work without waiting, so completions the
     * kernel deferred to this thread (DEFER_TASKRUN: a read whose data arrived, a send that found
     * room) are in the CQ when it returns. {@link #submit()} alone leaves them pending until a
     * later enter that waits or gets events.
     *
     * @return the number of SQEs the kernel consumed
     * @throws IllegalStateException if the ring is closed
     * @throws IoUringException      if {@code io_uring_enter} fails
     */
    public int submitAndGetEvents() {
        ensureOpen();
        return enter.submitAndGetEvents(sq);
    }

    /**
     * Port of {@code io_uring_submit_and_wait}: submits, then waits until {@code waitNr} CQEs are
     * ready; a signal does not end the wait (the enter is repeated).
     *
     * @param waitNr how many CQEs to wait for ({@code >= 0}; 0: just submit)
     * @return the number of SQEs the kernel consumed
     * @throws IllegalArgumentException if {@code waitNr} is negative
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if {@code io_uring_enter} fails
     */
    public int submitAndWait(int waitNr) {
        ensureOpen();
        return enter.submitAndWait(sq, waitNr);
    }

    /**
     * Port of {@code io_uring_submit_and_wait_timeout}: submits, then waits up to
     * {@code timeout} for {@code waitNr} CQEs, entering the kernel once (never waiting twice).
     * Returns how many SQEs were submitted; whether CQEs arrived shows in {@link #cqReady()}.
     * A timeout of {@link #MAX_TIMEOUT} or more (such as {@link Registration#NO_TIMEOUT}) waits
     * without a deadline.
     *
     * @param waitNr  how many CQEs to wait for ({@code >= 0})
     * @param timeout the longest wait ({@code >= 0})
     * @return the number of SQEs the kernel consumed
     * @throws IllegalArgumentException      if {@code waitNr} or {@code timeout} is negative
     * @throws UnsupportedOperationException if the kernel lacks {@link Feature#EXT_ARG} (before 5.11)
     * @throws IllegalStateException         if the ring is closed
     * @throws IoUringException              if {@code io_uring_enter} fails other than by
     *                                       timing out or being interrupted
     */
    public int submitAndWait(int waitNr, Duration timeout) {
        return submitAndWait(waitNr, timeout, 0);
    }

    /**
     * As {@link #submitAndWait(int, Duration)} with a min-timeout ({@link Feature#MIN_TIMEOUT}):
     * after {@code minWaitMicros}, return as soon as any CQE is ready.
     *
     * @param waitNr        how many CQEs to wait for ({@code >= 0})
     * @param timeout       the longest wait ({@code >= 0})
     * @param minWaitMicros microseconds after which one ready CQE is enough ({@code >= 0}; 0: no min-timeout)
     * @return the number of SQEs the kernel consumed
     * @throws IllegalArgumentException      if {@code waitNr}, {@code timeout} or
     *                                       {@code minWaitMicros} is negative
     * @throws UnsupportedOperationException if the kernel lacks {@link Feature#EXT_ARG}, or
     *                                       {@link Feature#MIN_TIMEOUT} (6.12) for a non-zero
     *                                       {@code minWaitMicros}
     * @throws IllegalStateException         if the ring is closed
     * @throws IoUringException              if {@code io_uring_enter} fails other than by
     *                                       timing out or being interrupted
     */
    public int submitAndWait(int waitNr, Duration timeout, int minWaitMicros) {
        ensureOpen();
        return enter.submitAndWait(sq, cq, waitNr, timeout, minWaitMicros);
    }

    /**
     * Port of {@code io_uring_sqring_wait}: with SQPOLL and a full SQ, waits until an entry frees
     * up, so that the next {@link #getSqe} returns one. Unlike liburing's single enter, it enters
     * again while the SQ still looks full: the kernel wakes SQ_WAIT once its own head has moved,
     * which can be before it publishes that head to the ring (and a signal ends the wait early).
     * Entries taken but not yet submitted do not count as full for the kernel: submit them first,
     * else this returns at once. Without SQPOLL it returns at once.
     *
     * @throws IllegalStateException if the ring is closed
     * @throws IoUringException      if {@code io_uring_enter} fails other than by being interrupted
     */
    public void sqringWait() {
        ensureOpen();
        enter.sqringWait(sq);
    }

    // ------------------------------------------------------------------ completion

    /**
     * Port of {@code io_uring_cq_ready}.
     *
     * @return the number of CQEs ready to be read (not counting ones the kernel holds back)
     * @throws IllegalStateException if the ring is closed
     */
    public int cqReady() {
        ensureOpen();
        return cq.ready();
    }

    /**
     * Port of {@code io_uring_peek_cqe}: the next CQE, or null. Enters the kernel (without
     * waiting) only if completions are held back: overflow, or pending task work.
     *
     * @return the oldest unseen CQE (valid until {@link #cqeSeen} or {@link #cqAdvance}), or
     *         {@code null} if none is ready
     * @throws IllegalStateException if the ring is closed
     * @throws IoUringException      if the flushing enter fails
     */
    public Cqe peekCqe() {
        ensureOpen();
        return enter.peek(sq, cq);
    }

    /**
     * Port of {@code io_uring_wait_cqe}: blocks until a CQE is ready, waiting again after a signal.
     *
     * @return the oldest unseen CQE, valid until {@link #cqeSeen} or {@link #cqAdvance}
     * @throws IllegalStateException if the ring is closed
     * @throws IoUringException      if {@code io_uring_enter} fails other than by being interrupted
     */
    public Cqe waitCqe() {
        return waitCqes(1);
    }

    /**
     * Port of {@code io_uring_wait_cqe_nr}: blocks until {@code waitNr} CQEs are ready; returns the first.
     *
     * @param waitNr how many CQEs to wait for ({@code >= 0})
     * @return the oldest unseen CQE, valid until {@link #cqeSeen} or {@link #cqAdvance}
     * @throws IllegalArgumentException if {@code waitNr} is negative
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if {@code io_uring_enter} fails other than by being interrupted
     */
    public Cqe waitCqes(int waitNr) {
        ensureOpen();
        return enter.waitCqes(sq, cq, waitNr);
    }

    /**
     * Port of {@code io_uring_wait_cqe_timeout}: the next CQE, or null if none arrives in time.
     * A timeout of {@link #MAX_TIMEOUT} or more waits without a deadline; a negative one does not wait.
     *
     * @param timeout the longest wait
     * @return the oldest unseen CQE, or {@code null} if none arrived in time
     * @throws UnsupportedOperationException if the kernel lacks {@link Feature#EXT_ARG} (before 5.11)
     * @throws IllegalStateException         if the ring is closed
     * @throws IoUringException              if {@code io_uring_enter} fails other than by
     *                                       timing out or being interrupted
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
     * @param waitNr  how many CQEs to wait for ({@code >= 0})
     * @param timeout the longest wait
     * @return the oldest unseen CQE, or {@code null} if none is ready when the wait ends
     * @throws IllegalArgumentException      if {@code waitNr} is negative
     * @throws UnsupportedOperationException if the kernel lacks {@link Feature#EXT_ARG} (before 5.11)
     * @throws IllegalStateException         if the ring is closed
     * @throws IoUringException              if {@code io_uring_enter} fails other than by
     *                                       timing out or being interrupted
     */
    public Cqe waitCqes(int waitNr, Duration timeout) {
        return waitCqes(waitNr, timeout, 0);
    }

    /**
     * As {@link #waitCqes(int, Duration)} with a min-timeout (port of
     * {@code io_uring_wait_cqes_min_timeout}). The kernel may end a wait early without a CQE
     * (task work, a signal); unlike liburing, this waits again for the time left, so null
     * really means the timeout passed.
     *
     * @param waitNr        how many CQEs to wait for ({@code >= 0})
     * @param timeout       the longest wait
     * @param minWaitMicros microseconds after which one ready CQE is enough ({@code >= 0}; 0: no min-timeout)
     * @return the oldest unseen CQE, or {@code null} if the timeout passed with none ready
     * @throws IllegalArgumentException      if {@code waitNr} or {@code minWaitMicros} is negative
     * @throws UnsupportedOperationException if the kernel lacks {@link Feature#EXT_ARG}, or
     *                                       {@link Feature#MIN_TIMEOUT} (6.12) for a non-zero
     *                                       {@code minWaitMicros}
     * @throws IllegalStateException         if the ring is closed
     * @throws IoUringException              if {@code io_uring_enter} fails other than by
     *                                       timing out or being interrupted
     */
    public Cqe waitCqes(int waitNr, Duration timeout, int minWaitMicros) {
        ensureOpen();
        return enter.waitCqes(sq, cq, waitNr, timeout, minWaitMicros);
    }

    /**
     * Port of {@code io_uring_peek_batch_cqe}: fills {@code out} with ready CQEs (without
     * consuming them; call {@link #cqAdvance} with the count afterwards) and returns how many.
     * If none is ready but the kernel holds completions back, it flushes them first.
     *
     * @param out where the CQE views go, from index 0; at most {@code out.length} are filled
     * @return how many entries of {@code out} were filled
     * @throws IllegalStateException if the ring is closed
     * @throws IoUringException      if the flushing enter fails
     */
    public int peekBatch(Cqe[] out) {
        ensureOpen();
        int n = cq.peekBatch(out);
        if (n == 0 && enter.flushIfHeldBack(sq)) {
            n = cq.peekBatch(out);
        }
        return n;
    }

    /**
     * Hands every ready CQE to {@code handler}, then marks them seen in one store (liburing's
     * {@code io_uring_for_each_cqe} + {@code io_uring_cq_advance}). Allocates nothing. Returns
     * how many CQEs were handled. If the handler throws, the CQEs handled so far (including the
     * one that threw) are consumed and the rest stay ready.
     *
     * @param handler called once per ready CQE, in order; the view is valid only during the call
     * @return how many CQEs were handled
     * @throws IllegalStateException if the ring is closed
     * @throws IoUringException      if the flushing enter fails
     */
    public int forEachCqe(CqeHandler handler) {
        ensureOpen();
        if (cq.ready() == 0) {
            enter.flushIfHeldBack(sq);
        }
        return cq.forEach(handler);
    }

    /**
     * Port of {@code io_uring_cq_advance}: marks {@code n} CQE slots seen, handing them back to
     * the kernel; views of them are invalid afterwards.
     *
     * @param n how many of the ready CQEs, from the oldest: 0..{@link #cqReady()}
     * @throws IllegalArgumentException if {@code n} is negative or more than are ready
     * @throws IllegalStateException    if the ring is closed
     */
    public void cqAdvance(int n) {
        ensureOpen();
        if (n < 0 || n > cq.ready()) {
            throw new IllegalArgumentException("can advance the CQ by 0.." + cq.ready() + " ready entries, given " + n);
        }
        if (n > 0) cq.advance(n);
    }

    /**
     * Port of {@code io_uring_cqe_seen}: marks one CQE seen; its view is invalid afterwards.
     *
     * @param cqe the oldest unseen CQE, as {@link #peekCqe()} or {@link #waitCqe()} returned it
     *            (the head advances by that CQE's slot count: pass no other)
     * @throws IllegalStateException if the ring is closed
     */
    public void cqeSeen(Cqe cqe) {
        ensureOpen();
        cq.seen(cqe);
    }

    /**
     * Port of {@code io_uring_get_events}: runs pending task work and flushes overflowed CQEs.
     *
     * @throws IllegalStateException if the ring is closed
     * @throws IoUringException      if {@code io_uring_enter} fails other than with EINTR or EAGAIN
     */
    public void getEvents() {
        ensureOpen();
        enter.getEvents();
    }

    /**
     * The CQ ring's overflow counter.
     *
     * @return the number of CQEs the kernel could not post and dropped (on kernels without
     *         {@link Feature#NODROP}, or when even the overflow list could not grow)
     * @throws IllegalStateException if the ring is closed
     */
    public int cqOverflow() {
        ensureOpen();
        return cq.overflow();
    }

    /**
     * Whether completions overflowed the CQ ring.
     *
     * @return whether the kernel holds overflowed CQEs that the next enter will flush (IORING_SQ_CQ_OVERFLOW)
     * @throws IllegalStateException if the ring is closed
     */
    public boolean cqHasOverflowPending() {
        ensureOpen();
        return (sq.kernelFlags() & SqRingFlags.CQ_OVERFLOW) != 0;
    }

    /**
     * Whether the SQPOLL thread sleeps; {@link #submit()} then wakes it.
     *
     * @return whether the SQPOLL thread is asleep and needs a wakeup (IORING_SQ_NEED_WAKEUP)
     * @throws IllegalStateException if the ring is closed
     */
    public boolean sqNeedsWakeup() {
        ensureOpen();
        return (sq.kernelFlags() & SqRingFlags.NEED_WAKEUP) != 0;
    }

    /**
     * Port of {@code io_uring_cq_eventfd_toggle}: turns eventfd notification of this ring on or
     * off (the eventfd itself is registered through {@link Registration}).
     *
     * @param enabled whether the kernel signals the registered eventfd on new completions
     * @throws UnsupportedOperationException if the CQ ring has no flags word (kernels before 5.8)
     * @throws IllegalStateException         if the ring is closed
     */
    public void setCqEventfdEnabled(boolean enabled) {
        ensureOpen();
        cq.setEventfdEnabled(enabled);
    }

    /**
     * Port of {@code io_uring_cq_eventfd_enabled}.
     *
     * @return whether eventfd notification is on (the default), see {@link #setCqEventfdEnabled}
     * @throws UnsupportedOperationException if the CQ ring has no flags word (kernels before 5.8)
     * @throws IllegalStateException         if the ring is closed
     */
    public boolean isCqEventfdEnabled() {
        ensureOpen();
        return cq.isEventfdEnabled();
    }

    // ------------------------------------------------------------------ registration (register.c)

    /** io_uring_register(2) on this ring; the kernel's result or -errno (see {@link RingRegister#register}). */
    int register(RegisterOp op, MemorySegment arg, int nrArgs) {
        ensureOpen();
        return register.register(op, arg, nrArgs);
    }

    /** Like {@link #register} but throws an {@link IoUringException} naming the opcode on failure. */
    int registerOrThrow(RegisterOp op, MemorySegment arg, int nrArgs, String what) {
        ensureOpen();
        return register.registerOrThrow(op, arg, nrArgs, what);
    }

    /**
     * Port of {@code io_uring_register_ring_fd}: registers the ring fd so every later enter (and
     * register, with {@link Feature#REG_REG_RING}) skips the fd lookup; returns the index.
     *
     * @return the index the kernel picked in the registered ring table
     * @throws IllegalStateException if it is registered already, or the ring is closed
     * @throws IoUringException      if the register call fails
     */
    public int registerRingFd() {
        ensureOpen();
        return register.registerRingFd();
    }

    /**
     * Port of {@code io_uring_unregister_ring_fd}.
     *
     * Later enters use the plain fd again.
     *
     * @throws IllegalStateException if it is not registered, the ring is REGISTERED_FD_ONLY, or
     *                               the ring is closed
     * @throws IoUringException      if the register call fails
     */
    public void unregisterRingFd() {
        ensureOpen();
        register.unregisterRingFd();
    }

    /**
     * The registration calls of this ring (buffers, files, eventfd, personality, …).
     *
     * @return a view of this ring for its {@code io_uring_register} calls; cheap, and valid as
     *         long as the ring is open
     * @throws IllegalStateException if the ring is closed
     */
    public Registration registration() {
        ensureOpen();
        return new Registration(this);
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Whether {@link #close()} has run.
     *
     * @return {@code true} once the ring is closed
     */
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
        register.unregisterOnClose();
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
     * submitting a NOP and reaping its completion, and registering a probe (setup, mmap, enter
     * and register must all work; a kernel before 5.6, without the probe, passes). If not,
     * {@link #unavailabilityCause()} says why. A check that failed for a shortage of the moment
     * (EMFILE, ENFILE, ENOMEM, EAGAIN, EINTR) is not kept: the next call checks again.
     *
     * @return whether io_uring works in this process
     */
    public static boolean isAvailable() {
        return Availability.cause() == null;
    }

    /**
     * Why io_uring cannot be used here, or null: the call that failed ({@code io_uring_setup},
     * {@code mmap}, {@code io_uring_enter}, {@code io_uring_register}) with its errno and the likely cause (the
     * {@code io_uring_disabled} sysctl, a seccomp filter, no kernel support, the locked-memory
     * limit), or missing native access with the flag that grants it.
     *
     * @return the failure that makes io_uring unusable, or {@code null} if it is available
     */
    public static Throwable unavailabilityCause() {
        return Availability.cause();
    }

    /**
     * Throws {@link UnsupportedOperationException} with the cause if io_uring cannot be used.
     *
     * @throws UnsupportedOperationException if {@link #isAvailable()} is false; its cause is
     *                                       {@link #unavailabilityCause()}
     */
    public static void ensureAvailability() {
        Throwable cause = Availability.cause();
        if (cause != null) {
            throw new UnsupportedOperationException("io_uring is not available: " + cause.getMessage(), cause);
        }
    }

    // ------------------------------------------------------------------ for the resize (Registration.resizeRings)

    /** The arena every mapping of this ring belongs to. */
    Arena arena() {
        return arena;
    }

    SubmissionQueue sq() {
        return sq;
    }

    /** Switches to the rings a resize mapped and unmaps the old ones (whose views throw from then on). */
    void adoptRings(SubmissionQueue newSq, CompletionQueue newCq, RingMemory fresh) {
        RingMemory old = ringMemory;
        sq = newSq;
        cq = newCq;
        ringMemory = fresh;
        enter.forgetFound();
        old.unmap();
    }
}
