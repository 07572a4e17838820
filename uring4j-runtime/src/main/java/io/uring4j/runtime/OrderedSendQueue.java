package io.uring4j.runtime;

import io.uring4j.core.Errno;
import io.uring4j.core.KernelTimespec;
import io.uring4j.core.Sqe;
import io.uring4j.core.SqeFlag;

import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The send path of one socket that keeps the user's order (field report 3): sends completing in
 * any order is what the kernel promises for unlinked requests, so queued sends go out as one
 * IOSQE_IO_LINK chain (at most {@link #MAX_CHAIN} long), and the next chain only after every
 * member of the previous one completed. A member that did not finish (a short stream send, or
 * one cancelled because an earlier member failed) goes again before anything queued after it.
 *
 * <p>Used by {@link TcpConnection} (SEND of a byte range, resumed where it stopped; a SHUTDOWN in
 * the same order) and by {@link MessageSocket} (one SENDMSG per message, all or nothing). Each
 * queued send is an {@link Operation} whose {@link Operation#value} holds its length (low 32
 * bits) and the bytes already sent (high 32 bits); its result goes to its handler, else its
 * future ({@link TcpFuture}s only if nobody gave them up), else a failure is the socket's
 * ({@link LoopSocket#sendFailed}). The queue counts the bytes of its sends that have not ended
 * ({@link #queuedBytes}) and tells its {@link Listener} of each end. Loop thread only.
 *
 * <p>A send cut short by the socket's or the loop's close fails with
 * {@link AsynchronousCloseException}; after {@link #cut} every send not complete fails with the
 * cut's exception and none is sent again.
 *
 * <p>Cancelling a chain is repeated until its last member ended: a member whose predecessor
 * completed just before the cancel is issued by the kernel (as the link moves on) after the
 * cancel looked for it, and would then wait for a peer that may never read. So every chain CQE
 * seen while stopping cancels the members left, and a {@link #RECANCEL_EVERY} TIMEOUT repeats
 * that while any is left.
 */
final class OrderedSendQueue {
    static final int MAX_CHAIN = 64;
    private static final int ECANCELED = Errno.ECANCELED.code(), ECONNRESET = Errno.ECONNRESET.code();
    /** How often the members of a cancelled chain are cancelled again while any is in the kernel. */
    static final Duration RECANCEL_EVERY = Duration.ofMillis(20);

    /** Writes the SQE that sends {@code op}'s bytes from {@code sent} on; the queue links it and sets user_data. */
    @FunctionalInterface
    interface Prep {
        Sqe prepare(Operation op, int sent);
    }

    /** Told when a send has ended for good (sent, failed or dropped), before its slot is freed. */
    @FunctionalInterface
    interface Listener {
        void sendEnded(Operation op);
    }

    private final LoopSocket socket;
    private final Prep prep;
    /** Stream: a short send is resumed. Message: any result >= 0 means the whole message went. */
    private final boolean stream;
    private final String what;
    private final Listener listener;
    private final ArrayDeque<Operation> queue = new ArrayDeque<>();
    private final ArrayDeque<Operation> resend = new ArrayDeque<>();
    /** The members of the chain in the kernel, to cancel on {@link #cut}. */
    private final ArrayDeque<Operation> chain = new ArrayDeque<>();
    private int chainInFlight;
    private long queuedBytes;
    /** Set by {@link #cut}: what every send not complete fails with. */
    private Supplier<? extends Throwable> cut;
    /** The TIMEOUT that repeats the chain's cancel, while one is armed. */
    private Operation recancel;

    OrderedSendQueue(LoopSocket socket, Prep prep, boolean stream, String what) {
        this(socket, prep, stream, what, op -> { });
    }

    OrderedSendQueue(LoopSocket socket, Prep prep, boolean stream, String what, Listener listener) {
        this.socket = socket;
        this.prep = prep;
        this.stream = stream;
        this.what = what;
        this.listener = listener;
    }

    /**
     * A slot for a send of {@code length} bytes completing {@code future} with the count; the
     * caller fills its buffer (and scratch) and then calls {@link #add}.
     */
    Operation acquire(CompletableFuture<Integer> future, int length) {
        return acquire(future, length, null);
    }

    /** As {@link #acquire(CompletableFuture, int)} holding {@code buffer}, taken first ({@link EventLoop#acquire(Operation.Completion, CompletableFuture, NativeBuffer)}). */
    Operation acquire(CompletableFuture<Integer> future, int length, NativeBuffer buffer) {
        Operation op = socket.loop().acquire(SENT, future, buffer);
        op.context = this;
        op.value = Integer.toUnsignedLong(length);
        return op;
    }

    /** Queues {@code op} behind every earlier send and sends if no chain is in flight. */
    void add(Operation op) {
        socket.requestStarted();
        queuedBytes += length(op);
        queue.addLast(op);
        flush();
    }

    static int length(Operation op) {
        return (int) op.value;
    }

    private static int sent(Operation op) {
        return (int) (op.value >>> 32);
    }

    /** Bytes of the sends queued or in the kernel that have not ended. */
    long queuedBytes() {
        return queuedBytes;
    }

    /** Nothing queued and nothing in the kernel. */
    boolean isIdle() {
        return chainInFlight == 0 && queue.isEmpty() && resend.isEmpty();
    }

    /** Sends the queued messages as one linked chain if no chain is in flight. */
    private void flush() {
        if (chainInFlight > 0 || cut != null || (resend.isEmpty() && queue.isEmpty())) return;
        EventLoop loop = socket.loop();
        // The whole chain goes into one submission: the kernel ends a chain at a submission's
        // end, and two chains of one socket would send concurrently, out of order.
        int max = Math.min(Math.min(MAX_CHAIN, resend.size() + queue.size()), loop.sqEntries() - 1);
        loop.reserve(max + 1);
        int n = 0;
        Sqe last = null;
        while (n < max) {
            Operation op = !resend.isEmpty() ? resend.pollFirst() : queue.pollFirst();
            if (last != null) last.flag(SqeFlag.IO_LINK);
            last = prep.prepare(op, sent(op));
            // A member's future does not cancel it alone: the queue cancels whole chains (cancelChain).
            if (op.pendingCqes == 0) loop.startUncancellable(op, last, null);
            else loop.startAgain(op, last); // resent: its completion kept it (resubmitted)
            chain.addLast(op);
            n++;
        }
        chainInFlight = n;
    }

    private static final Operation.Completion SENT = (loop, op, res, flags, more) ->
            ((OrderedSendQueue) op.context).onSent(op, res);

    private void onSent(Operation op, int res) {
        chainInFlight--;
        chain.removeFirstOccurrence(op);
        // Linux reports a socket's pending error once: a send that took the peer's reset (even
        // one whose own failure is the cut's or the close's) must pass it on to the receive side.
        if (res == -ECONNRESET) socket.sendSawReset();
        int length = length(op);
        int sent = sent(op);
        if (res >= 0) {
            sent = stream ? sent + res : length;
            op.value = Integer.toUnsignedLong(length) | ((long) sent << 32);
        }
        boolean stopping = stopping();
        if (res >= 0 && sent == length) {
            succeed(op, length);
            ended(op);
        } else if ((res >= 0 || res == -ECANCELED) && !stopping && cut == null) {
            // Short send, or cancelled because an earlier link member failed: send again, in order.
            socket.loop().resubmitted(op);
            resend.addLast(op);
        } else {
            if (cut != null) fail(op, cut.get());
            else if (stopping) fail(op, new AsynchronousCloseException());
            else {
                Exception failure = Errors.of(res, what, socket.subject(), false);
                if (!fail(op, failure)) socket.sendFailed(failure); // nobody waits: the socket is broken
            }
            ended(op);
        }
        if (chainInFlight == 0) {
            if (stopping || cut != null) failQueued();
            else flush();
        } else if (stopping || cut != null) {
            cancelChain(); // the next member may have been issued after the last cancel looked for it
        }
    }

    /** Cancels every member of the chain in the kernel, and again every {@link #RECANCEL_EVERY} while any is left. */
    private void cancelChain() {
        EventLoop loop = socket.loop();
        for (Operation op : chain) {
            // Not EventLoop.cancel: that sends one cancel per operation, and this one may need more.
            loop.sqe().prepCancel64(op.userData(UserData.TAG_MAIN), 0).userData(UserData.pack(UserData.TAG_CANCEL, 0, 0));
        }
        if (chainInFlight == 0 || recancel != null) return;
        Operation t = loop.acquire(RECANCEL_DUE, null);
        t.context = this;
        KernelTimespec.set(t.scratch.asSlice(Operation.TIMESPEC_OFFSET, 16), RECANCEL_EVERY);
        loop.start(t, loop.sqe().prepTimeout(t.scratch.asSlice(Operation.TIMESPEC_OFFSET, 16), 0, 0), null);
        recancel = t;
    }

    private static final Operation.Completion RECANCEL_DUE = (loop, op, res, flags, more) -> {
        OrderedSendQueue q = (OrderedSendQueue) op.context;
        q.recancel = null;
        if (q.chainInFlight > 0 && (q.cut != null || q.stopping())) q.cancelChain();
    };

    /** Whether the socket or its loop is closing: a cancelled send is not sent again. */
    private boolean stopping() {
        return socket.closing() || socket.loop().isClosing();
    }

    private void ended(Operation op) {
        queuedBytes -= length(op);
        listener.sendEnded(op);
        socket.requestEnded();
    }

    private void succeed(Operation op, int length) {
        if (op.handler != null) {
            deliverToHandler(op, socket.loop().boxed(length), null);
        } else if (op.future instanceof TcpFuture<Object> t) {
            t.settle(socket.loop().boxed(length));
        } else if (op.future != null) {
            op.future.complete(length);
        }
    }

    /** Fails {@code op}'s caller; false if it has none (a loop-thread send without a handler). */
    private boolean fail(Operation op, Throwable failure) {
        if (op.handler != null) {
            deliverToHandler(op, null, failure);
        } else if (op.future instanceof TcpFuture<Object> t) {
            t.settleFailure(failure);
        } else if (op.future != null) {
            op.future.completeExceptionally(failure);
        } else {
            return false;
        }
        return true;
    }

    /** A handler that throws is reported and the queue goes on: its state must not be left half-updated. */
    private void deliverToHandler(Operation op, Object result, Throwable failure) {
        try {
            if (failure == null) op.succeed(result);
            else op.fail(failure);
        } catch (Throwable t) {
            RuntimeLog.failed("a send's completion handler on " + socket.subject() + " threw", t);
        }
    }

    /**
     * On close: fails the sends not in the kernel with {@link AsynchronousCloseException}, unless a
     * chain is in flight (its end does it).
     */
    void closing() {
        if (chainInFlight == 0) failQueued();
        else cancelChain();
    }

    /**
     * Ends the stream: the chain in the kernel is cancelled, every send not complete fails with
     * {@code failure} (one exception each) and none is sent again. Idempotent.
     */
    void cut(Supplier<? extends Throwable> failure) {
        if (cut != null) return;
        cut = failure;
        if (chainInFlight == 0) failQueued();
        else cancelChain();
    }

    private void failQueued() {
        for (ArrayDeque<Operation> q : java.util.List.of(resend, queue)) {
            Operation op;
            while ((op = q.pollFirst()) != null) {
                Throwable failure = cut != null ? cut.get() : new AsynchronousCloseException();
                fail(op, failure);
                queuedBytes -= length(op);
                listener.sendEnded(op);
                socket.loop().discard(op); // no SQE of it is in the kernel: its memory can go now
                socket.requestEnded();
            }
        }
    }
}
