package io.uring4j.runtime;

import io.uring4j.core.Errno;
import io.uring4j.core.NetOps;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What the loop holds of one {@link TcpConnection}: the fd, its receive side ({@link TcpReceive}),
 * send side ({@link TcpSend}) and close ({@link TcpClose}), and the count of its requests in
 * flight ({@link LoopSocket}). The loop's registry, the multishot receive, the buffer ring's
 * starved list and the close's timers reference this, never the {@code TcpConnection}, so a
 * connection its user dropped can become unreachable and be closed by the Cleaner
 * ({@link AbandonedObjects}) with the graceful close of {@code close()}.
 *
 * <p>What keeps the {@code TcpConnection} reachable, so that it is never reclaimed under its
 * user: every read and write future of the user ({@link TcpFuture#connection}) and every
 * loop-thread send ({@link Operation#owner}) until it completed, and, in push mode, the receive
 * side ({@link TcpReceive}) from {@code receive(receiver)} until the end of stream was delivered
 * or the close began (an echo server sets a receiver and forgets the connection).
 */
final class TcpConnectionState implements LoopResource {
    /** Default {@link #closeTimeout}. */
    static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    final EventLoop loop;
    final int fd;
    final InetSocketAddress remote;
    /** Set when a close or abort began: no new request is accepted. */
    volatile boolean closed;
    /** How long a graceful close lets queued writes reach the kernel; any thread sets it. */
    volatile Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    /** This connection as the shared send queue and option requests see it. */
    final LoopSocket requests;
    final TcpReceive receive;
    final TcpSend send;
    final TcpClose lifecycle;

    TcpConnectionState(EventLoop loop, int fd, InetSocketAddress remote) {
        this.loop = loop;
        this.fd = fd;
        this.remote = remote;
        this.lifecycle = new TcpClose(this);
        this.requests = new LoopSocket(loop, fd, lifecycle::finishing, this::returnHeldBuffers, () -> remote, this::sendFailed,
                this::sendSawReset);
        this.receive = new TcpReceive(this);
        this.send = new TcpSend(this);
    }

    /** Loop thread: a send nobody waited for failed: the connection is aborted, and its receiver hears of it. */
    private void sendFailed(Exception failure) {
        receive.abortedAfter(failure);
    }

    /** Loop thread: aborts now (a send nobody waited for failed, a receiver threw). */
    void abortOnLoop() {
        lifecycle.abort();
    }

    /** Loop thread: a send took the peer's reset, which the receive will not see. */
    private void sendSawReset() {
        receive.sendSawReset();
    }

    /** Just before the fd closes: buffers still held go back to the kernel's ring. */
    private void returnHeldBuffers() {
        receive.returnHeldBuffers();
    }

    /** (Re)starts the multishot receive. Loop thread (the server and the buffer ring call it). */
    void rearmReceive() {
        receive.rearm();
    }

    /** Runs {@code body} on the loop; a closed loop fails {@code f} with a closed-channel exception. */
    void submit(TcpFuture<?> f, Runnable body) {
        try {
            loop.runOnLoop(() -> {
                try {
                    body.run();
                } catch (RuntimeException e) {
                    f.fail(e);
                }
            });
        } catch (IllegalStateException loopClosed) {
            f.settleFailure(Errors.closed());
        }
    }

    /** {@link TcpConnection#shutdownInput} on the loop: SHUT_RD, reads return -1 from now on. */
    void shutdownInput(TcpFuture<Integer> f) {
        if (closed) {
            f.settleFailure(Errors.closed());
            return;
        }
        receive.shutdownInput();
        Operation op = loop.acquire(SHUT_DONE, f);
        op.context = this;
        loop.start(op, loop.sqe().prepShutdown(fd, NetOps.SHUT_RD), null);
        requests.requestStarted();
    }

    private static final Operation.Completion SHUT_DONE = (loop, op, res, flags, more) -> {
        TcpConnectionState c = (TcpConnectionState) op.context;
        TcpFuture<?> f = (TcpFuture<?>) op.future;
        if (res >= 0 || res == -Errno.ENOTCONN.code()) f.settle(null); // ENOTCONN: the peer is gone; nothing to read anyway
        else f.settleFailure(Errors.of(res, "shutdown", c.remote, false));
        c.requests.requestEnded();
    };

    /** The graceful close, as {@link TcpConnection#close()} makes it (flushing what is queued, within the close timeout). */
    @Override
    public void closeAbandoned() {
        if (closed) return;
        AbandonedObjects.reportFailure(lifecycle.start(false), this);
    }

    @Override
    public void closeOnShutdown() {
        lifecycle.closeOnShutdown();
    }

    @Override
    public String toString() {
        return "TcpConnection[" + remote + ", fd " + fd + ", " + loop + "]";
    }
}
