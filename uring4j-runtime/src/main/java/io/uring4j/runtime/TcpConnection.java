package io.uring4j.runtime;

import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AsynchronousByteChannel;
import java.nio.channels.ByteChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.NetworkChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A TCP connection served by one {@link EventLoop}.
 *
 * <p><b>Receiving</b>: a multishot recv fills buffers of the loop's provided-buffer ring; a
 * buffer stays with this connection until the user has read it. When the user falls behind
 * (16 buffers held) the receive is cancelled and re-armed only once the user has caught up:
 * backpressure instead of unbounded memory. One read at a time may wait; a read that is
 * cancelled, interrupted or times out leaves its place at once, and the bytes that arrive later go
 * to the next read.
 *
 * <p><b>Sending</b> (field report 3): writes go into a per-connection queue; the queued messages go
 * out as one IOSQE_IO_LINK chain, and the next chain only after the previous one completed; a
 * short send is resumed before anything after it. Bytes reach the peer in the order the
 * {@code write} calls were made, from any number of threads. The queue holds at most
 * {@link #sendQueueLimit()} bytes in native memory: later writes wait, bytes still in their
 * buffers, until it drained to half of that. A write given up (cancelled, interrupted, timed
 * out) makes the output unusable, as with {@link java.nio.channels.AsynchronousSocketChannel}:
 * an unknown part of it was sent.
 *
 * <p><b>Closing</b>: {@link #close()} first lets every write already made reach the kernel (at most
 * {@link #closeTimeout()}; past it, or with a zero timeout, it aborts), then cancels the
 * connection's requests, waits for all of their completions and closes the fd. {@link #abort()}
 * does not wait for the writes: they fail, and the peer gets a reset (SO_LINGER 0).
 * {@link #shutdownOutput()} and {@link #shutdownInput()} half-close as a JDK socket's do. No
 * request can outlive the fd, and no memory is freed early. A request cut short by a close fails
 * with {@link java.nio.channels.AsynchronousCloseException}, one made after it with
 * {@link java.nio.channels.ClosedChannelException}.
 *
 * <p><b>Dropped without a close</b>: once the GC finds the connection unreachable, it is closed
 * as {@link #close()} does (gracefully, within {@link #closeTimeout()}). A request of its user in
 * flight (a read or write whose future alone is held, a {@link #send}) keeps it reachable, and so
 * does a {@link #receive(TcpReceiver) receiver} until the end of stream was delivered to it.
 */
public final class TcpConnection implements ByteChannel, NetworkChannel {
    /** What the loop holds of this connection: fd, receive and send sides, close. */
    final TcpConnectionState state;
    final EventLoop loop;
    final int fd;
    private final InetSocketAddress remote;
    private volatile Duration defaultTimeout;
    /** getsockname's answer, asked once (on the loop, which owns the fd). */
    private volatile InetSocketAddress local;

    private final TcpReceive receive;
    private final TcpSend send;

    private TcpConnection(EventLoop loop, int fd, InetSocketAddress remote) {
        this.state = new TcpConnectionState(loop, fd, remote);
        this.loop = loop;
        this.fd = fd;
        this.remote = remote;
        this.receive = state.receive;
        this.send = state.send;
        AbandonedObjects.closeWhenUnreachable(this, state);
    }

    /** Loop thread of {@code loop}: the connection of an accepted fd, registered and receiving. */
    static TcpConnection accepted(EventLoop loop, int fd, InetSocketAddress remote) {
        TcpConnection c = new TcpConnection(loop, fd, remote);
        loop.register(c.state);
        c.state.rearmReceive();
        return c;
    }

    LoopSocket requests() {
        return state.requests;
    }

    // ------------------------------------------------------------------ connect

    /** Connects to {@code remote} on the next loop of {@code group}, failing after {@code timeout}. */
    public static TcpConnection connect(EventLoopGroup group, InetSocketAddress remote, Duration timeout) throws IOException {
        return Errors.await(connectAsync(group.next(), remote, timeout));
    }

    /**
     * As {@link #connect(EventLoopGroup, InetSocketAddress, Duration)} from the local address
     * {@code local} (port 0: any free port), as {@code new Socket(host, port, localAddr, localPort)}
     * binds before it connects. A local address in use fails with {@link java.net.BindException}.
     *
     * @throws IllegalArgumentException {@code local} is unresolved or of another family than {@code remote}
     */
    public static TcpConnection connect(EventLoopGroup group, InetSocketAddress remote, InetSocketAddress local, Duration timeout)
            throws IOException {
        return Errors.await(connectAsync(group.next(), remote, local, timeout));
    }

    /**
     * CONNECT guarded by a linked timeout (null: none); the socket is closed if the connect fails
     * or times out. A loop at its operation limit refuses it before any socket exists
     * ({@link java.util.concurrent.RejectedExecutionException}).
     *
     * @throws IllegalArgumentException (in the future) {@code remote} is unresolved or
     *         {@code timeout} is zero or negative
     */
    public static CompletableFuture<TcpConnection> connectAsync(EventLoop loop, InetSocketAddress remote, Duration timeout) {
        return connectAsync(loop, remote, null, timeout);
    }

    /**
     * As {@link #connectAsync(EventLoop, InetSocketAddress, Duration)}, the socket bound to
     * {@code local} first (null: chosen by the kernel at connect, as usual).
     *
     * @throws IllegalArgumentException (in the future) an address is unresolved, the two are of
     *         different families, or {@code timeout} is zero or negative
     */
    public static CompletableFuture<TcpConnection> connectAsync(EventLoop loop, InetSocketAddress remote, InetSocketAddress local,
                                                                Duration timeout) {
        if (local != null && (local.isUnresolved()
                || (local.getAddress() instanceof java.net.Inet6Address) != (remote.getAddress() instanceof java.net.Inet6Address))) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(local.isUnresolved() ? "unresolved local address " + local
                    : "the local address " + local + " is not of the remote address's family (" + remote + ")"));
        }
        if (remote.isUnresolved()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unresolved address " + remote));
        }
        try {
            AsyncFile.positive(timeout); // on this thread: refused on the loop, it left the socket open and the CONNECT linked to the next request
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        int family = remote.getAddress() instanceof java.net.Inet6Address ? Posix.AF_INET6 : Posix.AF_INET;
        return loop.submit(f -> {
            LoopSocket.connect(loop, f, CONNECTED, family, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC, local, remote, timeout);
        });
    }

    private static final Operation.Completion CONNECTED = (loop, op, res, flags, more) -> {
        InetSocketAddress remote = (InetSocketAddress) op.context;
        int fd = (int) op.value;
        if (res < 0) {
            Posix.close(fd);
            op.future.completeExceptionally(Errors.of(res, "connect", remote, op.timedOut(res)));
            return;
        }
        TcpConnection c = new TcpConnection(loop, fd, remote);
        if (op.future.complete(c)) {
            loop.register(c.state);
        } else {
            c.state.closed = true; // never used: the Cleaner has nothing to close
            Posix.close(fd);
        }
    };

    // ------------------------------------------------------------------ deadlines

    /**
     * The deadline of every blocking {@link #read(ByteBuffer)} and {@link #write(ByteBuffer)}
     * that names none; null (the default) removes it. A read that times out gives up its place
     * (later bytes go to the next read); a write that times out makes the output unusable.
     *
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public TcpConnection timeout(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a timeout must be positive, given " + timeout);
        }
        this.defaultTimeout = timeout;
        return this;
    }

    /** The deadline of blocking reads and writes that name none, or null. */
    public Duration timeout() {
        return defaultTimeout;
    }

    // ------------------------------------------------------------------ receive

    /**
     * Switches the connection to push mode: {@code r} gets what was already received and then
     * every later byte, on the loop thread, and may answer at once with {@link #send}: no thread
     * hand-off and no future per message (what an echo or proxy loop wants). The read path's
     * backpressure does not apply; instead the connection stops receiving while its own send
     * queue is at {@link #sendQueueLimit()}, so a peer that does not read the answers stops being
     * read. Set once; from any thread.
     */
    public void receive(TcpReceiver r) {
        Objects.requireNonNull(r, "receiver");
        loop.runOnLoop(() -> receive.receive(r, this));
    }

    /** Reads what has arrived into {@code dst} (waiting for data, at most {@link #timeout()}); the count, or -1 at end of stream. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        return read(dst, defaultTimeout);
    }

    /**
     * As {@link #read(ByteBuffer)}, failing with {@link java.nio.channels.InterruptedByTimeoutException}
     * when nothing arrives within {@code timeout} (null: no deadline). The receive is one
     * multishot request shared by every read, so the deadline is the read's, not a kernel
     * request's: the receive stays armed and bytes that arrive later wait for the next read. An
     * interrupt gives the read up the same way ({@link java.io.InterruptedIOException}).
     */
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        CompletableFuture<Integer> f = receive.readAsync(dst, this);
        if (f instanceof TcpFuture<Integer> t) return t.await(timeout, "a read from", remote);
        return Errors.await(f);
    }

    /**
     * Reads what has arrived into {@code dst}'s remaining space, waiting for data; completes with
     * the count, or -1 at end of stream. One read may wait at a time. Cancelling the future gives
     * the read up (unless its bytes are being copied right now, when {@code cancel} returns false
     * and the future completes with them): its buffer is left alone and later bytes go to the
     * next read. The buffer's position and limit are read here, once; the bytes land in that
     * range and the position is set after them on the loop.
     */
    public CompletableFuture<Integer> readAsync(ByteBuffer dst) {
        return receive.readAsync(dst, this);
    }

    /**
     * Ends this side's input as {@link java.net.Socket#shutdownInput} does: reads return -1 from
     * now on, a receiver gets its end, and bytes received but not read, or arriving later, are
     * dropped. The kernel gets SHUT_RD. Idempotent.
     */
    public void shutdownInput() throws IOException {
        TcpFuture<Integer> f = new TcpFuture<>(loop, g -> { }, this);
        state.submit(f, () -> state.shutdownInput(f));
        f.await(null, "the input shutdown of", remote);
    }

    // ------------------------------------------------------------------ send

    /**
     * Sends all of {@code src}, in order after every earlier write; waits (at most {@link #timeout()})
     * until the kernel took it. Returns the count, {@code src}'s remaining bytes (never a short write).
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        return write(src, defaultTimeout);
    }

    /**
     * As {@link #write(ByteBuffer)} with a deadline (null: none). A write that times out fails
     * with {@link java.nio.channels.InterruptedByTimeoutException} and, as in
     * {@link java.nio.channels.AsynchronousSocketChannel}, leaves the output unusable, since an
     * unknown part of it was sent: every later write fails with {@link IllegalStateException},
     * and {@link #close()} resets the connection. An interrupt does the same
     * ({@link java.io.InterruptedIOException}).
     */
    public int write(ByteBuffer src, Duration timeout) throws IOException {
        CompletableFuture<Integer> f = send.writeAsync(src, this);
        if (f instanceof TcpFuture<Integer> t) return t.await(timeout, "a write to", remote);
        return Errors.await(f);
    }

    /**
     * Queues all of {@code src}'s remaining bytes behind every earlier write and completes with
     * the count once the kernel has taken them. {@code src}'s position and limit are read here,
     * once; leave the buffer alone until the future completes (its bytes are copied on the loop,
     * where its position is set after them). While the connection's queue holds
     * {@link #sendQueueLimit()} bytes the write waits, uncopied, until the queue drained to half
     * of it. Cancelling the future makes the output unusable (see {@link #write(ByteBuffer, Duration)}).
     */
    public CompletableFuture<Integer> writeAsync(ByteBuffer src) {
        return send.writeAsync(src, this);
    }

    /** {@link #send(MemorySegment, long, long)} of all of {@code data}. */
    public void send(MemorySegment data) {
        send(data, 0, data.byteSize());
    }

    /**
     * From the loop thread (a {@link TcpReceiver}'s callback): queues {@code length} bytes at
     * {@code offset} of {@code data} behind every earlier write, like {@link #writeAsync} without
     * a future, whatever the queue holds (the loop cannot wait). A send that fails aborts the
     * connection. On a closed connection it does nothing.
     *
     * <p>The bytes are copied, except when {@code data} is the receive buffer being delivered to
     * this connection's receiver right now (an echo, a proxy): then the send takes that buffer
     * over, and it goes back to the kernel only when the send has ended, as a C liburing echo
     * server does (no copy, and no second buffer per message in the cache).
     *
     * @throws IllegalStateException if called off the loop, after {@link #shutdownOutput()}, or
     *                               once a given-up write made the output unusable
     */
    public void send(MemorySegment data, long offset, long length) {
        send(data, offset, length, null, null);
    }

    /**
     * As {@link #send(MemorySegment, long, long)}, and {@code handler} hears, on the loop thread,
     * when the kernel has taken every byte (the count) or the send failed (the connection is then
     * not aborted: the handler decides). A closed connection fails it at once with
     * {@link java.nio.channels.ClosedChannelException}; a close under way with
     * {@link java.nio.channels.AsynchronousCloseException}. A handler that throws is reported
     * on stderr.
     */
    public <A> void send(MemorySegment data, long offset, long length, A attachment,
                         CompletionHandler<Integer, ? super A> handler) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("send(MemorySegment) runs on the connection's event loop; use write or writeAsync elsewhere");
        }
        Objects.checkFromIndexSize(offset, length, data.byteSize());
        if (length > BufferPool.maxBytes()) {
            throw new IllegalArgumentException("one send holds at most " + BufferPool.maxBytes() + " bytes, given " + length);
        }
        if (length == 0) {
            if (handler != null) handler.completed(0, attachment);
            return;
        }
        @SuppressWarnings("unchecked")
        CompletionHandler<Object, Object> h = (CompletionHandler<Object, Object>) (CompletionHandler<?, ?>) handler;
        send.send(data, offset, (int) length, attachment, h, this);
    }

    /**
     * Ends this side's output as {@link java.net.Socket#shutdownOutput} does, after every earlier
     * write (the SHUTDOWN is queued in their order): waits until they reached the kernel and the
     * FIN is on its way. Later writes fail with {@link java.nio.channels.ClosedChannelException}.
     * Idempotent.
     */
    public void shutdownOutput() throws IOException {
        CompletableFuture<Void> f = shutdownOutputAsync();
        Errors.await(f);
    }

    /** As {@link #shutdownOutput()}, completing once every earlier write and the SHUTDOWN went to the kernel. */
    public CompletableFuture<Void> shutdownOutputAsync() {
        TcpFuture<Integer> f = new TcpFuture<>(loop, g -> { }, this); // giving it up cuts no write
        if (state.closed) f.settleFailure(Errors.closed());
        else state.submit(f, () -> send.shutdownOutput(f));
        return f.thenApply(r -> null);
    }

    /**
     * Lets at most {@code bytes} wait in this connection's send queue (native memory) before
     * writes wait, uncopied, until it drained to half (a write larger than the limit goes alone).
     * 0 sends one write at a time. Default 4 MiB.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public TcpConnection sendQueueLimit(int bytes) {
        send.limit(bytes);
        return this;
    }

    /** See {@link #sendQueueLimit(int)}. */
    public int sendQueueLimit() {
        return send.limit();
    }

    // ------------------------------------------------------------------ socket options

    private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT,
            StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.TCP_NODELAY, UringSocketOptions.TCP_USER_TIMEOUT);

    /** The options {@link #getOption} and {@link #setOption} take. */
    public Set<SocketOption<?>> supportedOptions() {
        return OPTIONS;
    }

    /**
     * Sets a socket option through IORING_OP_URING_CMD under a 1 s linked timeout, falling back
     * to setsockopt(2) on the loop where the kernel cannot do it that way (field report 4).
     *
     * @throws UnsupportedOperationException if {@code option} is not in {@link #supportedOptions()}
     * @throws IllegalArgumentException      if {@code value} is null or negative
     */
    public <T> TcpConnection setOption(SocketOption<T> option, T value) throws IOException {
        Errors.await(setOptionAsync(option, value));
        return this;
    }

    /** A socket option's value, as getsockopt(2) reports it; see {@link #setOption}. */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return Errors.await(getOptionAsync(option));
    }

    public <T> CompletableFuture<Void> setOptionAsync(SocketOption<T> option, T value) {
        if (state.closed) return CompletableFuture.failedFuture(Errors.closed());
        return SocketOptionRequests.set(state.requests, this, OPTIONS, option, value, SocketOptionRequests.Route.COMMAND,
                SocketOptionRequests.TIMEOUT);
    }

    public <T> CompletableFuture<T> getOptionAsync(SocketOption<T> option) {
        if (state.closed) return CompletableFuture.failedFuture(Errors.closed());
        return SocketOptionRequests.get(state.requests, this, OPTIONS, option, SocketOptionRequests.Route.COMMAND,
                SocketOptionRequests.TIMEOUT);
    }

    // ------------------------------------------------------------------ close

    /** The peer's address. */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /**
     * The address this side of the connection is bound to (as {@code getsockname(2)} reports it).
     *
     * @throws java.nio.channels.ClosedChannelException if the connection is closed
     */
    @Override
    public InetSocketAddress getLocalAddress() throws IOException {
        if (state.closed) throw Errors.closed();
        InetSocketAddress known = local;
        if (known != null) return known;
        if (loop.inEventLoop()) {
            known = LocalAddress.of(fd, this); // the loop owns the fd: it cannot close meanwhile
        } else {
            CompletableFuture<InetSocketAddress> f = new CompletableFuture<>();
            loop.runOnLoop(() -> {
                try {
                    if (state.closed) f.completeExceptionally(Errors.closed());
                    else f.complete(LocalAddress.of(fd, this));
                } catch (IOException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            known = Errors.await(f);
        }
        local = known;
        return known;
    }

    /**
     * A connection is bound by its connect or accept (choose the local address with
     * {@link #connect(EventLoopGroup, InetSocketAddress, InetSocketAddress, Duration)}): binding
     * again is refused, as {@link java.nio.channels.SocketChannel#bind} refuses it on a connected channel.
     *
     * @throws AlreadyBoundException always, on an open connection
     * @throws java.nio.channels.ClosedChannelException if the connection is closed
     */
    @Override
    public TcpConnection bind(SocketAddress local) throws IOException {
        if (state.closed) throw Errors.closed();
        throw new AlreadyBoundException();
    }

    /**
     * This connection as an {@link AsynchronousByteChannel}: its reads are {@link #readAsync},
     * its writes {@link #writeAsync} (one read may wait at a time, a second fails with
     * {@link java.nio.channels.ReadPendingException}; writes queue in order); handlers run on the
     * connection's loop thread, and closing the view closes the connection.
     */
    public AsynchronousByteChannel asAsynchronousByteChannel() {
        return new TcpAsyncChannel(this);
    }

    @Override
    public boolean isOpen() {
        return !state.closed;
    }

    /**
     * How long {@link #close()} lets writes already made reach the kernel before it aborts
     * (SO_LINGER's role; the kernel still sends what it holds after the fd closed, as TCP always
     * does). Zero makes {@code close()} an {@link #abort()}. Default 10 s.
     *
     * @throws IllegalArgumentException if {@code timeout} is null or negative
     */
    public TcpConnection closeTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("a close timeout is zero or positive, given " + timeout);
        }
        state.closeTimeout = timeout;
        return this;
    }

    /** See {@link #closeTimeout(Duration)}. */
    public Duration closeTimeout() {
        return state.closeTimeout;
    }

    /**
     * Closes gracefully: refuses new requests, fails a pending read, lets every write already
     * made reach the kernel (at most {@link #closeTimeout()}; past it the connection is aborted,
     * its remaining writes fail and the peer gets a reset), then cancels the connection's
     * requests, waits for their completions and closes the fd. Waits for all of that (an interrupt
     * turns it into an {@link #abort()}, and the interrupt status is kept); on the loop thread it
     * starts the close and returns. Idempotent.
     */
    @Override
    public void close() throws IOException {
        state.lifecycle.awaitClose(closeAsync(), state.closeTimeout);
    }

    /** As {@link #close()}, without waiting: the future completes once the fd is closed. */
    public CompletableFuture<Integer> closeAsync() {
        return state.lifecycle.start(false);
    }

    /**
     * Closes at once: writes not yet in the kernel and those under way fail with
     * {@link java.nio.channels.AsynchronousCloseException}, what the kernel holds is dropped and
     * the peer gets a reset (SO_LINGER 0), then the fd closes as in {@link #close()}.
     * Idempotent; also ends a graceful close that is still waiting.
     */
    public void abort() throws IOException {
        Errors.awaitClose(state.lifecycle.start(true), this);
    }

    @Override
    public String toString() {
        return state.toString();
    }
}
