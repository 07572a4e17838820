package io.uring4j.runtime;

import io.uring4j.core.CancelOps;
import io.uring4j.core.CqeHandler;
import io.uring4j.core.Feature;
import io.uring4j.core.IoUring;
import io.uring4j.core.KernelTimespec;
import io.uring4j.core.Probe;
import io.uring4j.core.Sqe;
import io.uring4j.core.SqeFlag;
import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One thread that owns one ring. Every SQE of the ring is written, and every CQE read, on this
 * thread; other threads hand work over through a lock-free queue and wake the thread through an
 * eventfd the loop keeps a read pending on ({@link LoopInbox}). An idle loop sleeps in
 * {@code io_uring_enter}.
 *
 * <p>The ring is SINGLE_ISSUER|DEFER_TASKRUN where the kernel has them (COOP_TASKRUN|TASKRUN_FLAG
 * otherwise): completions are produced only when this thread enters the kernel.
 */
public final class EventLoop implements Executor, AutoCloseable {
    private final EventLoopGroup group;
    private final int id;
    private final EventLoopGroup.Settings settings;
    private final Thread thread;
    private final LoopInbox inbox;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile Throwable startFailure;

    // ---- loop-thread state ----
    private IoUring ring;
    private Probe probe;
    private Arena arena;
    private BufferPool buffers;
    private OperationSlots slots;
    /** Closing: the cancel-everything SQE went out. */
    private boolean cancelSent;
    private RecvBuffers recvBuffers;
    private final DirectSegments directSegments = new DirectSegments();
    private final ResultBoxes resultBoxes = new ResultBoxes();
    private FixedFiles fixedFiles;
    private FixedBuffers fixedBuffers;
    private final LoopResources resources = new LoopResources(this);

    /** {@code r} is closed with the loop unless it is unregistered first (loop thread). */
    void register(LoopResource r) {
        resources.add(r);
    }

    void unregister(LoopResource r) {
        resources.remove(r);
    }
    /** Routes each CQE to its operation ({@link OperationSlots#dispatch}). */
    private CqeHandler dispatcher;

