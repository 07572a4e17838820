package io.uring4j.runtime;

import io.uring4j.core.Errno;
import io.uring4j.core.KernelTimespec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One in-flight request of an event loop: a pooled slot that owns every piece of native memory
 * its SQEs point at (the {@link #scratch} area for sockaddrs, lengths, iovecs, timespecs,
 * msghdrs; a pooled data {@link #buffer}; the user's direct buffer by reference) from
 * preparation until its last CQE. Cancelling, timing out or closing never releases it early:
 * the slot goes back to the pool only when {@link #pendingCqes} reaches zero (field report 1).
 *
 * <p>Owned by its loop thread; no field is touched from another thread.
 */
final class Operation {
    /** Bytes of the per-slot scratch area: room for a sockaddr_in6 + len, a msghdr, iovecs and a timespec. */
    static final int SCRATCH_BYTES = 256;
    private static final int ECANCELED = Errno.ECANCELED.code();
    /** Where in the scratch area the linked timeout's timespec lives. */
    static final long TIMESPEC_OFFSET = SCRATCH_BYTES - 16;

    final int index;
    final MemorySegment scratch;
    int generation;

    /** CQEs still to come: the main one (until its last, for multishot) plus a linked timeout's. */
    int pendingCqes;
    /** Whether the user's result was delivered (the main CQE arrived). */
    boolean delivered;
    /** Whether the user cancelled it, so -ECANCELED means cancelled, not timed out. */
    boolean cancelRequested;
    /** Whether it has a linked timeout ({@link #deadline}), so -ECANCELED may mean it timed out. */
    boolean hasTimeout;

    Completion completion;
    /** Where the result goes: the future, or (when the caller gave one) the handler with its attachment. */
    CompletableFuture<Object> future;
    CompletionHandler<Object, Object> handler;
    Object attachment;
    /** A user buffer the kernel reads or writes directly (direct ByteBuffer), held until the last CQE. */
    ByteBuffer userBuffer;
    /** A pooled native buffer standing in for a heap buffer, or holding the runtime's own data. */
    NativeBuffer buffer;
    /**
     * Per-kind state, one type per {@link Completion} (the queue, connection or file it serves, a
     * small record of its own, a {@link Subject}): the completion casts it back to that one type.
     */
    Object context;
    /**
     * The public object (file, connection, server, socket) whose user made this request, or null
     * for the loop's own requests: it stays reachable until the request's last CQE, so the
     * runtime's Cleaner never closes it under a request of its user ({@link AbandonedObjects}).
     */
    Object owner;
    /** Per-kind integer state (e.g. bytes requested). */
    long value;

    Operation(int index, MemorySegment scratch) {
        this.index = index;
        this.scratch = scratch;
    }

    /**
     * Gives the operation a linked timeout of {@code timeout}, which {@link EventLoop#start} links
     * after its request: the timespec goes into the scratch now, for a request queued to start
     * later. Set before the start; the slot's reuse clears it.
     */
    void deadline(Duration timeout) {
        KernelTimespec.set(scratch.asSlice(TIMESPEC_OFFSET, KernelTimespec.BYTES), timeout);
        hasTimeout = true;
    }

    /**
     * Whether -ECANCELED ({@code res}) means the linked timeout fired, rather than a user's cancel
     * or the close of the loop (whose cancel-everything ends requests with deadlines too: they
     * report {@link java.nio.channels.AsynchronousCloseException}, not a timeout). Called on the
     * loop thread, from a completion.
     */
    boolean timedOut(int res) {
        if (res != -ECANCELED || !hasTimeout || cancelRequested) return false;
        EventLoop loop = EventLoop.current();
        return loop == null || !loop.isClosing();
    }

    long userData(int tag) {
        return UserData.pack(tag, generation, index);
    }

    /**
     * Delivers a result to the handler if the caller gave one, else to the future. The handler is
     * dropped first: it hears exactly once, and a handler left set means nothing was delivered.
     */
    void succeed(Object result) {
        deliver(result, null);
    }

    /** Delivers a failure to the handler if the caller gave one, else to the future; as {@link #succeed}. */
    void fail(Throwable failure) {
        deliver(null, failure);
    }

    private void deliver(Object result, Throwable failure) {
        CompletionHandler<Object, Object> h = handler;
        if (h == null) {
            if (failure == null) future.complete(result);
            else future.completeExceptionally(failure);
            return;
        }
        handler = null;
        if (failure == null) h.completed(result, attachment);
        else h.failed(failure, attachment);
    }

    /** Drops every reference so the slot can be reused; memory is returned by the loop. */
    void clear() {
        generation++;
        pendingCqes = 0;
        delivered = false;
        cancelRequested = false;
        hasTimeout = false;
        completion = null;
        future = null;
        handler = null;
        attachment = null;
        userBuffer = null;
        buffer = null;
        context = null;
        owner = null;
        value = 0;
    }

    /** The syscall a request makes and what it acts on (a path, a socket), named by its failure. */
    record Subject(String syscall, Object subject) {}

    /**
     * Completes the future with the result, or with the exception naming the operation's
     * {@link Subject} (its {@link #context}) for a negative one.
     */
    static final Completion INT_RESULT = (loop, op, res, flags, more) -> {
        if (res < 0) {
            Subject s = (Subject) op.context;
            op.future.completeExceptionally(Errors.of(res, s.syscall(), s.subject(), op.timedOut(res)));
        } else {
            op.future.complete(res);
        }
    };

    /** What a kind of operation does with its CQE. Implementations are stateless singletons. */
    interface Completion {
        /**
         * Handles the main CQE's result on the loop thread. Must complete {@code op.future} (or
         * its equivalent) when it sees the final CQE. {@code more}: F_MORE was set.
         */
        void complete(EventLoop loop, Operation op, int res, int flags, boolean more);

        /** Handles the CQE of an earlier member of the operation's own link chain (tag LINKED). */
        default void linked(EventLoop loop, Operation op, int res) {
        }
    }
}
