package io.uring4j.runtime;

import io.uring4j.core.SocketConstants;
import io.uring4j.core.SocketAddresses;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A listening TCP socket whose accepts run as one multishot ACCEPT on its loop. Each accepted
 * connection carries its peer address and is handed to the next loop of the group, where it
 * starts receiving at once. Connections not yet taken by {@link #accept()} wait in a queue;
 * callers waiting for one are served in order. A server dropped without {@link #close()} is
 * closed the same way once the GC finds it unreachable, unless an accept of it is waiting.
 */
public final class TcpServer implements AutoCloseable {
    /** What the loop holds of this server: the listening fd, its accept, queued connections and waiting accepts. */
    final TcpServerState state;

    private TcpServer(TcpServerState state) {
        this.state = state;
        AbandonedObjects.closeWhenUnreachable(this, state);
    }

    /**
     * Binds and listens on {@code address} (port 0: any free port) with SO_REUSEADDR. The
     * server's accepts run on the next loop of {@code group}; each connection it accepts goes to
     * the group's next loop in turn. The socket is made on the calling thread, then the call waits
     * until the server's loop has taken it over, so it is for an ordinary or virtual thread: on a
     * loop thread it throws {@link IllegalStateException} before it makes any socket.
     *
     * @param group   the group whose loops run the server and its connections
     * @param address the address to listen on, resolved; its family (IPv4 or IPv6) is the
     *                socket's
     * @param backlog listen(2)'s backlog, at least 1: connections the kernel completes and keeps
     *                waiting for an accept (capped by the kernel at {@code net.core.somaxconn})
     * @return the listening server, accepting
     * @throws IllegalArgumentException {@code backlog} is below 1, or {@code address} is unresolved
     * @throws java.net.BindException the address is in use or not local, or the port needs
     *         privileges (EADDRINUSE, EADDRNOTAVAIL, EACCES)
     * @throws java.nio.channels.ClosedChannelException the loop is closed (the group was closed)
     * @throws IOException socket(2), listen(2) or getsockname(2) failed: the message names the
     *         call, the address and the errno; no fd is left open
     */
    public static TcpServer bind(EventLoopGroup group, InetSocketAddress address, int backlog) throws IOException {
        if (backlog < 1) throw new IllegalArgumentException("backlog must be >= 1, given " + backlog);
        Errors.refuseFactoryOnLoopThread("TcpServer.bind");
        int family = address.getAddress() instanceof Inet6Address ? SocketConstants.AF_INET6 : SocketConstants.AF_INET;
        int fd = Posix.socket(family, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_CLOEXEC, 0);
        if (fd < 0) throw (IOException) Errors.of(fd, "socket", address, false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocateFrom(JAVA_INT, 1);
            Posix.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, one, 4);
            MemorySegment sa = arena.allocate(SocketAddresses.SOCKADDR_STORAGE_BYTES);
            int len = SocketAddresses.write(sa, address);
            int r = Posix.bind(fd, sa, len);
            if (r < 0) throw (IOException) Errors.of(r, "bind", address, false);
            r = Posix.listen(fd, backlog);
            if (r < 0) throw (IOException) Errors.of(r, "listen", address, false);
            InetSocketAddress local = LocalAddress.of(fd, address);
            EventLoop loop = group.next();
            TcpServerState state = new TcpServerState(group, loop, fd, local);
            Errors.await(loop.submit(f -> {
                state.start();
                f.complete(null);
            }));
            return new TcpServer(state); // the Cleaner's watch starts only once the loop owns the fd
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * {@return the address the server listens on, as getsockname(2) reported it after the bind}
     * With the port the kernel chose when the bind asked for port 0. Any thread.
     */
    public InetSocketAddress localAddress() {
        return state.local;
    }

    /** The loop this server's accepts run on. */
    EventLoop loop() {
        return state.loop;
    }

    /**
     * The next accepted connection, waiting for one: the blocking form of {@link #acceptAsync()}.
     *
     * @return the connection, on its own loop and already receiving
     * @throws java.nio.channels.ClosedChannelException the server was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the server or its loop was closed
     *         while the call waited
     * @throws IllegalStateException called on an event loop's thread (before any socket is made)
     *         there (use {@link #acceptAsync()} on a loop)
     * @throws IOException the accept failed; while the process is out of fds it fails with
     *                     EMFILE (or ENFILE) named in the message, see {@link #acceptAsync()}
     * @throws java.io.InterruptedIOException the thread was interrupted: the accept gave up its
     *                     place (a connection that arrives later goes to the next accept)
     */
    public TcpConnection accept() throws IOException {
        return Errors.await(acceptAsync());
    }

    /**
     * The next accepted connection, waiting at most {@code timeout}; otherwise as
     * {@link #accept()}.
     *
     * @param timeout how long to wait, positive, not null
     * @return the connection, on its own loop and already receiving
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
        return Errors.await(acceptAsync(), timeout, "accept on " + state.local);
    }

    /**
     * A future of the next accepted connection; callers are served in order. Cancelling it
     * gives up its place: a connection is then never handed to it, it goes to the next accept
     * (or waits for one). A future that is abandoned without being cancelled keeps its place and
     * receives a connection its caller must close (an accept waiting keeps the server open).
     *
     * <p>Out of fds (EMFILE, ENFILE) or another resource the kernel lacks, every waiting accept
     * fails with an {@link IOException} naming the errno, and the server tries again after a
     * delay (10 ms, doubling up to {@value TcpServerState#MAX_BACKOFF_MS} ms while the error lasts) instead of
     * at once; connections keep waiting in the listen backlog meanwhile.
     *
     * <p>Any thread, the loop's included (a handler can accept its next connection from the
     * callback of the previous one).
     *
     * @return a future of the next connection (on its own loop and already receiving); it fails
     *         with {@link java.nio.channels.ClosedChannelException} if the server was closed
     *         before the call, with {@link java.nio.channels.AsynchronousCloseException} if the
     *         server or its loop was closed while it waited, or with the accept's
     *         {@link IOException}
     */
    public CompletableFuture<TcpConnection> acceptAsync() {
        if (state.closed) return CompletableFuture.failedFuture(Errors.closed());
        return state.loop.submit(f -> state.accept(f, this));
    }

    /**
     * Stops accepting, waits for the accept request to end, closes queued connections and the socket.
     * Waiting accepts fail with {@link java.nio.channels.AsynchronousCloseException}, later ones
     * with {@link java.nio.channels.ClosedChannelException}; connections already handed out stay
     * open. Waits at most 30 s and is not cut short by an interrupt (the status is kept); on a
     * loop thread it starts the close and returns. Idempotent.
     *
     * @throws IOException the socket's close failed, or did not complete within 30 s
     */
    @Override
    public void close() throws IOException {
        CompletableFuture<Integer> f = state.close();
        if (f.isCompletedExceptionally() && loop().isClosing()) {
            return; // its loop was gone before the close got there: the loop's own close closed the fd
        }
        Errors.awaitClose(f, this);
    }

    @Override
    public String toString() {
        return state.toString();
    }
}
