package io.uring4j.runtime;

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

    public InetSocketAddress localAddress() {
        return state.local;
    }

    /** The loop this server's accepts run on. */
    EventLoop loop() {
        return state.loop;
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
     */
    public CompletableFuture<TcpConnection> acceptAsync() {
        if (state.closed) return CompletableFuture.failedFuture(Errors.closed());
        return state.loop.submit(f -> state.accept(f, this));
    }

    /** Stops accepting, waits for the accept request to end, closes queued connections and the socket. */
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
