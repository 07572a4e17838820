package io.uring4j.runtime;

import io.uring4j.core.SocketAddresses;
import io.uring4j.core.Sqe;
import io.uring4j.core.internal.Posix;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the shared socket machinery ({@link OrderedSendQueue}, {@link MessageReceiveQueue},
 * {@link SocketOptionRequests}) needs from a socket owned by one loop: its fd, whether its close
 * has begun, and the count of its requests in flight; and the close protocol every socket (and
 * {@link AsyncFile}) follows: cancel every request on the fd, wait until the last of them has
 * ended, only then close the fd (so no request can outlive the fd, and none can reach whoever
 * reuses its number).
 *
 * <p>One per socket, held privately (so that these methods do not become part of the socket's
 * public API) and wired to the socket's own state by the functions it is made with. Every method
 * is called on the loop thread only.
 */
final class LoopSocket {
    private final EventLoop loop;
    private final int fd;
    private final BooleanSupplier closing;
    private final Runnable beforeFdClose;
    private final Supplier<Object> subject;
    private final java.util.function.Consumer<Exception> sendFailed;
    private final Runnable sendSawReset;
    private int inFlight;
    private CompletableFuture<Integer> closeFuture;
    private boolean fdClosing;

    /**
     * @param closing           whether {@code close} has begun: no new request may start on the fd
     * @param beforeFdClose     runs once no request is left, just before the fd is closed
     * @param subject           what error messages name (the peer, or the socket)
     * @param sendFailed        a send nobody waits for (a loop-thread send) failed with the given
     *                          exception: the socket should close
     * @param sendSawReset      a send failed with ECONNRESET: Linux reports a socket's pending
     *                          error once, to whichever request sees it first, so the receive
     *                          side must hear of it from here
     */
    LoopSocket(EventLoop loop, int fd, BooleanSupplier closing, Runnable beforeFdClose, Supplier<Object> subject,
               java.util.function.Consumer<Exception> sendFailed, Runnable sendSawReset) {
        this.loop = loop;
        this.fd = fd;
        this.closing = closing;
        this.beforeFdClose = beforeFdClose;
        this.subject = subject;
        this.sendFailed = sendFailed;
        this.sendSawReset = sendSawReset;
    }

    EventLoop loop() {
        return loop;
    }

    int fd() {
        return fd;
    }

    boolean closing() {
        return closing.getAsBoolean();
    }

    /** One more request of this socket is in the kernel (or queued to go there). */
    void requestStarted() {
        inFlight++;
    }

    /** A request of this socket has ended for good; the last one lets a pending close proceed. */
    void requestEnded() {
        inFlight--;
        closeIfIdle();
    }

    /**
     * Begins the close: cancels every request on the fd (their CQEs follow) and completes
     * {@code f} once the fd is closed. A second call only follows the first. Returns whether
     * this call began it, so the socket can fail what it keeps queued itself.
     */
    boolean beginClose(CompletableFuture<Integer> f) {
        if (closeFuture != null) {
            closeFuture.whenComplete((r, t) -> f.complete(0));
            return false;
        }
        closeFuture = f;
        FdRequests.cancelAll(loop, fd); // IORING_ASYNC_CANCEL_FD | ALL
        return true;
    }

    /** Closes the fd if a close has begun and no request of this socket is left. */
    void closeIfIdle() {
        if (closeFuture == null || inFlight > 0 || fdClosing) return;
        fdClosing = true;
        beforeFdClose.run();
        FdRequests.close(loop, fd, closeFuture, subject());
    }

    Object subject() {
        return subject.get();
    }

    void sendFailed(Exception failure) {
        sendFailed.accept(failure);
    }

    void sendSawReset() {
        sendSawReset.run();
    }

    /**
     * Starts a CONNECT of a new socket ({@code domain}, {@code type}) to {@code remote} on the
     * loop thread, with a linked timeout unless {@code timeout} is null; {@code done} gets the
     * completion, with the remote address as the operation's context and the fd as its value.
     * The slot comes before the socket, so a refused request leaves nothing open, and a socket
     * whose SQE could not be written is closed at once.
     */
    private static final int[] NO_OPTIONS = {};

    static void connect(EventLoop loop, CompletableFuture<?> f, Operation.Completion done, int domain,
                        int type, SocketAddress remote, Duration timeout) {
        connect(loop, f, done, domain, type, NO_OPTIONS, null, remote, timeout);
    }

    /**
     * As above, the socket given the options {@code options} ({@link SocketOptionRequests#encodeAll}
     * triples, empty for none) and then bound to {@code local} when it is not null (the way
     * {@code new Socket(host, port, localAddr, localPort)} binds), both before it connects.
     */
    static void connect(EventLoop loop, CompletableFuture<?> f, Operation.Completion done, int domain,
                        int type, int[] options, SocketAddress local, SocketAddress remote, Duration timeout) {
        Operation op = loop.acquire(done, f);
        int fd = Posix.socket(domain, type, 0);
        if (fd < 0) {
            loop.discard(op);
            f.completeExceptionally(Errors.of(fd, "socket", remote, false));
            return;
        }
        if (options.length > 0) {
            int[] failed = new int[1];
            int r = SocketOptionRequests.setBeforeConnect(fd, options, op.scratch, failed);
            if (r < 0) {
                loop.discard(op);
                Posix.close(fd);
                f.completeExceptionally(Errors.of(r, "setsockopt (option " + (failed[0] + 1) + " of " + options.length / 3
                        + ") before connecting", remote, false));
                return;
            }
        }
        if (local != null) {
            int r;
            try {
                r = Posix.bind(fd, op.scratch, SocketAddresses.write(op.scratch, local)); // bind(2) copies the address: the scratch is free again after it
            } catch (RuntimeException e) {
                loop.discard(op);
                Posix.close(fd);
                throw e;
            }
            if (r < 0) {
                loop.discard(op);
                Posix.close(fd);
                f.completeExceptionally(Errors.of(r, "bind", local, false));
                return;
            }
        }
        op.context = remote;
        op.value = fd;
        Sqe sqe;
        try {
            int len = SocketAddresses.write(op.scratch, remote);
            sqe = loop.sqe().prepConnect(fd, op.scratch, len);
        } catch (RuntimeException e) { // no SQE of it exists: nothing may keep the fd
            loop.discard(op);
            Posix.close(fd);
            throw e;
        }
        loop.startUncancellable(op, sqe, timeout); // a cancelled caller's socket is closed by the completion
    }
}
