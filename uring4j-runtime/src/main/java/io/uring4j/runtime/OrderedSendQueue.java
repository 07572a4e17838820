package io.uring4j.runtime;

import io.uring4j.core.Sqe;
import io.uring4j.core.SqeFlag;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The send path of one socket that keeps the user's order (field report 3): sends completing in
 * any order is what the kernel promises for unlinked requests, so queued sends go out as one
 * IOSQE_IO_LINK chain (at most {@link #MAX_CHAIN} long), and the next chain only after every
 * member of the previous one completed. A member that did not finish (a short stream send, or
 * one cancelled because an earlier member failed) goes again before anything queued after it.
 *
 * <p>Used by {@link TcpConnection} (SEND of a byte range, resumed where it stopped) and by
 * {@link MessageSocket} (one SENDMSG per message, all or nothing). Each queued send is an
 * {@link Operation} whose {@link Operation#value} holds its length (low 32 bits) and the bytes
 * already sent (high 32 bits). Loop thread only.
 */
final class OrderedSendQueue {
    static final int MAX_CHAIN = 64;
    private static final int ECANCELED = 125;

    /** Writes the SQE that sends {@code op}'s bytes from {@code sent} on; the queue links it and sets user_data. */
    @FunctionalInterface
    interface Prep {
        Sqe prepare(Operation op, int sent);
    }

    private final LoopSocket socket;
    private final Prep prep;
    /** Stream: a short send is resumed. Message: any result >= 0 means the whole message went. */
    private final boolean stream;
    private final String what;
    private final ArrayDeque<Operation> queue = new ArrayDeque<>();
    private final ArrayDeque<Operation> resend = new ArrayDeque<>();
    private int chainInFlight;

    OrderedSendQueue(LoopSocket socket, Prep prep, boolean stream, String what) {
        this.socket = socket;
        this.prep = prep;
        this.stream = stream;
        this.what = what;
    }

    /**
     * A slot for a send of {@code length} bytes completing {@code future} with the count; the
     * caller fills its buffer (and scratch) and then calls {@link #add}.
     */
    Operation acquire(CompletableFuture<Integer> future, int length) {
        Operation op = socket.loop().acquire(SENT, future);
        op.context = this;
        op.value = Integer.toUnsignedLong(length);
        return op;
    }

    /** Queues {@code op} behind every earlier send and sends if no chain is in flight. */
    void add(Operation op) {
        socket.requestStarted();
        queue.addLast(op);
        flush();
    }

    static int length(Operation op) {
        return (int) op.value;
    }

    private static int sent(Operation op) {
        return (int) (op.value >>> 32);
    }

    /** Sends the queued messages as one linked chain if no chain is in flight. */
    private void flush() {
        if (chainInFlight > 0) return;
        EventLoop loop = socket.loop();
        int n = 0;
        Sqe last = null;
        while (n < MAX_CHAIN && (!resend.isEmpty() || !queue.isEmpty())) {
            Operation op = !resend.isEmpty() ? resend.pollFirst() : queue.pollFirst();
            if (last != null) last.flag(SqeFlag.IO_LINK);
            last = prep.prepare(op, sent(op)).userData(op.userData(UserData.TAG_MAIN));
            if (op.pendingCqes == 0) loop.started(op, false);
            n++;
        }
        chainInFlight = n;
    }

    private static final Operation.Completion SENT = (loop, op, res, flags, more) ->
            ((OrderedSendQueue) op.context).onSent(op, res);

    private void onSent(Operation op, int res) {
        chainInFlight--;
        int length = length(op);
        int sent = sent(op);
        if (res >= 0) {
            sent = stream ? sent + res : length;
            op.value = Integer.toUnsignedLong(length) | ((long) sent << 32);
        }
        if (res >= 0 && sent == length) {
            if (op.future != null) op.future.complete(length);
            socket.requestEnded();
        } else if ((res >= 0 || res == -ECANCELED) && !stopping()) {
            // Short send, or cancelled because an earlier link member failed: send again, in order.
            socket.loop().resubmitted(op);
            resend.addLast(op);
        } else {
            if (op.future != null) {
                op.future.completeExceptionally(res < 0 ? Errors.of(res, what, socket.subject(), false) : Errors.closed());
            } else {
                socket.sendFailed(); // nobody waits for a loop-thread send: the connection is broken
            }
            socket.requestEnded();
        }
        if (chainInFlight == 0) {
            if (stopping()) failQueued();
            else flush();
        }
    }

    /** Whether the socket or its loop is closing: a cancelled send is not sent again. */
    private boolean stopping() {
        return socket.closing() || socket.loop().isClosing();
    }

    /** On close: fails the sends not in the kernel, unless a chain is in flight (its end does it). */
    void closing() {
        if (chainInFlight == 0) failQueued();
    }

    private void failQueued() {
        for (ArrayDeque<Operation> q : java.util.List.of(resend, queue)) {
            Operation op;
            while ((op = q.pollFirst()) != null) {
                CompletableFuture<Object> f = op.future;
                socket.loop().discard(op); // no SQE of it is in the kernel: its memory can go now
                if (f != null) f.completeExceptionally(Errors.closed());
                socket.requestEnded();
            }
        }
    }
}
