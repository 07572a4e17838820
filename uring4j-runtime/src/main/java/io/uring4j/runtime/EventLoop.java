package io.uring4j.runtime;

import io.uring4j.core.Cqe;
import io.uring4j.core.CancelOps;
import io.uring4j.core.CqeHandler;
import io.uring4j.core.IoUring;
import io.uring4j.core.IoUringParams;
import io.uring4j.core.KernelTimespec;
import io.uring4j.core.Opcode;
import io.uring4j.core.Probe;
import io.uring4j.core.SetupFlag;
import io.uring4j.core.Sqe;
import io.uring4j.core.SqeFlag;
import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One thread that owns one ring. Every SQE of the ring is written, and every CQE read, on this
 * thread; other threads hand work over through a lock-free queue and wake the thread through an
 * eventfd the loop keeps a read pending on. An idle loop sleeps in {@code io_uring_enter}.
 *
 * <p>The ring is SINGLE_ISSUER|DEFER_TASKRUN where the kernel has them (COOP_TASKRUN|TASKRUN_FLAG
 * otherwise): completions are produced only when this thread enters the kernel.
 */
public final class EventLoop implements AutoCloseable {
    private static final int ECANCELED = 125;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final EventLoopGroup group;
    private final int id;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set by the loop just before it sleeps; a producer that clears it must wake the loop. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger wakers = new java.util.concurrent.atomic.AtomicInteger();
    /** The eventfd counter increment every wakeup writes; read-only after class init. */
    private static final MemorySegment ONE = Arena.global().allocate(JAVA_LONG);
    static {
        ONE.set(JAVA_LONG, 0, 1L);
    }
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile Throwable startFailure;

    // ---- loop-thread state ----
    private IoUring ring;
    private Probe probe;
    private Arena arena;
    private BufferPool buffers;
    /** Operation slots by index (a plain array: every CQE looks its slot up here). */
    private Operation[] slots = new Operation[0];
    private int[] freeSlots = new int[0];
    private int freeCount;
    private int inFlight;
    private int eventFd = -1;
    /** Closing: the cancel-everything SQE went out, and whether requests started after it. */
    private boolean cancelSent;
    private boolean startedSinceCancel;
    private RecvBuffers recvBuffers;
    /** Segments over recently used direct buffers, by buffer identity ({@link #wholeSegment}). */
    private final ByteBuffer[] segmentKeys = new ByteBuffer[SEGMENT_CACHE];
    private final MemorySegment[] segmentValues = new MemorySegment[SEGMENT_CACHE];
    /** Boxed results handed out lately ({@link #boxed}). */
    private final Integer[] boxedResults = new Integer[16];
    private static final int SEGMENT_CACHE = 512;
    private static final int SEGMENT_PROBES = 4;
    private FixedFiles fixedFiles;
    private FixedBuffers fixedBuffers;
    /** Files and sockets opened on this loop and not yet closed: closed with the loop. */
    private final java.util.Set<Resource> resources = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /** Something holding an fd of this loop that the loop must close if its owner does not. */
    interface Resource {
        /** Closes the fd with a plain close(2); called on the loop thread after every request ended. */
        void closeOnShutdown();
    }

    void register(Resource r) {
        resources.add(r);
    }

    void unregister(Resource r) {
        resources.remove(r);
    }
    private final CqeHandler dispatcher = this::dispatch;

