package io.uring4j.runtime;

import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * How other threads hand work to a loop: a lock-free task queue, and an eventfd the loop keeps a
 * READ pending on, written only by the producer that finds the loop about to sleep (it flips
 * {@code sleeping}), so an idle loop costs one eventfd write per wakeup and a busy one none.
 *
 * <p><b>Closing.</b> Once {@link #close} is called no task is taken any more. A producer counts
 * itself in {@code producers} from before its check of the closed flag until after its last
 * write, so the loop can wait for the producers that saw it open ({@link #awaitProducers}) and
 * then neither leave a task of theirs unrun nor close the eventfd under their write.
 */
final class LoopInbox {
    /** The eventfd counter increment every wakeup writes; read-only after class init. */
    private static final MemorySegment ONE = Arena.global().allocate(JAVA_LONG);
    static {
        ONE.set(JAVA_LONG, 0, 1L);
    }

    private final int loopId;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set by the loop just before it sleeps; a producer that clears it must wake the loop. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final AtomicInteger producers = new AtomicInteger();
    private volatile boolean closed;
    private int eventFd = -1;

    LoopInbox(int loopId) {
        this.loopId = loopId;
    }

    /** Loop thread, at start: the eventfd wakeups go to. */
    void open(int eventFd) {
        this.eventFd = eventFd;
    }

    /** Loop thread: keeps a READ of the eventfd pending, armed again by its completion until the loop closes. */
    void armWakeRead(EventLoop loop) {
        Operation op = loop.acquire(WAKE, null);
        op.context = this;
        loop.start(op, loop.sqe().prepRead(eventFd, op.scratch.asSlice(0, 8), 0), null);
    }

    private static final Operation.Completion WAKE = (loop, op, res, flags, more) -> {
        if (!loop.isClosing()) ((LoopInbox) op.context).armWakeRead(loop);
    };

    /**
     * Queues {@code task} and wakes the loop if it sleeps.
     *
     * @throws IllegalStateException the loop is closing: the task will never run
     */
    void offer(Runnable task) {
        producers.incrementAndGet();
        try {
            if (closed) throw new IllegalStateException("event loop " + loopId + " is closed");
            tasks.add(task);
            wake();
        } finally {
            producers.decrementAndGet();
        }
    }

    /**
     * Loop thread: queues {@code task} behind the tasks already queued, closed or not (the loop
     * runs its queue until it is empty before it ends), without a wakeup: the loop is awake,
     * and sees the task before it sleeps ({@link #aboutToSleepButBusy}).
     */
    void offerFromLoop(Runnable task) {
        tasks.add(task);
    }

    /** Refuses tasks from now on, and wakes the loop to act on it. */
    void close() {
        producers.incrementAndGet();
        try {
            closed = true;
            wake();
        } finally {
            producers.decrementAndGet();
        }
    }

    boolean isClosed() {
        return closed;
    }

    private void wake() {
        if (sleeping.compareAndSet(true, false)) {
            Posix.write(eventFd, ONE, 8);
        }
    }

    /** Runs every queued task (loop thread). */
    void runAll() {
        Runnable r;
        while ((r = tasks.poll()) != null) {
            try {
                r.run();
            } catch (Throwable t) {
                // Tasks complete their own futures; anything escaping is a runtime bug worth seeing.
                RuntimeLog.failed("a task on event loop " + loopId + " failed", t);
            }
        }
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }

    /**
     * The loop is about to sleep: from now on a producer wakes it. Returns whether tasks are
     * already queued, in which case it must not sleep (and calls {@link #awake} at once).
     */
    boolean aboutToSleepButBusy() {
        sleeping.set(true);
        return !tasks.isEmpty();
    }

    /** The loop is awake again: producers need not write the eventfd. */
    void awake() {
        sleeping.set(false);
    }

    /** Waits for producers that saw the loop open to finish queueing (a few instructions and a write). */
    void awaitProducers() {
        while (producers.get() != 0) {
            Thread.onSpinWait();
        }
    }

    /** Loop thread, at the end: no producer can write the eventfd any more, so it is closed. */
    void release() {
        sleeping.set(false);
        closed = true;
        awaitProducers();
        if (eventFd >= 0) Posix.close(eventFd);
        eventFd = -1;
    }
}
