package io.uring4j.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The {@code io_uring_register(2)} calls of one ring: a port of liburing's {@code register.c}.
 * Obtained from {@link IoUring#registration()}; as the ring, not thread-safe (and on a
 * {@link SetupFlag#SINGLE_ISSUER} ring the kernel accepts most of these only from the
 * submitter thread).
 *
 * <p>Every method takes typed arguments and builds the kernel struct in a confined arena that
 * lives for the call (registration is a cold path). Arguments the kernel would refuse for
 * reasons visible here (counts, ranges, heap segments) are {@link IllegalArgumentException}s;
 * a refusal by the kernel is an {@link IoUringException} naming the {@code IORING_REGISTER_*}
 * opcode, the errno and the values. After the ring is closed, every method throws
 * {@link IllegalStateException}.
 *
 * <p><b>Lifetimes.</b> Registered buffers are pinned by the kernel but stay the caller's memory:
 * keep each segment alive until it is replaced, unregistered, or the ring is closed, or a later
 * READ_FIXED may write into memory that has been reused. Registered files are referenced by the
 * kernel: closing the fd afterwards does not affect the registered slot.
 */
public final class Registration {
    /** {@code CLOCK_MONOTONIC}, for {@link #registerClock}. */
    public static final int CLOCK_MONOTONIC = 1;
    /** {@code CLOCK_BOOTTIME}, for {@link #registerClock}. */
    public static final int CLOCK_BOOTTIME = 7;
    /** In a file table: an empty slot (and in {@link #updateFiles}, clear the slot). */
    public static final int FILE_SLOT_EMPTY = -1;
    /** {@code IORING_REGISTER_FILES_SKIP}: in {@link #updateFiles}, leave the slot as it is (kernel 5.12). */
    public static final int FILE_SLOT_SKIP = -2;
    /** IORING_MAX_REG_BUFFERS: most buffers in a table. */
    public static final int MAX_BUFFERS = BufferRegistration.MAX_BUFFERS;
    /** IORING_MAX_FIXED_FILES: most files in a table. */
    public static final int MAX_FILES = FileRegistration.MAX_FILES;
    /** A sync-cancel timeout that waits as long as it takes (the kernel's "-1" timespec). */
    public static final Duration NO_TIMEOUT = ChronoUnit.FOREVER.getDuration();

    private static final int RESIZE_FLAGS = SetupFlag.CQSIZE.mask() | SetupFlag.CLAMP.mask();

    private final IoUring ring;

    Registration(IoUring ring) {
        this.ring = ring;
    }

    /** The one closed-ring check of every registration call (same message as the ring's own). */
    static void ensureOpen(IoUring ring) {
        if (ring.isClosed()) {
            throw new IllegalStateException("io_uring is closed");
        }
    }

    // ------------------------------------------------------------------ fixed buffers

    /**
     * Port of {@code io_uring_register_buffers(3)}; kernel 5.1. Registers the segments as fixed
     * buffers 0..n-1 for READ_FIXED / WRITE_FIXED ({@code bufIndex}). Each must be native,
     * writable, 1 byte to 1 GiB; {@link MemorySegment#NULL} leaves a slot empty. The pinned
     * memory counts against RLIMIT_MEMLOCK (ENOMEM when exceeded).
     *
     * @param buffers the buffers, in slot order: native, writable segments of 1 byte to 1 GiB, or
     *                {@link MemorySegment#NULL} for an empty slot; each must stay alive while registered
     * @throws IllegalArgumentException for 0 or more than {@link #MAX_BUFFERS} segments, or a bad segment
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (e.g. EBUSY: a table is already
     *                                  registered, ENOMEM: over RLIMIT_MEMLOCK)
     */
    public void registerBuffers(List<MemorySegment> buffers) {
        BufferRegistration.register(ring, buffers);
    }

    /**
     * Port of {@code io_uring_register_buffers_sparse(3)}; kernel 5.19. A table of {@code nr}
     * empty slots, to fill later with {@link #updateBuffers}.
     *
     * @param nr the table size, 1..{@link #MAX_BUFFERS}
     * @throws IllegalArgumentException if {@code nr} is out of range
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses the call
     */
    public void registerBuffersSparse(int nr) {
        BufferRegistration.registerSparse(ring, nr);
    }

    /**
     * Port of {@code io_uring_register_buffers_update_tag(3)} without tags; kernel 5.13.
     * Replaces slots {@code offset..offset+n-1} ({@link MemorySegment#NULL} empties a slot);
     * returns how many were updated. A replaced buffer stays pinned until requests using it
     * are done.
     *
     * @param offset  the first slot to replace ({@code >= 0})
     * @param buffers the new buffers, checked as for {@link #registerBuffers}; 1..{@link #MAX_BUFFERS}
     * @return how many slots the kernel updated
     * @throws IllegalArgumentException if {@code offset} is negative, or for a bad count or segment
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses the call
     */
    public int updateBuffers(int offset, List<MemorySegment> buffers) {
        return BufferRegistration.update(ring, offset, buffers);
    }

    /**
     * Port of {@code io_uring_unregister_buffers(3)}; kernel 5.1. Removes the whole buffer table;
     * the segments become the caller's alone again.
     *
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (ENXIO: no table registered)
     */
    public void unregisterBuffers() {
        BufferRegistration.unregister(ring);
    }

    /**
     * Port of {@code io_uring_clone_buffers(3)}; kernel 6.12. Gives this ring the same buffer
     * table as {@code src} (which must have one; this ring must have none). The source is named
     * by its fd, so it must not be a REGISTERED_FD_ONLY ring.
     *
     * @param src the ring whose buffer table is cloned
     * @throws IllegalArgumentException if {@code src} is a REGISTERED_FD_ONLY ring
     * @throws IllegalStateException    if this ring or {@code src} is closed
     * @throws IoUringException         if the kernel refuses (EBUSY: this ring has buffers,
     *                                  ENXIO: {@code src} has none)
     */
    public void cloneBuffersFrom(IoUring src) {
        BufferRegistration.cloneFrom(ring, src, 0, 0, 0, false);
    }

    /**
     * Port of {@code io_uring_clone_buffers_offset(3)}; kernel 6.13. Clones {@code nr} buffers
     * (0: all) of {@code src} from {@code srcOffset} into this ring's slots from
     * {@code dstOffset}; with {@code replace}, existing buffers in that range are replaced.
     *
     * @param src       the ring whose buffers are cloned
     * @param srcOffset the first slot of {@code src} to clone ({@code >= 0})
     * @param dstOffset the first slot of this ring to fill ({@code >= 0})
     * @param nr        how many buffers ({@code >= 0}; 0: all)
     * @param replace   whether buffers already in the destination range are replaced
     * @throws IllegalArgumentException if {@code src} is a REGISTERED_FD_ONLY ring, or an offset
     *                                  or {@code nr} is negative
     * @throws IllegalStateException    if this ring or {@code src} is closed
     * @throws IoUringException         if the kernel refuses the call
     */
    public void cloneBuffersFrom(IoUring src, int srcOffset, int dstOffset, int nr, boolean replace) {
        BufferRegistration.cloneFrom(ring, src, srcOffset, dstOffset, nr, replace);
    }

    // ------------------------------------------------------------------ fixed files

    /**
     * Port of {@code io_uring_register_files(3)}; kernel 5.1. Registers {@code fds} as fixed
     * files 0..n-1 ({@link #FILE_SLOT_EMPTY} leaves a slot empty). Tables larger than
     * RLIMIT_NOFILE make the kernel fail with EMFILE: then the soft limit is raised (up to the
     * hard limit) and the call tried once more, as liburing does.
     *
     * @param fds the fds, in slot order, or {@link #FILE_SLOT_EMPTY}; the kernel takes its own
     *            reference, so closing an fd later leaves its slot intact
     * @throws IllegalArgumentException for 0 or more than {@link #MAX_FILES} fds, or an fd below -1
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (e.g. EBUSY: a table is already
     *                                  registered, EBADF: a bad fd, EMFILE after the retry)
     */
    public void registerFiles(int[] fds) {
        FileRegistration.register(ring, fds);
    }

    /**
     * Port of {@code io_uring_register_files_sparse(3)}; kernel 5.19. A table of {@code nr} empty
     * slots, for direct descriptors or {@link #updateFiles}. RLIMIT_NOFILE is raised and the
     * call retried on EMFILE, as for {@link #registerFiles}.
     *
     * @param nr the table size, 1..{@link #MAX_FILES}
     * @throws IllegalArgumentException if {@code nr} is out of range
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses the call
     */
    public void registerFilesSparse(int nr) {
        FileRegistration.registerSparse(ring, nr);
    }

    /**
     * Port of {@code io_uring_register_files_update(3)} (through REGISTER_FILES_UPDATE2);
     * kernel 5.13. Sets slots {@code offset..offset+n-1}: an fd, {@link #FILE_SLOT_EMPTY} to
     * clear, {@link #FILE_SLOT_SKIP} to keep. Returns how many slots were processed.
     *
     * @param offset the first slot to set ({@code >= 0})
     * @param fds    1..{@link #MAX_FILES} values: an fd, {@link #FILE_SLOT_EMPTY} or {@link #FILE_SLOT_SKIP}
     * @return how many slots the kernel processed
     * @throws IllegalArgumentException if {@code offset} is negative, for a bad count, or a value
     *                                  below {@link #FILE_SLOT_SKIP}
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (ENXIO: no file table, EINVAL:
     *                                  beyond the table)
     */
    public int updateFiles(int offset, int[] fds) {
        return FileRegistration.update(ring, offset, fds);
    }

    /**
     * Port of {@code io_uring_unregister_files(3)}; kernel 5.1. Removes the whole file table
     * (and the direct descriptors in it).
     *
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (ENXIO: no table registered)
     */
    public void unregisterFiles() {
        FileRegistration.unregister(ring);
    }

    /**
     * Port of {@code io_uring_register_file_alloc_range(3)}; kernel 6.0. Limits the slots the
     * kernel picks for direct descriptors allocated with IORING_FILE_INDEX_ALLOC to
     * {@code [offset, offset + len)}.
     *
     * @param offset the first slot of the range ({@code >= 0})
     * @param len    the number of slots ({@code >= 0})
     * @throws IllegalArgumentException if {@code offset} or {@code len} is negative
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (EINVAL: beyond the file table, or no table)
     */
    public void registerFileAllocRange(int offset, int len) {
        FileRegistration.allocRange(ring, offset, len);
    }

    // ------------------------------------------------------------------ eventfd

    /**
     * Port of {@code io_uring_register_eventfd(3)}; kernel 5.2. The kernel signals {@code fd}
     * when it posts CQEs (unless {@link IoUring#setCqEventfdEnabled} turned that off). The fd
     * stays the caller's to close.
     *
     * @param fd an eventfd(2) descriptor
     * @throws IllegalArgumentException if {@code fd} is negative
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (EBUSY: one is already registered)
     */
    public void registerEventFd(int fd) {
        eventFd(RegisterOp.REGISTER_EVENTFD, fd);
    }

    /**
     * Port of {@code io_uring_register_eventfd_async(3)}; kernel 5.6. As {@link #registerEventFd},
     * but the kernel signals only for completions posted from async context (io-wq).
     *
     * @param fd an eventfd(2) descriptor
     * @throws IllegalArgumentException if {@code fd} is negative
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (EBUSY: one is already registered)
     */
    public void registerEventFdAsync(int fd) {
        eventFd(RegisterOp.REGISTER_EVENTFD_ASYNC, fd);
    }

    private void eventFd(RegisterOp op, int fd) {
        ensureOpen(ring);
        if (fd < 0) {
            throw new IllegalArgumentException(op.kernelName() + ": fd must be >= 0, given " + fd);
        }
        try (Arena arena = Arena.ofConfined()) {
            ring.registerOrThrow(op, arena.allocateFrom(JAVA_INT, fd), 1, "eventfd " + fd + " (EBUSY: one is already registered)");
        }
    }

    /**
     * Port of {@code io_uring_unregister_eventfd(3)}; kernel 5.2. The kernel stops signalling the
     * eventfd (which stays open).
     *
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (ENXIO: none registered)
     */
    public void unregisterEventFd() {
        ensureOpen(ring);
        ring.registerOrThrow(RegisterOp.UNREGISTER_EVENTFD, MemorySegment.NULL, 0, "unregister eventfd (ENXIO: none registered)");
    }

    // ------------------------------------------------------------------ personality

    /**
     * Port of {@code io_uring_register_personality(3)}; kernel 5.6. Registers the calling
     * thread's credentials and returns their id, for {@link Sqe#personality(int)}.
     *
     * @return the personality id (16 bits)
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses the call
     */
    public int registerPersonality() {
        ensureOpen(ring);
        return ring.registerOrThrow(RegisterOp.REGISTER_PERSONALITY, MemorySegment.NULL, 0, "register credentials");
    }

    /**
     * Port of {@code io_uring_unregister_personality(3)}; kernel 5.6. Forgets the credentials
     * {@link #registerPersonality()} registered under {@code id}.
     *
     * @param id the personality id, 0..65535
     * @throws IllegalArgumentException if {@code id} is outside 0..65535
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (EINVAL: not registered)
     */
    public void unregisterPersonality(int id) {
        ensureOpen(ring);
        if (id < 0 || id > 0xFFFF) {
            throw new IllegalArgumentException("unregisterPersonality: an id is 16 bits (0..65535), given " + id);
        }
        ring.registerOrThrow(RegisterOp.UNREGISTER_PERSONALITY, MemorySegment.NULL, id, "personality " + id + " (EINVAL: not registered)");
    }

    // ------------------------------------------------------------------ io-wq

    /**
     * Port of {@code io_uring_register_iowq_aff(3)}; kernel 5.14. Restricts the async workers
     * (of the calling thread's io-wq, or of the SQPOLL thread) to the CPUs set in {@code cpus},
     * which must be a subset of the CPUs the process may use (else EINVAL) and exist on the
     * machine (else IllegalArgumentException: the kernel would silently ignore them). Workers
     * already running keep their affinity (as of 6.18); workers started later get the new one.
     *
     * @param cpus the CPU ids (bit {@code i}: CPU {@code i}); not empty
     * @throws IllegalArgumentException if {@code cpus} is empty or names a CPU beyond the
     *                                  machine's possible CPUs
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (EINVAL: a CPU this process may not use)
     */
    public void registerIowqAffinity(BitSet cpus) {
        IoWqRegistration.registerAffinity(ring, cpus);
    }

    /**
     * Port of {@code io_uring_unregister_iowq_aff(3)}; kernel 5.14. Workers started later use the
     * process's own affinity again.
     *
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses the call
     */
    public void unregisterIowqAffinity() {
        IoWqRegistration.unregisterAffinity(ring);
    }

    /**
     * Port of {@code io_uring_register_iowq_max_workers(3)}; kernel 5.15. Caps the bounded
     * (regular file and block I/O) and unbounded (sockets, pipes, …) async workers; 0 leaves a
     * value unchanged, so {@code (0, 0)} only queries. Returns the previous {@code {bounded,
     * unbounded}}, as unsigned values (-1 reads as 2^32 - 1). The values live in the calling
     * thread's io-wq, which exists once the thread has submitted to a ring; before that the
     * kernel reports {@code {0, 0}} and applies the caps when it creates the io-wq.
     *
     * @param bounded   the new cap on bounded workers ({@code >= 0}; 0: unchanged)
     * @param unbounded the new cap on unbounded workers ({@code >= 0}; 0: unchanged)
     * @return a new two-element array: the previous bounded and unbounded caps
     * @throws IllegalArgumentException if a count is negative
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses the call
     */
    public int[] registerIowqMaxWorkers(int bounded, int unbounded) {
        return IoWqRegistration.maxWorkers(ring, bounded, unbounded);
    }

    // ------------------------------------------------------------------ restrictions

    /**
     * Port of {@code io_uring_register_restrictions(3)}; kernel 5.10. Locks a ring set up with
     * {@link SetupFlag#R_DISABLED} to an allow-list (all entries in one call), before
     * {@link #enableRings()}.
     *
     * @param restrictions the allow-list entries, not empty, none null
     * @throws IllegalArgumentException if {@code restrictions} is empty
     * @throws NullPointerException     if an entry is null
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (EBADFD: the ring is not
     *                                  R_DISABLED, EBUSY: restrictions already registered)
     */
    public void registerRestrictions(List<Restriction> restrictions) {
        ensureOpen(ring);
        if (restrictions.isEmpty()) {
            throw new IllegalArgumentException("registerRestrictions: at least one restriction, given none");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment res = arena.allocate(Layouts.RESTRICTION, restrictions.size());
            long stride = Layouts.RESTRICTION.byteSize();
            for (int i = 0; i < restrictions.size(); i++) {
                Restriction r = Objects.requireNonNull(restrictions.get(i), "restriction");
                res.set(JAVA_SHORT, i * stride + Layouts.RESTRICTION_OPCODE, (short) r.kind().code());
                res.set(JAVA_BYTE, i * stride + Layouts.RESTRICTION_ARG, (byte) r.value());
            }
            ring.registerOrThrow(RegisterOp.REGISTER_RESTRICTIONS, res, restrictions.size(), restrictions
                    + " (EBADFD: the ring is not R_DISABLED, EBUSY: restrictions already registered)");
        }
    }

    /**
     * Varargs form of {@link #registerRestrictions(List)}.
     *
     * @param restrictions the allow-list entries, at least one, none null
     * @throws IllegalArgumentException if {@code restrictions} is empty
     * @throws NullPointerException     if an entry is null
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses the call
     */
    public void registerRestrictions(Restriction... restrictions) {
        registerRestrictions(List.of(restrictions));
    }

    /**
     * Port of {@code io_uring_enable_rings(3)}; kernel 5.10. Starts a ring set up with
     * {@link SetupFlag#R_DISABLED}: submissions work from then on, under the registered restrictions.
     *
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (EBADFD: not disabled)
     */
    public void enableRings() {
        ensureOpen(ring);
        ring.registerOrThrow(RegisterOp.REGISTER_ENABLE_RINGS, MemorySegment.NULL, 0, "enable rings (EBADFD: not disabled)");
    }

    // ------------------------------------------------------------------ synchronous cancel

    /**
     * Port of {@code io_uring_register_sync_cancel(3)}; kernel 6.0. Cancels the request(s) with
     * this {@code user_data} and waits up to {@code timeout} ({@link #NO_TIMEOUT}: as long as
     * it takes) until they are gone. The cancelled requests still post their CQEs (usually
     * {@code -ECANCELED}).
     *
     * @param userData the {@code user_data} of the request(s) to cancel
     * @param flags    {@link CancelFlags}: ALL, ANY, USERDATA (FD and OP need the other overloads)
     * @param timeout  the longest wait ({@code >= 0}; {@link #NO_TIMEOUT}: no limit)
     * @return how many requests were cancelled; 0 if none matched (the kernel's ENOENT is a
     *         result here, not an error, since a request may complete just before its cancel)
     * @throws IllegalArgumentException if {@code flags} holds FD, OP or unknown bits, or
     *                                  {@code timeout} is negative
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         ETIME if they could not be cancelled within the timeout,
     *                                  or another errno the kernel returns
     */
    public int syncCancel(long userData, int flags, Duration timeout) {
        if ((flags & (CancelFlags.FD | CancelFlags.OP)) != 0) {
            throw new IllegalArgumentException("syncCancel(userData, ...): FD and OP need syncCancelFd or the full overload, given "
                    + CancelFlags.names(flags));
        }
        return syncCancel(userData, -1, null, flags, timeout);
    }

    /**
     * As {@link #syncCancel(long, int, Duration)} matching requests on fd (or with FD_FIXED,
     * fixed file) {@code fd}; adds FD.
     *
     * @param fd      the file descriptor (or with {@link CancelFlags#FD_FIXED}, registered-file
     *                index) whose requests to cancel ({@code >= 0})
     * @param flags   more {@link CancelFlags} (ALL, ANY, FD_FIXED), or 0
     * @param timeout the longest wait ({@code >= 0}; {@link #NO_TIMEOUT}: no limit)
     * @return how many requests were cancelled; 0 if none matched
     * @throws IllegalArgumentException if {@code fd} is negative, {@code flags} holds unknown
     *                                  bits or OP, or {@code timeout} is negative
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         ETIME if they could not be cancelled within the timeout,
     *                                  or another errno the kernel returns
     */
    public int syncCancelFd(int fd, int flags, Duration timeout) {
        if (fd < 0) {
            throw new IllegalArgumentException("syncCancelFd: fd must be >= 0, given " + fd);
        }
        return syncCancel(0, fd, null, flags | CancelFlags.FD, timeout);
    }

    /**
     * The full {@code io_uring_sync_cancel_reg}: {@code userData} is matched with USERDATA (or
     * alone), {@code fd} with FD, {@code op} (may be null otherwise) with OP; see
     * {@link #syncCancel(long, int, Duration)}.
     *
     * @param userData the {@code user_data} to match (with USERDATA, or when no other key is set)
     * @param fd       the fd to match with FD, else ignored
     * @param op       the opcode to match with OP; may be null without OP
     * @param flags    {@link CancelFlags}
     * @param timeout  the longest wait ({@code >= 0}; {@link #NO_TIMEOUT}: no limit)
     * @return how many requests were cancelled (with ALL or ANY; otherwise 1), or 0 if none matched
     * @throws IllegalArgumentException if {@code flags} holds unknown bits, OP comes without
     *                                  {@code op}, or {@code timeout} is negative
     * @throws NullPointerException     if {@code timeout} is null
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         ETIME if they could not be cancelled within the timeout,
     *                                  or another errno the kernel returns
     */
    public int syncCancel(long userData, int fd, Opcode op, int flags, Duration timeout) {
        ensureOpen(ring);
        Objects.requireNonNull(timeout, "timeout");
        if ((flags & ~CancelFlags.KNOWN) != 0) {
            throw new IllegalArgumentException("syncCancel: unknown cancel flags 0x" + Integer.toHexString(flags & ~CancelFlags.KNOWN)
                    + ", known " + CancelFlags.names(CancelFlags.KNOWN));
        }
        if ((flags & CancelFlags.OP) != 0 && op == null) {
            throw new IllegalArgumentException("syncCancel: the OP flag needs an opcode, given null");
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("syncCancel: timeout must not be negative, given " + timeout);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = arena.allocate(Layouts.SYNC_CANCEL_REG);
            reg.set(JAVA_LONG, Layouts.SYNC_CANCEL_ADDR, userData);
            reg.set(JAVA_INT, Layouts.SYNC_CANCEL_FD, fd);
            reg.set(JAVA_INT, Layouts.SYNC_CANCEL_FLAGS, flags);
            reg.set(JAVA_BYTE, Layouts.SYNC_CANCEL_OPCODE, op == null ? 0 : (byte) op.code());
            MemorySegment ts = reg.asSlice(Layouts.SYNC_CANCEL_TIMEOUT, KernelTimespec.BYTES);
            if (timeout.getSeconds() >= 1L << 32) {
                KernelTimespec.set(ts, -1, -1); // the kernel's "no timeout"; huge values would overflow its deadline
            } else {
                KernelTimespec.set(ts, timeout);
            }
            int r = ring.register(RegisterOp.REGISTER_SYNC_CANCEL, reg, 1);
            if (r == -Errno.ENOENT.code()) {
                return 0;
            }
            if (r < 0) {
                throw new IoUringException("io_uring_register(" + RegisterOp.REGISTER_SYNC_CANCEL.kernelName() + ")", r,
                        "user_data " + userData + ", fd " + fd + ", op " + op + ", flags " + CancelFlags.names(flags)
                                + ", timeout " + timeout + (r == -Errno.ETIME.code() ? " (not cancelled in time)" : ""));
            }
            boolean counts = (flags & (CancelFlags.ALL | CancelFlags.ANY)) != 0;
            return counts ? r : 1;
        }
    }

    // ------------------------------------------------------------------ clock

    /**
     * Port of {@code io_uring_register_clock(3)}; kernel 6.12. The clock the ring's waits with
     * a timeout measure against: {@link #CLOCK_MONOTONIC} (default) or {@link #CLOCK_BOOTTIME}.
     *
     * @param clockId the clock: {@link #CLOCK_MONOTONIC} or {@link #CLOCK_BOOTTIME}
     * @throws IllegalArgumentException if {@code clockId} is negative
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (EINVAL: another clock)
     */
    public void registerClock(int clockId) {
        ensureOpen(ring);
        if (clockId < 0) {
            throw new IllegalArgumentException("registerClock: a clock id is >= 0, given " + clockId);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment clock = arena.allocate(Layouts.CLOCK_REGISTER);
            clock.set(JAVA_INT, Layouts.CLOCK_REGISTER_CLOCKID, clockId);
            ring.registerOrThrow(RegisterOp.REGISTER_CLOCK, clock, 0,
                    "clock " + clockId + " (EINVAL: only CLOCK_MONOTONIC=1 and CLOCK_BOOTTIME=7)");
        }
    }

    // ------------------------------------------------------------------ resize

    /**
     * Port of {@code io_uring_resize_rings(3)}; kernel 6.13, for rings set up with
     * {@link SetupFlag#DEFER_TASKRUN} (else EINVAL). Gives the ring an SQ of {@code entries}
     * and a CQ of twice that, or of {@code params.cqEntries()} with CQSIZE; CLAMP caps both.
     * Other setup flags are inherited, so {@code params} may hold only CQSIZE and CLAMP.
     *
     * <p>SQEs taken but not submitted and CQEs not yet seen move to the new rings (the kernel
     * copies them; fails with EOVERFLOW if they do not fit). SQE and CQE views obtained before
     * the resize are invalid afterwards: using one throws {@link IllegalStateException}. The old
     * ring memory is unmapped. Not for NO_MMAP rings (a liburing limitation kept here).
     *
     * @param entries the new SQ size, as for {@link IoUring#open(int)}
     * @param params  only {@link SetupFlag#CQSIZE} (with {@link IoUringParams#cqEntries}) and
     *                {@link SetupFlag#CLAMP} are read
     * @throws IllegalArgumentException for bad sizes or flags other than CQSIZE and CLAMP
     * @throws UnsupportedOperationException for a NO_MMAP ring
     * @throws IllegalStateException    if the ring is closed
     * @throws IoUringException         if the kernel refuses (EINVAL: not a DEFER_TASKRUN ring,
     *                                  EOVERFLOW: the pending entries do not fit), or mapping the
     *                                  new rings fails
     */
    public void resizeRings(int entries, IoUringParams params) {
        ensureOpen(ring);
        int flags = params.flagsMask();
        if ((flags & ~RESIZE_FLAGS) != 0) {
            throw new IllegalArgumentException("resizeRings takes only CQSIZE and CLAMP (the rest is inherited from setup), given "
                    + BitFlag.names(SetupFlag.class, flags));
        }
        RingMemory.Sizes sizes = RingMemory.sizes(entries, flags, params.cqEntries());
        if (ring.hasSetupFlag(SetupFlag.NO_MMAP)) {
            throw new UnsupportedOperationException("resizeRings: a NO_MMAP ring cannot be resized here (the kernel would need new caller memory)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(Layouts.PARAMS);
            p.set(JAVA_INT, Layouts.params("sq_entries"), entries);
            p.set(JAVA_INT, Layouts.params("cq_entries"), params.cqEntries());
            p.set(JAVA_INT, Layouts.params("flags"), flags);
            replaceRings(p, "to " + sizes.sq() + " SQ / " + sizes.cq() + " CQ entries, flags "
                    + BitFlag.names(SetupFlag.class, flags)
                    + (ring.hasSetupFlag(SetupFlag.DEFER_TASKRUN) ? "" : " (EINVAL: resizing needs a DEFER_TASKRUN ring)"));
        }
    }

    /**
     * The ring half of liburing's {@code io_uring_resize_rings}: asks the kernel for new rings
     * sized by {@code params} (IORING_REGISTER_RESIZE_RINGS), maps them, points the SQ and CQ at
     * them and unmaps the old ones.
     *
     * <p>SQEs taken but not yet published are published first (a tail store without entering),
     * so the kernel copies them along with the rest of the SQ; liburing leaves them behind. The
     * local SQ positions carry over, as the kernel keeps head and tail values across the copy;
     * the new CQ picks its head up from the copied ring. Old SQE/CQE views belong to the old
     * mapping's arena and throw once it is closed. If mapping the new rings fails after the
     * kernel switched, the ring is unusable (as in liburing) and should be closed.
     */
    private void replaceRings(MemorySegment params, String what) {
        SubmissionQueue sq = ring.sq();
        sq.flush();
        ring.registerOrThrow(RegisterOp.REGISTER_RESIZE_RINGS, params, 1, what);
        // The kernel reports sizes and offsets; the flags and features that shape the mapping are the ring's.
        int setupFlags = ring.setupFlags();
        params.set(JAVA_INT, Layouts.params("flags"), setupFlags);
        params.set(JAVA_INT, Layouts.params("features"), ring.featuresMask());
        if ((setupFlags & SetupFlag.NO_SQARRAY.mask()) == 0) {
            // The kernel does not report the new SQ array's offset (fuzz finding K3): take its rule.
            long cqes = Integer.toUnsignedLong(params.get(JAVA_INT, Layouts.cqOff("cqes")));
            int cqEntries = params.get(JAVA_INT, Layouts.params("cq_entries"));
            params.set(JAVA_INT, Layouts.sqOff("array"), (int) RingMemory.sqArrayOffset(setupFlags, cqes, cqEntries));
        }
        RingMemory fresh = RingMemory.map(ring.arena(), ring.fd(), params);
        SubmissionQueue newSq = new SubmissionQueue(fresh.sqRing, params, fresh.sqes, setupFlags);
        newSq.sqeHead = sq.sqeHead;
        newSq.sqeTail = sq.sqeTail;
        ring.adoptRings(newSq, new CompletionQueue(fresh.cqRing, params, setupFlags), fresh);
    }
}
