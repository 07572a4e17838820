package io.uring4j.runtime;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future of one read or write of a {@link TcpConnection}, with the one rule that keeps a
 * given-up request from losing data: the loop <em>takes</em> the future ({@link #take}) before
 * it moves any byte for it, and a future can be given up (cancelled, completed from outside,
 * timed out, its blocking caller interrupted) only while nobody took it. So a read that was given
 * up never had bytes copied into its buffer or consumed for it, and a read the loop took always
 * completes with the bytes it got. Giving up hands the removal of the request to the loop
 * ({@link Owner#abandoned}), where the request's place is freed at once.
 *
 * <p>States: waiting, then either taken (only the loop completes it, through {@link #deliver} or
 * {@link #deliverFailure}) or abandoned (whoever gave it up completed it). One CAS decides.
 *
 * <p>Until it completes it holds its {@link #connection}: the loop holds the future (a pending
 * read, a queued write), so a connection with a request of its user in flight is never reclaimed
 * by the Cleaner, even when the user holds only the future (issue 9 item 9).
 */
final class TcpFuture<T> extends CompletableFuture<T> {
    /** The side of a connection whose request this is; told on its loop when the request was given up. */
    interface Owner {
        void abandoned(TcpFuture<?> f);
    }

    private static final int WAITING = 0, TAKEN = 1, ABANDONED = 2;
    private static final VarHandle STATE;
    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TcpFuture.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventLoop loop;
    private final Owner owner;
    /** The public connection whose user made the request; dropped once the request completed. */
    private TcpConnection connection;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    TcpFuture(EventLoop loop, Owner owner, TcpConnection connection) {
        this.loop = loop;
        this.owner = owner;
        this.connection = connection;
    }

    /** Whose request this is: a future held long after it completed does not hold its connection. */
    private void completed() {
        connection = null;
    }

    /** Loop thread: claims the request before moving bytes for it; false if it was given up. */
    boolean take() {
        return STATE.compareAndSet(this, WAITING, TAKEN);
    }

    /** Loop thread, after {@link #take}: the result. */
    void deliver(T value) {
        completed();
        super.complete(value);
    }

    /** Loop thread, after {@link #take}: the failure. */
    void deliverFailure(Throwable failure) {
        completed();
        super.completeExceptionally(failure);
    }

    /** Loop thread: completes it unless it was given up; true if it did. */
    boolean settle(T value) {
        if (!take()) return false;
        completed();
        super.complete(value);
        return true;
    }

    /** Loop thread: fails it unless it was given up; true if it did. */
    boolean settleFailure(Throwable failure) {
        if (!take()) return false;
        completed();
        super.completeExceptionally(failure);
        return true;
    }

    /** Loop thread, whatever state it is in: fails it (a bug or misuse the request's code did not expect) unless it is done. */
    void fail(Throwable failure) {
        take();
        completed();
        super.completeExceptionally(failure);
    }

    /**
     * Gives the request up, completing it with {@code failure}; false if the loop took it first.
     * The removal from the loop is queued <em>before</em> the future completes: whatever runs on
     * that completion (a callback, a waiting thread) may make the next request at once, and the
     * loop runs its tasks in order, so that request finds the place already free.
     */
    private boolean giveUp(Throwable failure, boolean cancel) {
        if (!STATE.compareAndSet(this, WAITING, ABANDONED)) return false;
        completed();
        handBackPlace();
        if (cancel) super.cancel(false);
        else super.completeExceptionally(failure);
        return true;
    }

    /** Queues the removal of this given-up request from its place on the loop. */
    private void handBackPlace() {
        try {
            loop.runOnLoop(() -> owner.abandoned(this));
        } catch (IllegalStateException loopClosing) {
            // the loop is closing: it ends every request of the connection itself
        }
    }

    /** Any thread: whether it was given up (its completion may not be visible yet); the loop then starts nothing for it. */
    boolean isGivenUp() {
        return (int) STATE.getVolatile(this) == ABANDONED || isDone();
    }

    /** Whether the loop completed it normally (not given up, not failed). */
    boolean deliveredNormally() {
        return (int) STATE.getVolatile(this) == TAKEN && isDone() && !isCompletedExceptionally();
    }

    /** Cancels the request unless the loop is completing it; its place goes to the next request. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return giveUp(null, true) || isCancelled();
    }

    /** Completing it from outside gives the request up (as {@link #cancel} does); false if the loop took it. */
    @Override
    public boolean complete(T value) {
        if (!STATE.compareAndSet(this, WAITING, ABANDONED)) return false;
        completed();
        handBackPlace(); // before the completion, as in giveUp
        super.complete(value);
        return true;
    }

    /** As {@link #complete}: for {@code orTimeout} and the like. */
    @Override
    public boolean completeExceptionally(Throwable failure) {
        java.util.Objects.requireNonNull(failure, "failure");
        return giveUp(failure, false);
    }

    @Override
    public void obtrudeValue(T value) {
        throw new UnsupportedOperationException("the result of a connection's request cannot be replaced");
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("the result of a connection's request cannot be replaced");
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    /**
     * Waits for the result as a blocking call does, at most {@code timeout} (null: no deadline);
     * {@code action} and {@code subject} name it in exceptions only (no message is built otherwise).
     * A deadline that passes or an interrupt gives the request up and throws
     * {@link InterruptedByTimeoutException} or {@link InterruptedIOException} (the interrupt
     * status kept); if the loop had already taken it, its result is returned instead, so bytes a
     * read received are never dropped. Failures are rethrown as {@link Errors#await} does.
     */
    T await(Duration timeout, String action, Object subject) throws IOException {
        EventLoop current = EventLoop.current();
        if (current != null && !isDone()) {
            throw new IllegalStateException("a blocking call on " + current + "'s own thread would wait for the loop"
                    + " itself; from a receiver, a completion handler or a future's callback, use the async form");
        }
        boolean interrupted = false;
        try {
            if (timeout == null) get();
            else get(nanos(timeout), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            InterruptedIOException io = new InterruptedIOException("interrupted while waiting for " + action + " " + subject);
            io.initCause(e);
            giveUp(io, false);
            interrupted = true;
        } catch (TimeoutException e) {
            InterruptedByTimeoutException t = new InterruptedByTimeoutException();
            t.initCause(new IOException(action + " " + subject + " did not complete within " + timeout));
            giveUp(t, false);
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            // rethrown below
        }
        // Given up, or the loop took it and completes it at once (it does so in the same loop step).
        while (!isDone()) {
            try {
                get();
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return Errors.await(this); // done: returns the result or rethrows the failure, never waits
    }

    /** {@code d} in nanoseconds, saturated (a huge deadline is no deadline). */
    static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }
}