    EventLoop(EventLoopGroup group, int id, int entries) {
        this.group = group;
        this.id = id;
        this.thread = Thread.ofPlatform().name("uring4j-loop-" + id).daemon(true).unstarted(() -> run(entries));
        thread.start();
        try {
            if (!started.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("event loop " + id + " did not start within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting event loop " + id, e);
        }
        if (startFailure != null) {
            throw new IllegalStateException("event loop " + id + " could not start: " + startFailureReason(startFailure), startFailure);
        }
    }

    /**
     * Why the loop could not start: io_uring's own unavailability cause when it is unavailable
     * (no native access, seccomp, sysctl, memlock: core names the failing call and the fix),
     * else the failure's message (an initializer error has none, hence its description).
     */
    private static String startFailureReason(Throwable failure) {
        if (!IoUring.isAvailable()) {
            return IoUring.unavailabilityCause().getMessage();
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }

    /** The group this loop belongs to. */
    public EventLoopGroup group() {
        return group;
    }

    /** The loop whose thread this is, or null on any other thread. */
    static EventLoop current() {
        return CURRENT.get();
    }

    private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    /** Whether the caller runs on this loop's thread. */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop thread: now if already there, else after a wakeup. */
    void execute(Runnable task) {
        if (inEventLoop()) {
            task.run();
            return;
        }
        if (closing) {
            throw new IllegalStateException("event loop " + id + " is closed");
        }
        tasks.add(task);
        wakeIfSleeping();
    }

    /**
     * Wakes the loop if it sleeps in io_uring_enter. Only the thread that flips {@code sleeping}
     * writes the eventfd, and {@code wakers} keeps the loop from closing the eventfd while such a
     * write may still be under way.
     */
    private void wakeIfSleeping() {
        wakers.incrementAndGet();
        try {
            if (sleeping.compareAndSet(true, false)) {
                Posix.write(eventFd, ONE, 8);
            }
        } finally {
            wakers.decrementAndGet();
        }
    }

    /** Runs {@code body} on the loop and completes the returned future with what it completes. */
    <T> CompletableFuture<T> submit(java.util.function.Consumer<CompletableFuture<T>> body) {
        OpFuture<T> f = new OpFuture<>(this);
        try {
            execute(() -> {
                try {
                    body.accept(f);
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (IllegalStateException e) {
            f.completeExceptionally(e);
        }
        return f;
    }


    // ------------------------------------------------------------------ the loop

    private void run(int entries) {
        CURRENT.set(this);
        try {
            arena = Arena.ofConfined();
            buffers = new BufferPool(arena);
            ring = openRing(entries);
            probe = Probe.of(ring);
            eventFd = Posix.eventfd(0, Posix.EFD_CLOEXEC);
            if (eventFd < 0) throw new IllegalStateException("eventfd failed: " + eventFd);
            armWakeRead();
            ring.submit();
        } catch (Throwable t) {
            startFailure = t;
            started.countDown();
            cleanUp();
            terminated.countDown();
            return;
        }
        started.countDown();
        try {
            loop();
        } finally {
            cleanUp();
            terminated.countDown();
        }
    }

    private static IoUring openRing(int entries) {
        IoUringParams params = IoUringParams.create().cqEntries(Math.max(entries * 4, 4096))
                .flags(SetupFlag.SINGLE_ISSUER, SetupFlag.DEFER_TASKRUN);
        try {
            return IoUring.open(entries, params);
        } catch (RuntimeException e) {
            return IoUring.open(entries, IoUringParams.create().cqEntries(Math.max(entries * 4, 4096))
                    .flags(SetupFlag.COOP_TASKRUN, SetupFlag.TASKRUN_FLAG));
        }
    }

    private void loop() {
        // One call per turn: the JIT compiles turn() as an ordinary hot method within the first
        // thousands of turns, instead of waiting (seconds under load) to replace this frame on stack.
        while (turn()) {
            // next turn
        }
    }

    /** Runs queued tasks, submits, waits for and dispatches completions; false once closed and drained. */
    private boolean turn() {
        runTasks();
        if (closing) {
            if (!cancelSent || startedSinceCancel) {
                // Also catches requests that tasks queued just before closing started later.
                cancelEverything();
                cancelSent = true;
                startedSinceCancel = false;
            }
            if (inFlight == 0) {
                return false;
            }
        }
        if (recvBuffers != null) recvBuffers.rearmStarved();
        sleeping.set(true);
        if (!tasks.isEmpty() || (closing && !cancelSent)) {
            sleeping.set(false);
            ring.submit();
        } else {
            ring.submitAndWait(1);
            sleeping.set(false);
        }
        ring.forEachCqe(dispatcher);
        return true;
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (Throwable t) {
                // Tasks complete their own futures; anything escaping is a runtime bug worth seeing.
                System.err.println("uring4j: a task on event loop " + id + " failed: " + t);
            }
        }
    }

    /** One SQE cancels every request of this ring (IORING_ASYNC_CANCEL_ANY|ALL). */
    private void cancelEverything() {
        Sqe sqe = sqe();
        sqe.prepCancel64(0, CancelOps.CANCEL_ANY | CancelOps.CANCEL_ALL)
                .userData(UserData.pack(UserData.TAG_CANCEL, 0, 0));
    }

    private void cleanUp() {
        sleeping.set(false);
        for (Resource r : resources) {
            r.closeOnShutdown();
        }
        resources.clear();
        java.util.Arrays.fill(segmentKeys, null);
        java.util.Arrays.fill(segmentValues, null);
        if (recvBuffers != null) recvBuffers.close();
        if (ring != null) ring.close();
        while (wakers.get() != 0) {
            Thread.onSpinWait(); // a producer that saw the loop asleep is still writing the eventfd
        }
        if (eventFd >= 0) Posix.close(eventFd);
        if (arena != null) {
            NativeMemory.freed(buffers.bytes() + (long) slots.length * Operation.SCRATCH_BYTES);
            arena.close();
        }
    }

    // ------------------------------------------------------------------ wakeup read

    private static final Operation.Completion WAKE = (loop, op, res, flags, more) -> {
        if (!loop.closing) {
            loop.armWakeRead();
        }
    };

    private void armWakeRead() {
        Operation op = acquire(WAKE, null);
        sqe().prepRead(eventFd, op.scratch.asSlice(0, 8), 0).userData(op.userData(UserData.TAG_MAIN));
        started(op, false);
    }

    // ------------------------------------------------------------------ operations

    /** A fresh operation slot (loop thread only). */
    Operation acquire(Operation.Completion completion, CompletableFuture<?> future) {
        if (freeCount == 0) {
            grow();
        }
        Operation op = slots[freeSlots[--freeCount]];
        op.completion = completion;
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> f = (CompletableFuture<Object>) future;
        op.future = f;
        return op;
    }

    private void grow() {
        int old = slots.length;
        int add = Math.max(64, old);
        MemorySegment block = arena.allocate((long) add * Operation.SCRATCH_BYTES, 64);
        NativeMemory.allocated((long) add * Operation.SCRATCH_BYTES);
        int[] free = new int[old + add];
        System.arraycopy(freeSlots, 0, free, 0, freeCount);
        Operation[] grown = java.util.Arrays.copyOf(slots, old + add);
        for (int i = 0; i < add; i++) {
            grown[old + i] = new Operation(old + i, block.asSlice((long) i * Operation.SCRATCH_BYTES, Operation.SCRATCH_BYTES));
            free[freeCount++] = old + add - 1 - i;
        }
        slots = grown;
        freeSlots = free;
    }

    /**
     * Marks {@code op} as submitted: its main SQE (and a linked timeout, if any) are in the SQ.
     * From here on only its CQEs release it.
     */
    void started(Operation op, boolean withTimeout) {
        started(op, withTimeout ? 2 : 1, withTimeout);
    }

    /** As {@link #started(Operation, boolean)} for an operation that posts {@code cqes} CQEs in all. */
    void started(Operation op, int cqes, boolean withTimeout) {
        op.pendingCqes = cqes;
        startedSinceCancel = true;
        op.hasTimeout = withTimeout;
        inFlight++;
    }

    /**
     * Links a timeout to the SQE just prepared for {@code op}: the request fails with a
     * timeout if it has not completed within {@code timeout}. The timespec lives in the
     * operation's scratch area until the timeout's own CQE.
     */
    void linkTimeout(Operation op, Sqe main, Duration timeout) {
        main.flag(SqeFlag.IO_LINK);
        MemorySegment ts = op.scratch.asSlice(Operation.TIMESPEC_OFFSET, 16);
        KernelTimespec.set(ts, timeout);
        sqe().prepLinkTimeout(ts, 0).userData(op.userData(UserData.TAG_TIMEOUT));
    }

    /** Asks the kernel to cancel {@code op}; its memory stays owned until its CQEs arrive. */
    void cancel(Operation op) {
        if (op.delivered || op.cancelRequested) return;
        op.cancelRequested = true;
        sqe().prepCancel64(op.userData(UserData.TAG_MAIN), 0)
                .userData(UserData.pack(UserData.TAG_CANCEL, 0, 0));
    }

    /**
     * Makes cancelling {@code f} cancel {@code op} in the kernel. The operation keeps its memory
     * until its CQEs arrive; the generation check ignores a cancel that comes after the slot was
     * reused.
     */
    void cancelWith(Operation op, CompletableFuture<?> f) {
        if (f instanceof OpFuture<?> of) {
            of.bind(op);
        }
    }

    /**
     * Closes {@code fd} with IORING_OP_CLOSE and completes {@code f} with the result (or the
     * exception naming {@code subject}). Callers make sure no request of theirs still uses it.
     */
    void closeFd(int fd, CompletableFuture<?> f, Object subject) {
        Operation op = acquire(AsyncFile.INT_RESULT, f);
        op.context = new Object[] {"close", subject};
        sqe().prepClose(fd).userData(op.userData(UserData.TAG_MAIN));
        started(op, false);
    }

    /** Cancels every request on {@code fd} (ASYNC_CANCEL with FD|ALL); their CQEs follow. */
    void cancelFd(int fd) {
        sqe().prepCancelFd(fd, CancelOps.CANCEL_ALL).userData(UserData.pack(UserData.TAG_CANCEL, 0, 0));
    }

    /**
     * The segment over all of direct buffer {@code buf} (position and limit aside), for the
     * kernel. Kept for the last {@value #SEGMENT_CACHE} or so direct buffers used on this loop, so
     * an application that reuses its buffers (the usual way, one per request in flight) allocates
     * nothing per request; callers add the buffer's position to the address themselves (a slice
     * per request would be an object the JIT does not always keep off the heap). An entry keeps
     * its buffer reachable until another buffer takes its place or the loop closes. Loop thread.
     */
    MemorySegment wholeSegment(ByteBuffer buf) {
        int home = (System.identityHashCode(buf) * 0x9E3779B9 >>> 16) & (SEGMENT_CACHE - 1);
        int free = -1;
        for (int p = 0; p < SEGMENT_PROBES; p++) {
            int i = (home + p) & (SEGMENT_CACHE - 1);
            ByteBuffer key = segmentKeys[i];
            if (key == buf) return segmentValues[i];
            if (key == null && free < 0) free = i;
        }
        int i = free >= 0 ? free : home; // all probed slots taken: the home slot's buffer makes room
        MemorySegment whole = MemorySegment.ofBuffer(buf.duplicate().clear());
        segmentKeys[i] = buf;
        segmentValues[i] = whole;
        return whole;
    }

    /**
     * {@code value} boxed, reusing the box of a recent equal result: transfers mostly complete
     * with the size they asked for, so a handler's {@code Integer} costs no allocation in
     * steady state (Integer.valueOf caches only -128..127). Loop thread.
     */
    Integer boxed(int value) {
        int i = (value ^ (value >>> 5) ^ (value >>> 13)) & (boxedResults.length - 1);
        Integer box = boxedResults[i];
        if (box == null || box != value) {
            box = value;
            boxedResults[i] = box;
        }
        return box;
    }

    /** An SQE, submitting first if the SQ is full. */
    Sqe sqe() {
        Sqe sqe = ring.getSqe();
        if (sqe == null) {
            ring.submit();
            sqe = ring.getSqe();
            if (sqe == null) throw new IllegalStateException("SQ still full after submit");
        }
        return sqe;
    }

    BufferPool buffers() {
        return buffers;
    }

    IoUring ring() {
        return ring;
    }

    Arena arena() {
        return arena;
    }

    /** Receive buffers of this loop (a provided-buffer ring), created on first use. */
    RecvBuffers recvBuffers() {
        if (recvBuffers == null) {
            recvBuffers = new RecvBuffers(this);
        }
        return recvBuffers;
    }

    /** The registered buffer table of this loop, created on first use. */
    FixedBuffers fixedBuffers() {
        if (fixedBuffers == null) {
            fixedBuffers = new FixedBuffers(ring);
        }
        return fixedBuffers;
    }

    /** The registered file table of this loop, created on first use. */
    FixedFiles fixedFiles() {
        if (fixedFiles == null) {
            fixedFiles = new FixedFiles(ring);
        }
        return fixedFiles;
    }

    /**
     * Keeps {@code op} alive for one more CQE: for an operation whose completion submits its SQE
     * again (a resumed send, a re-armed receive).
     */
    void resubmitted(Operation op) {
        op.pendingCqes++;
        op.delivered = false;
        startedSinceCancel = true;
    }

    Probe probe() {
        return probe;
    }

    int id() {
        return id;
    }

    private void dispatch(Cqe cqe) {
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
            op.completion.linked(this, op, cqe.res());
        } else if (tag == UserData.TAG_MAIN) {
            int res = cqe.res();
            int flags = cqe.flags();
            boolean more = cqe.hasMore();
            if (!more) {
                op.delivered = true;
            }
            try {
                op.completion.complete(this, op, res, flags, more);
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
        System.err.println("uring4j: a completion handler on event loop " + id + " threw: " + t);
    }

    /**
     * Frees an operation that has no SQE in the kernel (never submitted, or parked between a
     * CQE and a resubmission that will not happen).
     */
    void discard(Operation op) {
        if (op.pendingCqes > 0) {
            release(op);
        } else {
            if (op.buffer != null) releaseBuffer(op.buffer);
            op.clear();
            freeSlots[freeCount++] = op.index;
        }
    }

    private void release(Operation op) {
        if (op.buffer != null) releaseBuffer(op.buffer);
        op.clear();
        freeSlots[freeCount++] = op.index;
        inFlight--;
    }

    /** An ended operation's buffer goes back where it came from: the pool, or the kernel's receive ring. */
    private void releaseBuffer(NativeBuffer b) {
        if (b.receiveBid >= 0) recvBuffers.recycle(b.receiveBid);
        else buffers.release(b);
    }

    /** Whether -ECANCELED for {@code op} means its linked timeout fired rather than a user cancel. */
    static boolean timedOut(Operation op, int res) {
        return res == -ECANCELED && op.hasTimeout && !op.cancelRequested;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Cancels every request in flight, waits for all their completions, then closes the ring and
     * frees the loop's native memory. Idempotent; waits at most 30 s.
     */
    @Override
    public void close() {
        if (inEventLoop()) {
            throw new IllegalStateException("an event loop cannot close itself from its own thread");
        }
        closing = true;
        wakeIfSleeping();
        try {
            if (!terminated.await(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("event loop " + id + " still has requests in flight after " + CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isClosing() {
        return closing;
    }

    @Override
    public String toString() {
        return "EventLoop[" + id + "]";
    }
}
