package io.uring4j.runtime;

import io.uring4j.core.Errno;
import io.uring4j.core.SocketConstants;
import io.uring4j.core.KernelTimespec;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * How one {@link TcpConnection} closes (issue 9 item 6). Loop thread, except {@link #start} and
 * {@link #awaitClose}.
 * <ol>
 *   <li>{@code close()}: new requests are refused and a pending read fails at once; writes
 *       already made go on until every one reached the kernel, under a kernel TIMEOUT of the
 *       connection's close timeout (SO_LINGER's role) whose expiry aborts.</li>
 *   <li>Abort ({@code abort()}, the close timeout passing, a close after a given-up write, a
 *       failed loop-thread send, a receiver that threw): the writes still queued or in the kernel
 *       fail with {@link java.nio.channels.AsynchronousCloseException} and SO_LINGER 0 makes the
 *       fd's close reset the connection, so the peer cannot take a cut stream for a whole one.</li>
 *   <li>Then the fd: ASYNC_CANCEL(FD|ALL), wait until every request of the connection ended,
 *       return held receive buffers, IORING_OP_CLOSE ({@link LoopSocket}).</li>
 * </ol>
 */
final class TcpClose {
    private static final int ETIME = Errno.ETIME.code();
    /** struct linger {l_onoff 1, l_linger 0}: close(2) drops what the kernel holds and sends a reset. */
    private static final MemorySegment LINGER_ZERO = Arena.global().allocate(SocketConstants.LINGER);
    static {
        LINGER_ZERO.set(JAVA_INT, SocketConstants.LINGER_ONOFF, 1);
        LINGER_ZERO.set(JAVA_INT, SocketConstants.LINGER_SECONDS, 0);
    }

    private final TcpConnectionState conn;
    private final EventLoop loop;
    private CompletableFuture<Integer> closeFuture;
    /** The fd's close is under way: every request is being cancelled, none is sent again. */
    private boolean finishing;
    private Operation lingerTimer;

    TcpClose(TcpConnectionState conn) {
        this.conn = conn;
        this.loop = conn.loop;
    }

    boolean finishing() {
        return finishing;
    }

    /** Any thread: begins a close (or an abort); the future completes once the fd is closed. */
    CompletableFuture<Integer> start(boolean abort) {
        // closed is set on the loop, in order: a write this thread made before close() is still sent
        CompletableFuture<Integer> f = new CompletableFuture<>();
        try {
            loop.runOnLoop(() -> begin(f, abort));
        } catch (IllegalStateException loopClosed) {
            f.complete(0); // the loop closed the fd when it shut down
        }
        return f;
    }

    private void begin(CompletableFuture<Integer> f, boolean abort) {
        if (closeFuture != null) { // a close began already: follow it (an abort hurries it)
            if (abort) abort();
            closeFuture.whenComplete((r, t) -> f.complete(0));
            return;
        }
        conn.closed = true;
        closeFuture = f;
        conn.receive.closing();
        TcpSend send = conn.send;
        if (abort || conn.closeTimeout.isZero() || send.isCut()) {
            abort();
        } else if (send.isIdle()) {
            finish();
        } else {
            startLingerTimer(conn.closeTimeout);
            send.whenIdle(this::finish);
        }
    }

    /** Aborts now: remaining writes fail, the close resets the connection. */
    void abort() {
        conn.closed = true;
        if (finishing) return;
        if (closeFuture == null) closeFuture = new CompletableFuture<>(); // nobody asked: the connection ends itself
        conn.receive.closing();
        Posix.setsockopt(conn.fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER, LINGER_ZERO,
                (int) SocketConstants.LINGER.byteSize());
        conn.send.abort();
        finish();
    }

    /** Every write went (or failed): cancel what is left on the fd, then close it once all ended. */
    private void finish() {
        if (finishing) return;
        finishing = true;
        if (lingerTimer != null) {
            loop.cancel(lingerTimer);
            lingerTimer = null;
        }
        LoopSocket requests = conn.requests;
        requests.beginClose(closeFuture);
        loop.unregister(conn);
        loop.recvBuffers().forget(conn);
        conn.send.closing();
        requests.closeIfIdle();
    }

    /** The close's deadline: a kernel TIMEOUT (its timespec lives in the slot) whose expiry aborts. */
    private void startLingerTimer(Duration timeout) {
        Operation op = loop.acquire(LINGER_EXPIRED, null);
        op.context = this;
        MemorySegment ts = op.scratch.asSlice(Operation.TIMESPEC_OFFSET, 16);
        KernelTimespec.set(ts, timeout);
        loop.start(op, loop.sqe().prepTimeout(ts, 0, 0), null);
        lingerTimer = op;
    }

    private static final Operation.Completion LINGER_EXPIRED = (loop, op, res, flags, more) -> {
        TcpClose c = (TcpClose) op.context;
        if (c.lingerTimer == op) c.lingerTimer = null;
        if (res == -ETIME && !c.finishing) c.abort(); // writes still queued at the deadline
    };

    /** The loop is gone (every request ended): close the fd, fail what waits. */
    void closeOnShutdown() {
        conn.closed = true;
        finishing = true;
        Posix.close(conn.fd);
        conn.receive.closeOnShutdown();
        conn.send.closeOnShutdown();
        if (closeFuture != null) closeFuture.complete(0);
    }

    /**
     * Waits for a graceful close, at most its close timeout and 30 s more. Not cut short by an
     * interrupt (a close that returned early would leave the fd open behind the caller's back),
     * which turns it into an abort instead; the interrupt status is kept. On a loop thread it
     * does not wait: the close was started and completes with the loop's next turns.
     */
    void awaitClose(CompletableFuture<Integer> f, Duration closeTimeout) throws IOException {
        if (EventLoop.current() != null) return;
        Duration bound = closeTimeout.plus(Errors.CLOSE_WAIT);
        long deadline = System.nanoTime() + TcpFuture.nanos(bound);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    if (!interrupted) start(true); // the caller will not wait for the writes
                    interrupted = true;
                } catch (TimeoutException e) {
                    throw new IOException("close of " + conn + " did not complete within " + bound.toSeconds() + " s");
                } catch (ExecutionException e) {
                    Errors.awaitClose(f, conn); // done: rethrows the failure as the I/O exception it is
                    return;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
