package io.uring4j.runtime;

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
    private static final int ACCEPT_MULTISHOT = 1;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final int fd;
    private final InetSocketAddress local;
    private volatile boolean closed;

    // ---- loop-thread state ----
    private final ArrayDeque<TcpConnection> ready = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<TcpConnection>> waiting = new ArrayDeque<>();
    private Operation acceptOp;
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

    /** The next accepted connection, waiting for one. */
    public TcpConnection accept() throws IOException {
        return Errors.await(acceptAsync());
    }

    /** The next accepted connection, or a timeout. */
    public TcpConnection accept(Duration timeout) throws IOException {
        try {
            return acceptAsync().get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new java.nio.channels.InterruptedByTimeoutException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while accepting");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }

    public CompletableFuture<TcpConnection> acceptAsync() {
        if (closed) return CompletableFuture.failedFuture(Errors.closed());
        return loop.submit(f -> {
            TcpConnection c = ready.pollFirst();
            if (c != null) f.complete(c);
            else if (closed) f.completeExceptionally(Errors.closed());
            else waiting.addLast(f);
        });
    }

    private void armAccept() {
        Operation op = loop.acquire(ACCEPTED, null);
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
            if (closed) {
                Posix.close(res); // accepted after close began: must not leak
            } else {
                handOver(res);
            }
        }
        if (!more) {
            // A closing loop cancels every request; re-arming would answer each cancel with a
            // new accept, and the loop would never see its last completion.
            if (!closed && !loop.isClosing()) armAccept();
            else maybeFinishClose();
        }
    }

    /** Learns the peer address, then creates the connection on its own loop. */
    private void handOver(int cfd) {
        InetSocketAddress peer;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SocketAddresses.SOCKADDR_STORAGE_BYTES);
            MemorySegment len = arena.allocateFrom(JAVA_INT, SocketAddresses.SOCKADDR_STORAGE_BYTES);
            int r = Posix.getpeername(cfd, sa, len);
            peer = r < 0 ? null : SocketAddresses.readInet(sa, len.get(JAVA_INT, 0));
        }
        EventLoop target = group.next();
        Runnable create = () -> {
            TcpConnection c = new TcpConnection(target, cfd, peer);
            target.register(c);
            c.rearmReceive();
            loop.execute(() -> deliver(c));
        };
        try {
            target.execute(create);
        } catch (IllegalStateException closing) {
            Posix.close(cfd);
        }
    }

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
        Errors.awaitClose(loop.<Integer>submit(f -> {
            if (closeFuture != null) {
                closeFuture.whenComplete((r, t) -> f.complete(0));
                return;
            }
            closed = true;
            closeFuture = f;
            loop.unregister(this);
            if (acceptOp != null) loop.cancel(acceptOp);
            CompletableFuture<TcpConnection> w;
            while ((w = waiting.pollFirst()) != null) w.completeExceptionally(Errors.closed());
            TcpConnection c;
            while ((c = ready.pollFirst()) != null) c.closeAsync();
            maybeFinishClose();
        }), this);
    }

    private void maybeFinishClose() {
        if (closeFuture == null || acceptOp != null || closeFuture.isDone()) return;
        loop.closeFd(fd, closeFuture, local);
    }

    @Override
    public void closeOnShutdown() {
        closed = true;
        Posix.close(fd);
        CompletableFuture<TcpConnection> w;
        while ((w = waiting.pollFirst()) != null) w.completeExceptionally(Errors.closed()); // none will come
    }

    @Override
    public String toString() {
        return "TcpServer[" + local + ", " + loop + "]";
    }
}
