package io.uring4j.runtime;

import io.uring4j.core.SocketConstants;
import io.uring4j.core.Errno;
import io.uring4j.core.KernelTimespec;
import io.uring4j.core.SocketAddresses;
import io.uring4j.core.internal.Posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What the loop holds of one {@link TcpServer}: the listening fd, its multishot ACCEPT, the
 * back-off timer, accepted connections not yet taken and the accepts waiting for one. The loop's
 * registry, the accept and the timer reference this, never the {@code TcpServer}, so a server its
 * user dropped can become unreachable and be closed by the Cleaner ({@link AbandonedObjects});
 * while an accept of the user waits, this holds the {@code TcpServer} ({@link #waitedOn}), so a
 * caller blocked in {@code accept()} keeps its server. Loop thread, except {@link #close} and
 * {@link #closeAbandoned}.
 */
final class TcpServerState implements LoopResource {
    private static final int ECONNABORTED = Errno.ECONNABORTED.code();
    /** Back-off of a failed accept (EMFILE, …): the first delay and the longest. */
    private static final long FIRST_BACKOFF_MS = 10;
    static final long MAX_BACKOFF_MS = 500;

    private final EventLoopGroup group;
    final EventLoop loop;
    private final int fd;
    final InetSocketAddress local;
    volatile boolean closed;

    private final ArrayDeque<TcpConnection> ready = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<TcpConnection>> waiting = new ArrayDeque<>();
    /** The public server while an accept of its user waits (null otherwise): it must not be reclaimed meanwhile. */
    private TcpServer waitedOn;
    private Operation acceptOp;
    /** The back-off timer after a failed accept, or null. */
    private Operation retryOp;
    private long backoffMs;
    private CompletableFuture<Integer> closeFuture;

    TcpServerState(EventLoopGroup group, EventLoop loop, int fd, InetSocketAddress local) {
        this.group = group;
        this.loop = loop;
        this.fd = fd;
        this.local = local;
    }

    /** On the loop, once bound: registered with the loop and accepting. */
    void start() {
        loop.register(this);
        armAccept();
    }

    /** The body of {@link TcpServer#acceptAsync()} on the loop: {@code server} is the public server asked. */
    void accept(CompletableFuture<TcpConnection> f, TcpServer server) {
        if (f.isDone()) return; // cancelled before it reached the loop
        TcpConnection c = ready.pollFirst();
        if (c != null) {
            if (!f.complete(c)) ready.addFirst(c); // cancelled just now: the connection stays first in line
        } else if (closed) {
            f.completeExceptionally(Errors.closed());
        } else {
            waiting.addLast(f);
            waitedOn = server;
            f.whenComplete((r, t) -> {
                if (f.isCancelled()) forget(f);
            });
            if (acceptOp == null && retryOp == null) armAccept(); // an earlier re-arm could not get a slot
        }
    }

    /** A cancelled accept leaves the queue at once (it would never be handed a connection anyway). */
    private void forget(CompletableFuture<TcpConnection> f) {
        try {
            loop.runOnLoop(() -> {
                waiting.remove(f);
                if (waiting.isEmpty()) waitedOn = null;
            });
        } catch (IllegalStateException loopClosed) {
            // the closing loop fails and drops every waiting accept itself
        }
    }

    private void armAccept() {
        Operation op;
        try {
            op = loop.acquire(ACCEPTED, null);
        } catch (java.util.concurrent.RejectedExecutionException full) {
            failWaiting(full); // retried by the next acceptAsync
            return;
        }
        op.context = this;
        loop.start(op, loop.sqe().prepMultishotAccept(fd, MemorySegment.NULL, MemorySegment.NULL, SocketConstants.SOCK_CLOEXEC), null);
        acceptOp = op;
    }

    private static final Operation.Completion ACCEPTED = (loop, op, res, flags, more) ->
            ((TcpServerState) op.context).onAccept(res, more);

    private void onAccept(int res, boolean more) {
        if (!more) acceptOp = null;
        if (res >= 0) {
            backoffMs = 0;
            if (closed) {
                Posix.close(res); // accepted after close began: must not leak
            } else {
                handOver(res);
            }
        }
        if (more) return;
        // A closing loop cancels every request; re-arming would answer each cancel with a
        // new accept, and the loop would never see its last completion.
        if (closed || loop.isClosing()) {
            maybeFinishClose();
        } else if (res >= 0 || res == -ECONNABORTED || res == -Errors.ECANCELED) {
            armAccept(); // the accept ended for one connection's sake (the JDK retries ECONNABORTED too)
        } else {
            // EMFILE, ENFILE, ENOBUFS, ENOMEM, …: re-arming at once fails at once, in a loop that
            // burns a core. Tell whoever waits, and try again later.
            failWaiting(Errors.of(res, "accept on", local, false));
            backoffMs = backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            armRetry(backoffMs);
        }
    }

    private void failWaiting(Throwable t) {
        CompletableFuture<TcpConnection> w;
        while ((w = waiting.pollFirst()) != null) w.completeExceptionally(t);
        waitedOn = null;
    }

    /** A TIMEOUT after which the accept is armed again; its timespec lives in the operation's scratch. */
    private void armRetry(long ms) {
        Operation op;
        try {
            op = loop.acquire(RETRY, null);
        } catch (java.util.concurrent.RejectedExecutionException full) {
            return; // no slot even for the timer: the next acceptAsync arms the accept again
        }
        op.context = this;
        MemorySegment ts = op.scratch.asSlice(Operation.TIMESPEC_OFFSET, KernelTimespec.BYTES);
        KernelTimespec.setNanos(ts, ms * 1_000_000);
        loop.start(op, loop.sqe().prepTimeout(ts, 0, 0), null);
        retryOp = op;
    }

    private static final Operation.Completion RETRY = (loop, op, res, flags, more) -> {
        TcpServerState s = (TcpServerState) op.context;
        s.retryOp = null;
        if (s.closed || loop.isClosing()) s.maybeFinishClose();
        else if (s.acceptOp == null) s.armAccept();
    };

    /**
     * Learns the peer address, then creates the connection on its own loop. A connection whose
     * peer already reset it (getpeername fails with ENOTCONN) is dead: it is closed here, never
     * handed over without an address. Multishot accept cannot return addresses, and it is what
     * keeps accepting cheap, so the address comes from getpeername on the loop.
     */
    private void handOver(int cfd) {
        InetSocketAddress peer;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SocketAddresses.SOCKADDR_STORAGE_BYTES);
            MemorySegment len = arena.allocateFrom(JAVA_INT, SocketAddresses.SOCKADDR_STORAGE_BYTES);
            int r = Posix.getpeername(cfd, sa, len);
            peer = r < 0 ? null : SocketAddresses.readInet(sa, len.get(JAVA_INT, 0));
        }
        if (peer == null) {
            Posix.close(cfd);
            return;
        }
        EventLoop target;
        try {
            target = group.next();
        } catch (IllegalStateException groupClosed) {
            Posix.close(cfd);
            return;
        }
        Runnable create = () -> {
            TcpConnection c = TcpConnection.accepted(target, cfd, peer);
            try {
                loop.runOnLoop(() -> deliver(c));
            } catch (IllegalStateException serverLoopClosed) {
                c.closeAsync(); // nobody can accept it any more
            }
        };
        try {
            target.runOnLoop(create);
        } catch (IllegalStateException closing) {
            Posix.close(cfd);
        }
    }

    /** Gives {@code c} to the oldest accept still waiting (a cancelled one refuses it), else queues it. */
    private void deliver(TcpConnection c) {
        CompletableFuture<TcpConnection> w;
        try {
            while ((w = waiting.pollFirst()) != null) {
                if (w.complete(c)) return;
            }
        } finally {
            if (waiting.isEmpty()) waitedOn = null;
        }
        if (closed) {
            c.closeAsync();
        } else {
            ready.addLast(c);
        }
    }

    /**
     * Any thread: stops accepting, fails the waiting accepts, closes the queued connections, and
     * closes the socket once the accept request ended; the future completes then.
     */
    CompletableFuture<Integer> close() {
        return loop.submitClose(f -> {
            if (closeFuture != null) {
                closeFuture.whenComplete((r, t) -> f.complete(0));
                return;
            }
            closed = true;
            closeFuture = f;
            loop.unregister(this);
            if (acceptOp != null) loop.cancel(acceptOp);
            if (retryOp != null) loop.cancel(retryOp);
            failWaiting(Errors.asyncClosed("accept on " + local + " was ended by the server's close"));
            TcpConnection c;
            while ((c = ready.pollFirst()) != null) c.closeAsync();
            maybeFinishClose();
        });
    }

    private void maybeFinishClose() {
        if (closeFuture == null || acceptOp != null || retryOp != null || closeFuture.isDone()) return;
        FdRequests.close(loop, fd, closeFuture, local);
    }

    @Override
    public void closeAbandoned() {
        if (closed) return;
        AbandonedObjects.reportFailure(close(), this);
    }

    @Override
    public void closeOnShutdown() {
        closed = true;
        Posix.close(fd);
        failWaiting(Errors.asyncClosed("accept on " + local + " was ended by the loop's close")); // none will come
        TcpConnection c;
        while ((c = ready.pollFirst()) != null) {
            // one on this loop is among the loop's resources and closed with them; one on a loop
            // that stays open would otherwise wait there for an accept that will never come
            if (c.loop != loop) c.closeAsync();
        }
    }

    @Override
    public String toString() {
        return "TcpServer[" + local + ", " + loop + "]";
    }
}
