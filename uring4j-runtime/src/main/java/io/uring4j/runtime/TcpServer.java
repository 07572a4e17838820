package io.uring4j.runtime;

import io.uring4j.core.Errno;
import io.uring4j.core.KernelTimespec;
import io.uring4j.core.SocketAddresses;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A listening TCP socket whose accepts run as one multishot ACCEPT on its loop. Each accepted
 * connection carries its peer address and is handed to the next loop of the group, where it
 * starts receiving at once. Connections not yet taken by {@link #accept()} wait in a queue;
 * callers waiting for one are served in order.
 */
public final class TcpServer implements AutoCloseable, EventLoop.Resource {
    private static final int ECONNABORTED = Errno.ECONNABORTED.code();
    /** Back-off of a failed accept (EMFILE, …): the first delay and the longest. */
    private static final long FIRST_BACKOFF_MS = 10, MAX_BACKOFF_MS = 500;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final int fd;
    private final InetSocketAddress local;
    private volatile boolean closed;

    // ---- loop-thread state ----
    private final ArrayDeque<TcpConnection> ready = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<TcpConnection>> waiting = new ArrayDeque<>();
    private Operation acceptOp;
    /** The back-off timer after a failed accept, or null. */
    private Operation retryOp;
    private long backoffMs;
    private CompletableFuture<Integer> closeFuture;

    private TcpServer(EventLoopGroup group, EventLoop loop, int fd, InetSocketAddress local) {
        this.group = group;
        this.loop = loop;
        this.fd = fd;
        this.local = local;
    }

    /** Binds and listens on {@code address} (port 0: any free port) with SO_REUSEADDR. */
    public static TcpServer bind(EventLoopGroup group, InetSocketAddress address, int backlog) throws IOException {
        if (backlog < 1) throw new IllegalArgumentException("backlog must be >= 1, given " + backlog);
        int family = address.getAddress() instanceof Inet6Address ? Posix.AF_INET6 : Posix.AF_INET;
        int fd = Posix.socket(family, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC, 0);
        if (fd < 0) throw (IOException) Errors.of(fd, "socket", address, false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocateFrom(JAVA_INT, 1);
            Posix.setsockopt(fd, Posix.SOL_SOCKET, Posix.SO_REUSEADDR, one, 4);
            MemorySegment sa = arena.allocate(SocketAddresses.SOCKADDR_STORAGE_BYTES);
            int len = SocketAddresses.write(sa, address);
            int r = Posix.bind(fd, sa, len);
            if (r < 0) throw (IOException) Errors.of(r, "bind", address, false);
            r = Posix.listen(fd, backlog);
            if (r < 0) throw (IOException) Errors.of(r, "listen", address, false);
            MemorySegment lenSeg = arena.allocateFrom(JAVA_INT, SocketAddresses.SOCKADDR_STORAGE_BYTES);
            Posix.getsockname(fd, sa, lenSeg);
            InetSocketAddress local = SocketAddresses.readInet(sa, lenSeg.get(JAVA_INT, 0));
            EventLoop loop = group.next();
            TcpServer server = new TcpServer(group, loop, fd, local);
            Errors.await(loop.submit(f -> {
                loop.register(server);
                server.armAccept();
                f.complete(null);
            }));
            return server;
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    /** The loop this server's accepts run on. */
    EventLoop loop() {
        return loop;
    }

    /**
     * The next accepted connection, waiting for one.
     *
     * @throws IOException the accept failed; while the process is out of fds it fails with
     *                     EMFILE (or ENFILE) named in the message, see {@link #acceptAsync()}
     * @throws java.io.InterruptedIOException the thread was interrupted: the accept gave up its
     *                     place (a connection that arrives later goes to the next accept)
     */
    public TcpConnection accept() throws IOException {
        return Errors.await(acceptAsync());
    }

    /**
     * The next accepted connection, waiting at most {@code timeout}.
     *
     * @throws java.nio.channels.InterruptedByTimeoutException none came within {@code timeout}:
     *         the accept gave up its place, so the next connection goes to the next accept
     *         (when a connection and the timeout arrive together, the caller gets the connection)
     * @throws IllegalArgumentException {@code timeout} is not positive
     */
    public TcpConnection accept(Duration timeout) throws IOException {
        java.util.Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0, given " + timeout);
        }
        return Errors.await(acceptAsync(), timeout, "accept on " + local);
    }

    /**
     * A future of the next accepted connection; callers are served in order. Cancelling it
     * gives up its place: a connection is then never handed to it, it goes to the next accept
     * (or waits for one). A future that is abandoned without being cancelled keeps its place and
     * receives a connection its caller must close.
     *
     * <p>Out of fds (EMFILE, ENFILE) or another resource the kernel lacks, every waiting accept
     * fails with an {@link IOException} naming the errno, and the server tries again after a
     * delay (10 ms, doubling up to {@value #MAX_BACKOFF_MS} ms while the error lasts) instead of
     * at once; connections keep waiting in the listen backlog meanwhile.
     */
    public CompletableFuture<TcpConnection> acceptAsync() {
        if (closed) return CompletableFuture.failedFuture(Errors.closed());
        return loop.submit(f -> {
            if (f.isDone()) return; // cancelled before it reached the loop
            TcpConnection c = ready.pollFirst();
            if (c != null) {
                if (!f.complete(c)) ready.addFirst(c); // cancelled just now: the connection stays first in line
            } else if (closed) {
                f.completeExceptionally(Errors.closed());
            } else {
                waiting.addLast(f);
                f.whenComplete((r, t) -> {
                    if (f.isCancelled()) forget(f);
                });
                if (acceptOp == null && retryOp == null) armAccept(); // an earlier re-arm could not get a slot
            }
        });
    }

    /** A cancelled accept leaves the queue at once (it would never be handed a connection anyway). */
    private void forget(CompletableFuture<TcpConnection> f) {
        try {
            loop.execute(() -> waiting.remove(f));
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
        loop.sqe().prepMultishotAccept(fd, MemorySegment.NULL, MemorySegment.NULL, Posix.SOCK_CLOEXEC)
                .userData(op.userData(UserData.TAG_MAIN));
        loop.started(op, false);
        acceptOp = op;
    }

    private static final Operation.Completion ACCEPTED = (loop, op, res, flags, more) -> {
        TcpServer s = (TcpServer) op.context;
        s.onAccept(res, more);
    };

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
        loop.sqe().prepTimeout(ts, 0, 0).userData(op.userData(UserData.TAG_MAIN));
        loop.started(op, false);
        retryOp = op;
    }

    private static final Operation.Completion RETRY = (loop, op, res, flags, more) -> {
        TcpServer s = (TcpServer) op.context;
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
            TcpConnection c = new TcpConnection(target, cfd, peer);
            target.register(c);
            c.rearmReceive();
            try {
                loop.execute(() -> deliver(c));
            } catch (IllegalStateException serverLoopClosed) {
                c.closeAsync(); // nobody can accept it any more
            }
        };
        try {
            target.execute(create);
        } catch (IllegalStateException closing) {
            Posix.close(cfd);
        }
    }

    /** Gives {@code c} to the oldest accept still waiting (a cancelled one refuses it), else queues it. */
    private void deliver(TcpConnection c) {
        CompletableFuture<TcpConnection> w;
        while ((w = waiting.pollFirst()) != null) {
            if (w.complete(c)) return;
        }
        if (closed) {
            c.closeAsync();
        } else {
            ready.addLast(c);
        }
    }

    /** Stops accepting, waits for the accept request to end, closes queued connections and the socket. */
    @Override
    public void close() throws IOException {
        Errors.awaitClose(loop.<Integer>submitClose(f -> {
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
        }), this);
    }

    private void maybeFinishClose() {
        if (closeFuture == null || acceptOp != null || retryOp != null || closeFuture.isDone()) return;
        loop.closeFd(fd, closeFuture, local);
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