    EventLoop(EventLoopGroup group, int id, EventLoopGroup.Settings settings) {
        this.group = group;
        this.id = id;
        this.settings = settings;
        this.inbox = new LoopInbox(id);
        this.thread = Thread.ofPlatform().name("uring4j-loop-" + id).daemon(true).unstarted(() -> run(settings.ringEntries()));
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
            throw new IllegalStateException("event loop " + id + " could not start: " + LoopRing.startFailureReason(startFailure), startFailure);
        }
    }

    /** {@return the group this loop belongs to} Any thread. */
    public EventLoopGroup group() {
        return group;
    }

    /** The loop whose thread this is, or null on any other thread. */
    static EventLoop current() {
        return CURRENT.get();
    }

    private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    /**
     * {@return whether the caller runs on this loop's thread} It does in a completion handler of
     * one of the loop's requests, a {@link TcpReceiver}'s callback, a task given to
     * {@link #execute} and a future callback the loop runs; there the runtime's blocking forms
     * throw {@link IllegalStateException} rather than wait, and a handler's next request starts
     * at once. Any thread.
     */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} on this loop's thread, after the tasks queued before it (at once when
     * called on the loop with nothing queued), so a chain of requests can start where its
     * completions will run. A task that throws is logged ({@code io.uring4j.runtime}, see the
     * README) and the loop goes on; a task must not block, since the loop's I/O waits for it.
     *
     * @throws RejectedExecutionException the loop is closing or closed: the task will never run
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        try {
            runOnLoop(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    RuntimeLog.failed("a task given to " + this + " threw", t);
                }
            });
        } catch (IllegalStateException closing) {
            throw new RejectedExecutionException(this + " is closed: the task was not run", closing);
        }
    }

    /**
     * Runs {@code task} on the loop thread, after every task queued before it: on the loop
     * thread at once when nothing waits in the queue, else behind what does (a write a handler
     * makes must not overtake one another thread made first); from another thread after a wakeup.
     *
     * @throws IllegalStateException the loop is closing: the task will never run
     */
    void runOnLoop(Runnable task) {
        if (!inEventLoop()) {
            inbox.offer(task);
        } else if (inbox.isEmpty()) {
            task.run();
        } else {
            inbox.offerFromLoop(task); // runs in this turn's runAll, or the next turn's without sleeping
        }
    }

    /**
     * Runs {@code body} on the loop and completes the returned future with what it completes.
     * A request that finds the loop at its operation limit is refused before {@code body} runs
     * ({@link java.util.concurrent.RejectedExecutionException} naming the limit); one that finds
     * the loop closed fails with {@link java.nio.channels.ClosedChannelException}.
     */
    <T> CompletableFuture<T> submit(java.util.function.Consumer<CompletableFuture<T>> body) {
        return OpFuture.submit(this, body, true);
    }

    /**
     * As {@link #submit}, but never refused for the operation limit (a close frees slots and must
     * always run); on a loop that is closing it completes at once with null, as the shutdown closes
     * the resource.
     */
    <T> CompletableFuture<T> submitClose(java.util.function.Consumer<CompletableFuture<T>> body) {
        return OpFuture.submit(this, body, false);
    }

    /** Refuses a new request when the loop is at its operation limit ({@link OperationSlots#admit}). Loop thread. */
    void admit() {
        slots.admit();
    }

    // ------------------------------------------------------------------ the loop

    private void run(int entries) {
        CURRENT.set(this);
        try {
            arena = Arena.ofConfined();
            slots = new OperationSlots(this, arena, settings.maxOperations());
            dispatcher = slots::dispatch;
            buffers = new BufferPool(settings.idleBufferBytes(), b -> fixedBuffers.forget(b));
            ring = LoopRing.open(entries);
            probe = Probe.of(ring);
            int eventFd = Posix.eventfd(0, Posix.EFD_CLOEXEC);
            if (eventFd < 0) throw new IllegalStateException("eventfd failed: " + eventFd);
            inbox.open(eventFd);
            inbox.armWakeRead(this);
            ring.submit();
        } catch (Throwable t) {
            startFailure = t;
            try {
                cleanUp(); // before the creator hears of the failure: it must find nothing left open
            } finally {
                started.countDown();
                terminated.countDown();
            }
            return;
        }
        started.countDown();
        try {
            loop();
        } finally {
            try {
                cleanUp();
            } finally {
                terminated.countDown();
            }
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
        inbox.runAll();
        if (closing) {
            if (!cancelSent || slots.startedSinceMark()) {
                // Also catches requests that tasks queued just before closing started later.
                cancelEverything();
                cancelSent = true;
                slots.mark();
            }
            if (slots.inFlight() == 0) {
                // A producer that saw the loop open may still be queueing its task: let it
                // finish, and run what it queued (the next turns cancel whatever that starts).
                inbox.awaitProducers();
                if (inbox.isEmpty()) return false;
            }
        }
        // Buffers free with connections still starved: enter without waiting and re-arm on (RecvBuffers).
        boolean starvedWithBuffers = recvBuffers != null && recvBuffers.rearmStarved();
        if (recvBuffers != null && !closing) checkReceives();
        if (starvedWithBuffers || inbox.aboutToSleepButBusy() || (closing && !cancelSent)) {
            inbox.awake();
            // Not a plain submit: that runs none of the completions the kernel deferred to this
            // thread (DEFER_TASKRUN: receives whose data came, sends that found room), and a loop
            // kept busy by tasks would leave them waiting for as long as it stays busy.
            ring.submitAndGetEvents();
        } else if (recvBuffers != null && ring.hasFeature(Feature.EXT_ARG)) {
            ring.submitAndWait(1, RECEIVE_CHECK_EVERY); // wakes for checkReceives even when nothing else comes
            inbox.awake();
        } else {
            ring.submitAndWait(1);
            inbox.awake();
        }
        ring.forEachCqe(dispatcher);
        return true;
    }

    /** How often {@link #checkReceives} looks, and the longest sleep of a loop with TCP connections. */
    private static final Duration RECEIVE_CHECK_EVERY = Duration.ofMillis(500);

    /** When {@link #checkReceives} looks next (System.nanoTime). */
    private long nextReceiveCheck;

    /**
     * Twice a second at most, on a turn the loop makes anyway: every connection that should be
     * receiving has its receive armed or is waiting for a buffer that is not there
     * ({@link TcpReceive#checkArmed}). A connection found otherwise is re-armed and logged: the
     * soak once saw a server connection whose bytes sat in the kernel for 10 s, unread, with its
     * loop busy, and the cause is not known yet (docs/reliability.md).
     */
    private void checkReceives() {
        long now = System.nanoTime();
        if (now - nextReceiveCheck < 0) return;
        nextReceiveCheck = now + RECEIVE_CHECK_EVERY.toNanos();
        resources.forEach(r -> {
            if (r instanceof TcpConnectionState c) c.receive.checkArmed();
        });
    }

    /** One SQE cancels every request of this ring (IORING_ASYNC_CANCEL_ANY|ALL). */
    private void cancelEverything() {
        Sqe sqe = sqe();
        sqe.prepCancel64(0, CancelOps.CANCEL_ANY | CancelOps.CANCEL_ALL)
                .userData(UserData.pack(UserData.TAG_CANCEL, 0, 0));
    }

    private void cleanUp() {
        resources.closeAll();
        directSegments.clear();
        if (recvBuffers != null) recvBuffers.close();
        if (ring != null) ring.close();
        inbox.release();
        if (buffers != null) buffers.close(); // after the ring, whose close drops the registered buffer table
        if (arena != null) {
            if (slots != null) NativeMemory.freed(slots.scratchBytes());
            arena.close();
        }
    }

    // ------------------------------------------------------------------ operations

    /**
     * A fresh operation slot (loop thread only).
     *
     * @throws java.util.concurrent.RejectedExecutionException the slot table is at its limit
     *         and reserve ({@link OperationSlots}): only work issued on the loop thread itself,
     *         without waiting for completions, gets there
     */
    Operation acquire(Operation.Completion completion, CompletableFuture<?> future) {
        Operation op = slots.take();
        op.completion = completion;
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> f = (CompletableFuture<Object>) future;
        op.future = f;
        return op;
    }

    /**
     * A fresh operation slot holding {@code buffer} (null for none), which the caller took
     * first: an allocation that fails takes no slot, and a slot refused gives the buffer back.
     * The slot releases the buffer with itself.
     *
     * @throws java.util.concurrent.RejectedExecutionException as {@link #acquire(Operation.Completion, CompletableFuture)}
     */
    Operation acquire(Operation.Completion completion, CompletableFuture<?> future, NativeBuffer buffer) {
        Operation op;
        try {
            op = acquire(completion, future);
        } catch (RuntimeException refused) {
            if (buffer != null) releaseBuffer(buffer);
            throw refused;
        }
        op.buffer = buffer;
        return op;
    }

    /**
     * Starts {@code op}: the one way a request reaches the ring. {@code main} is its request,
     * just prepared on the SQE {@link #sqe()} gave (which kept the entry after it free), or, for a
     * link chain, on the chain's last SQE. In this order: tags {@code main} as the operation's
     * (user_data with {@link UserData#TAG_MAIN}); if {@code timeout} is given or the operation has
     * a deadline of its own ({@link Operation#deadline}), links a LINK_TIMEOUT directly after
     * {@code main} (IO_LINK); counts the CQEs the operation expects (main, timeout), so that only
     * they release its slot; and makes cancelling its future, if that is an {@link OpFuture},
     * cancel the request in the kernel (a future cancelled already sends its cancel behind it).
     * Loop thread.
     */
    void start(Operation op, Sqe main, Duration timeout) {
        start(op, main, timeout, 0, true);
    }

    /**
     * As {@link #start}, except that cancelling the future does not reach the kernel: the request
     * runs to its end (a close, which must happen; a connect, whose completion closes the socket
     * if nobody waits for it; a member of an ordered send chain, which must not be cut; a socket
     * option command, under its own deadline). The loop's close still cancels it.
     */
    void startUncancellable(Operation op, Sqe main, Duration timeout) {
        start(op, main, timeout, 0, false);
    }

    /**
     * As {@link #start} without a deadline, for an operation whose link chain has
     * {@code linkedCqes} members before {@code main}, each tagged {@link UserData#TAG_LINKED} by
     * the caller and posting a CQE of its own (a copy's read and write pair).
     */
    void startChain(Operation op, Sqe main, int linkedCqes) {
        start(op, main, null, linkedCqes, true);
    }

    /**
     * Tags {@code main} as {@code op}'s again, for an operation its completion kept for this SQE
     * ({@link #resubmitted}, which counted the CQE): nothing else changes, no timeout is linked.
     */
    void startAgain(Operation op, Sqe main) {
        main.userData(op.userData(UserData.TAG_MAIN));
    }

    private void start(Operation op, Sqe main, Duration timeout, int linkedCqes, boolean cancellable) {
        main.userData(op.userData(UserData.TAG_MAIN));
        if (timeout != null) op.deadline(timeout);
        if (op.hasTimeout) {
            main.flag(SqeFlag.IO_LINK);
            MemorySegment ts = op.scratch.asSlice(Operation.TIMESPEC_OFFSET, KernelTimespec.BYTES);
            linkedSqe().prepLinkTimeout(ts, 0).userData(op.userData(UserData.TAG_TIMEOUT));
        }
        slots.started(op, 1 + linkedCqes + (op.hasTimeout ? 1 : 0));
        if (cancellable && op.future instanceof OpFuture<?> f) f.bind(op);
    }

    /** Asks the kernel to cancel {@code op}; its memory stays owned until its CQEs arrive. */
    void cancel(Operation op) {
        if (op.delivered || op.cancelRequested) return;
        op.cancelRequested = true;
        sqe().prepCancel64(op.userData(UserData.TAG_MAIN), 0)
                .userData(UserData.pack(UserData.TAG_CANCEL, 0, 0));
    }

    /**
     * The segment over all of direct buffer {@code buf} (position and limit aside), for the
     * kernel; callers add the buffer's position to the address. Cached by buffer identity
     * ({@link DirectSegments}), so reused buffers cost no allocation. Loop thread.
     */
    MemorySegment wholeSegment(ByteBuffer buf) {
        return directSegments.whole(buf);
    }

    /** {@code value} boxed, reusing a recent equal box ({@link ResultBoxes}). Loop thread. */
    Integer boxed(int value) {
        return resultBoxes.of(value);
    }

    /**
     * An SQE for a request, submitting what is prepared first unless the SQ has room for it and
     * one more: the entry after it stays free for its {@link #start linked timeout} or the
     * second half of a linked pair ({@link #linkedSqe}). The kernel ends a link chain at the end
     * of a submission, so a chain cut by a submit would run as two, concurrently.
     */
    Sqe sqe() {
        reserve(2);
        Sqe sqe = ring.getSqe();
        if (sqe == null) throw new IllegalStateException("SQ still full after submit");
        return sqe;
    }

    /**
     * Makes room for a link chain: submits what is prepared unless {@code entries} SQEs are
     * free (at most the SQ's size). After {@code reserve(k + 1)}, {@code k} calls of
     * {@link #sqe()} (or {@code k - 1} and a linked timeout) go into the SQ without a submit
     * between them, so a chain of up to {@code k} entries reaches the kernel whole.
     *
     * @return the entries reserved: {@code entries}, capped at the SQ's size
     */
    int reserve(int entries) {
        int room = Math.min(entries, ring.sqEntries());
        if (ring.sqSpaceLeft() < room) ring.submit();
        return room;
    }

    /** The SQ's size: a link chain longer than this minus one cannot be prepared in one submission. */
    int sqEntries() {
        return ring.sqEntries();
    }

    /**
     * The SQE linked after the one just taken with {@link #sqe()} (which kept it free): never
     * submits, so the pair stays in one submission.
     */
    Sqe linkedSqe() {
        Sqe sqe = ring.getSqe();
        if (sqe == null) throw new IllegalStateException("no SQ entry kept free for a linked request");
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
    /** The receive buffers if this loop made them (diagnostics: no side effect). */
    RecvBuffers recvBuffersIfAny() {
        return recvBuffers;
    }

    RecvBuffers recvBuffers() {
        if (recvBuffers == null) recvBuffers = new RecvBuffers(this);
        return recvBuffers;
    }

    /** The registered buffer table of this loop, created on first use. */
    FixedBuffers fixedBuffers() {
        if (fixedBuffers == null) fixedBuffers = new FixedBuffers(ring);
        return fixedBuffers;
    }

    /** The registered file table of this loop, created on first use. */
    FixedFiles fixedFiles() {
        if (fixedFiles == null) fixedFiles = new FixedFiles(ring);
        return fixedFiles;
    }

    /**
     * Keeps {@code op} alive for one more CQE: for an operation whose completion submits its SQE
     * again (a resumed send, a re-armed receive).
     */
    void resubmitted(Operation op) {
        slots.resubmitted(op);
    }

    Probe probe() {
        return probe;
    }

    int id() {
        return id;
    }

    /**
     * Frees an operation that has no SQE in the kernel (never submitted, or parked between a
     * CQE and a resubmission that will not happen).
     */
    void discard(Operation op) {
        slots.discard(op);
    }

    /** An ended operation's buffer goes back where it came from: the pool, or the kernel's receive ring. */
    void releaseBuffer(NativeBuffer b) {
        if (b.receiveBid >= 0) recvBuffers.recycle(b.receiveBid);
        else buffers.release(b);
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Cancels every request in flight, waits for all their completions, then closes the ring and
     * frees the loop's native memory. Idempotent. Waits at most the group's close timeout
     * ({@link EventLoopGroup.Builder#closeTimeout}, 30 s by default), interrupts or not (the
     * interrupt status is kept).
     *
     * @throws IllegalStateException on the loop's own thread; or the close did not finish in
     *         time because the kernel has not completed some request despite the cancel (the
     *         message says how many): the loop then keeps waiting for them in the background and
     *         frees its memory when they end, since the kernel may still write to it
     */
    @Override
    public void close() {
        if (inEventLoop()) {
            throw new IllegalStateException("an event loop cannot close itself from its own thread");
        }
        beginClose();
        if (!awaitTermination(System.nanoTime() + Errors.saturatedNanos(settings.closeTimeout()))) {
            throw new IllegalStateException(stuck(settings.closeTimeout()));
        }
    }

    /** Starts the close: the loop cancels everything and ends once every completion arrived. */
    void beginClose() {
        closing = true;
        inbox.close();
    }

    /**
     * Waits until the loop has ended or {@code deadline} (System.nanoTime) passed; whether it
     * ended. Interrupts do not cut the wait short; the interrupt status is kept.
     */
    boolean awaitTermination(long deadline) {
        return Errors.awaitUninterruptibly(terminated, deadline);
    }

    /** Why the close did not finish within {@code waited} (a racy read of the count: it is a report). */
    String stuck(Duration waited) {
        return "event loop " + id + " did not close within " + waited + ": " + slots.inFlight() + " request(s) still in flight"
                + " after the cancel (the kernel has not completed them); the loop keeps waiting for them and frees"
                + " its ring and memory when they end";
    }

    boolean isClosing() {
        return closing;
    }

    @Override
    public String toString() {
        return "EventLoop[" + id + "]";
    }
}
