package io.uring4j.runtime;

import io.uring4j.core.SocketConstants;
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
import java.util.Map;
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
    /** Whether {@link #receive} was called: a second call is refused on its own thread. */
    private final java.util.concurrent.atomic.AtomicBoolean receiverClaimed = new java.util.concurrent.atomic.AtomicBoolean();
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

    /**
     * Connects to {@code remote} on the next loop of {@code group}, failing after {@code timeout}:
     * the blocking form of {@link #connectAsync(EventLoop, InetSocketAddress, Duration)}. A
     * failed, timed-out or interrupted connect leaves no socket open.
     *
     * @param group   the group whose next loop serves the connection
     * @param remote  the address to connect to, resolved
     * @param timeout how long the connect may take, positive; null: no deadline but the kernel's
     *                own (its SYN retries)
     * @return the connection, registered with its loop and ready for reads and writes
     * @throws java.net.ConnectException the peer refused the connection, or the kernel's own
     *         connect timed out (ECONNREFUSED, ETIMEDOUT)
     * @throws java.nio.channels.InterruptedByTimeoutException {@code timeout} passed first
     * @throws java.io.InterruptedIOException the thread was interrupted: the call gives up at
     *         once, the connect's completion closes the socket, the interrupt status is kept
     * @throws java.nio.channels.ClosedChannelException the loop is closed
     * @throws IllegalArgumentException {@code remote} is unresolved, or {@code timeout} is zero
     *         or negative
     * @throws IllegalStateException called on an event loop's thread, where it would have to
     *         wait (use {@link #connectAsync(EventLoop, InetSocketAddress, Duration)} there)
     * @throws IOException the connect failed otherwise ({@link java.net.NoRouteToHostException},
     *         a {@link java.net.SocketException} such as "Network is unreachable"), or no socket
     *         could be made; the message names the address and the errno
     */
    public static TcpConnection connect(EventLoopGroup group, InetSocketAddress remote, Duration timeout) throws IOException {
        return Errors.await(connectAsync(group.next(), remote, timeout));
    }

    /**
     * As {@link #connect(EventLoopGroup, InetSocketAddress, Duration)} from the local address
     * {@code local} (port 0: any free port), as {@code new Socket(host, port, localAddr, localPort)}
     * binds before it connects. A local address in use fails with {@link java.net.BindException}.
     *
     * @param group   the group whose next loop serves the connection
     * @param remote  the address to connect to, resolved
     * @param local   the address to bind to first, resolved and of {@code remote}'s family (IPv4
     *                or IPv6); port 0: any free port; null: chosen by the kernel at connect
     * @param timeout how long the connect may take, positive; null: no deadline but the kernel's
     * @return the connection, bound to {@code local}
     * @throws java.net.BindException {@code local} is in use, not an address of this host, or
     *         its port needs privileges (EADDRINUSE, EADDRNOTAVAIL, EACCES)
     * @throws IllegalArgumentException {@code local} is unresolved or of another family than {@code remote}
     * @throws IOException the connect failed, timed out or was interrupted, as for
     *         {@link #connect(EventLoopGroup, InetSocketAddress, Duration)}
     */
    public static TcpConnection connect(EventLoopGroup group, InetSocketAddress remote, InetSocketAddress local, Duration timeout)
            throws IOException {
        return Errors.await(connectAsync(group.next(), remote, local, timeout));
    }

    /**
     * As {@link #connect(EventLoopGroup, InetSocketAddress, InetSocketAddress, Duration)}, the
     * socket first given {@code options} (from {@link #supportedOptions()}), as a JDK socket's
     * options are set before {@code connect}: SO_RCVBUF, for one, sizes the window the handshake
     * announces, and SO_REUSEADDR must come before the bind to {@code local} (null: none).
     *
     * @param group   the group whose next loop runs the connection
     * @param remote  the address to connect to, resolved
     * @param local   the local address to bind first (port 0: any free port), or null
     * @param options the options to set before connecting, each once; empty for none
     * @param timeout the connect's deadline, positive; null: none
     * @return the connected connection, with those options set
     * @throws UnsupportedOperationException an option is not in {@link #supportedOptions()}
     * @throws IllegalArgumentException a value is null, negative or of the wrong type, or as for
     *         the connect without options
     * @throws IOException as for the connect without options, or setsockopt(2) refused an option
     */
    public static TcpConnection connect(EventLoopGroup group, InetSocketAddress remote, InetSocketAddress local,
                                        Map<SocketOption<?>, ?> options, Duration timeout) throws IOException {
        int[] encoded = SocketOptionRequests.encodeAll(options, OPTIONS); // on this thread: a bad option makes no socket
        return Errors.await(connectAsync(group.next(), remote, local, encoded, timeout));
    }

    /**
     * CONNECT guarded by a linked timeout (null: none); the socket is closed if the connect fails
     * or times out. A loop at its operation limit refuses it before any socket exists
     * ({@link java.util.concurrent.RejectedExecutionException}).
     *
     * <p>Any thread, the loop's included. Cancelling the future gives the connect up: the call
     * is not cut short in the kernel, and its completion closes the socket nobody waits for.
     *
     * @param loop    the loop that makes the socket, runs the connect and then serves the
     *                connection
     * @param remote  the address to connect to, resolved
     * @param timeout the connect's deadline, positive, as a linked timeout in the kernel; null:
     *                none but the kernel's own
     * @return a future of the connection; it fails with the exceptions listed for
     *         {@link #connect(EventLoopGroup, InetSocketAddress, Duration)} (all but the
     *         interrupt and the loop-thread refusal), the unchecked ones included
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
     * @param loop    the loop that makes the socket, runs the connect and then serves the
     *                connection
     * @param remote  the address to connect to, resolved
     * @param local   the address to bind to first, of {@code remote}'s family (port 0: any free
     *                port), or null
     * @param timeout the connect's deadline, positive; null: none but the kernel's own
     * @return a future of the connection; a bind that fails completes it with
     *         {@link java.net.BindException}, and nothing is left open
     * @throws IllegalArgumentException (in the future) an address is unresolved, the two are of
     *         different families, or {@code timeout} is zero or negative
     */
    public static CompletableFuture<TcpConnection> connectAsync(EventLoop loop, InetSocketAddress remote, InetSocketAddress local,
                                                                Duration timeout) {
        return connectAsync(loop, remote, local, NO_OPTIONS, timeout);
    }

    private static final int[] NO_OPTIONS = {};

    private static CompletableFuture<TcpConnection> connectAsync(EventLoop loop, InetSocketAddress remote, InetSocketAddress local,
                                                                 int[] options, Duration timeout) {
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
        int family = remote.getAddress() instanceof java.net.Inet6Address ? SocketConstants.AF_INET6 : SocketConstants.AF_INET;
        return loop.submit(f -> {
            LoopSocket.connect(loop, f, CONNECTED, family, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_CLOEXEC, options, local,
                    remote, timeout);
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
     * Any thread; reads and writes that start later use the new value.
     *
     * @param timeout the deadline, positive; null for none
     * @return this connection
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public TcpConnection timeout(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a timeout must be positive, given " + timeout);
        }
        this.defaultTimeout = timeout;
        return this;
    }

    /** {@return the deadline of blocking reads and writes that name none, or null} */
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
     *
     * <p>A second receiver is refused with {@link IllegalStateException} on the calling thread.
     * One set while a read is pending is refused on the loop: thrown to a caller on the loop
     * thread when the call runs at once, logged ({@code io.uring4j.runtime}) otherwise. Once a receiver is set, reads fail
     * with {@link IllegalStateException}. On a connection already closed the receiver is never
     * called.
     *
     * @param r the receiver, not null
     * @throws NullPointerException if {@code r} is null
     * @throws IllegalStateException a receiver was set already, or the connection's loop is closed
     */
    public void receive(TcpReceiver r) {
        Objects.requireNonNull(r, "receiver");
        if (!receiverClaimed.compareAndSet(false, true)) {
            throw new IllegalStateException("a receiver is already set on " + this + ": a connection has one");
        }
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
     * If the loop had already started copying bytes into {@code dst} when the deadline passed
     * or the interrupt came, the read returns them instead (the interrupt status is kept).
     *
     * @param dst     the buffer to fill, writable: bytes land from its position on, up to its
     *                limit, and the position is advanced past them
     * @param timeout how long to wait for data, positive; null: no deadline
     * @return the number of bytes read, 0 only if {@code dst} has no room, or -1 at end of
     *         stream (the peer shut its output, or {@link #shutdownInput()} was called)
     * @throws java.nio.channels.InterruptedByTimeoutException nothing arrived within
     *         {@code timeout}
     * @throws java.io.InterruptedIOException the thread was interrupted while it waited
     * @throws java.nio.channels.ClosedChannelException the connection was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the connection was closed while the
     *         read waited
     * @throws java.nio.channels.ReadPendingException another read is waiting
     * @throws IllegalArgumentException {@code dst} is read-only, or its position is past its
     *         limit, or {@code timeout} is zero or negative (nothing is read)
     * @throws IllegalStateException a {@link #receive(TcpReceiver) receiver} gets this
     *         connection's bytes, or the call was made on an event loop's thread and would have
     *         to wait there
     * @throws IOException the receive failed: a reset is a {@link java.net.SocketException}
     *         "Connection reset", with the address and the errno in the message
     */
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        AsyncFile.positive(timeout); // before the read takes its place: a refused call reads nothing
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
     *
     * <p>Any thread, the loop's included. A result the loop delivers completes the future on
     * the loop thread, where the callbacks attached by then run (they must not block).
     *
     * @param dst the buffer to fill, writable; leave it alone until the future completes
     * @return a future of the count, 0 only if {@code dst} has no room, or -1 at end of stream;
     *         it fails as {@link #read(ByteBuffer, Duration)} throws, apart from the deadline,
     *         the interrupt and the loop-thread refusal
     */
    public CompletableFuture<Integer> readAsync(ByteBuffer dst) {
        return receive.readAsync(dst, this);
    }

    /**
     * Ends this side's input as {@link java.net.Socket#shutdownInput} does: reads return -1 from
     * now on, a receiver gets its end, and bytes received but not read, or arriving later, are
     * dropped. The kernel gets SHUT_RD. Idempotent. Waits until the kernel has done it; a
     * read waiting meanwhile returns -1.
     *
     * @throws java.nio.channels.ClosedChannelException the connection is closed
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the kernel refused the SHUTDOWN (a peer already gone is not an error)
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
     *
     * @param src     the bytes to send: from its position to its limit, at most 16 MiB; its
     *                position is advanced past them once they are copied
     * @param timeout how long to wait until the kernel took every byte, positive; null: no deadline
     * @return the count, {@code src}'s remaining bytes (never a short write)
     * @throws java.nio.channels.InterruptedByTimeoutException {@code timeout} passed first
     * @throws java.io.InterruptedIOException the thread was interrupted (the status is kept)
     * @throws java.nio.channels.ClosedChannelException the connection was closed, or its output
     *         shut down, before the write was queued
     * @throws java.nio.channels.AsynchronousCloseException the connection was aborted (by
     *         {@link #abort()}, or by a close whose {@link #closeTimeout()} passed) before the
     *         write went out
     * @throws IllegalArgumentException {@code src} holds more than 16 MiB, or its position is
     *         past its limit, or {@code timeout} is zero or negative (nothing is sent)
     * @throws IllegalStateException an earlier write was given up (the output is unusable), or
     *         the call was made on an event loop's thread and would have to wait there
     * @throws IOException the send failed: {@link java.net.SocketException} "Broken pipe" or
     *         "Connection reset" with the address and the errno
     */
    public int write(ByteBuffer src, Duration timeout) throws IOException {
        AsyncFile.positive(timeout); // before the write is queued: a refused call sends nothing
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
     *
     * <p>Any thread, the loop's included; writes from several threads go out in the order the
     * loop received them, each whole.
     *
     * @param src the bytes to send, from its position to its limit, at most 16 MiB
     * @return a future of the count (all of {@code src}'s remaining bytes, 0 at once for an
     *         empty buffer); it fails as {@link #write(ByteBuffer, Duration)} throws, apart from
     *         the deadline, the interrupt and the loop-thread refusal
     */
    public CompletableFuture<Integer> writeAsync(ByteBuffer src) {
        return send.writeAsync(src, this);
    }

    /**
     * {@link #send(MemorySegment, long, long)} of all of {@code data}.
     *
     * @param data the bytes to send, at most 16 MiB
     * @throws IllegalStateException as {@link #send(MemorySegment, long, long)}
     * @throws IllegalArgumentException {@code data} holds more than 16 MiB
     */
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
     * @param data   the segment holding the bytes, from any arena: it is read before this
     *               returns (unless it is the receive buffer being delivered, see above)
     * @param offset where the bytes start in {@code data}, 0 or more
     * @param length how many bytes to send, 0 (nothing is done) to 16 MiB, with
     *               {@code offset + length} at most {@code data}'s size
     * @throws IllegalStateException if called off the loop, after {@link #shutdownOutput()}, or
     *                               once a given-up write made the output unusable
     * @throws IndexOutOfBoundsException {@code offset} and {@code length} do not fit in {@code data}
     * @throws IllegalArgumentException {@code length} is over 16 MiB
     */
    public void send(MemorySegment data, long offset, long length) {
        send(data, offset, length, null, null);
    }

    /**
     * As {@link #send(MemorySegment, long, long)}, and {@code handler} hears, on the loop thread,
     * when the kernel has taken every byte (the count) or the send failed (the connection is then
     * not aborted: the handler decides). A closed connection fails it at once with
     * {@link java.nio.channels.ClosedChannelException}; a close under way with
     * {@link java.nio.channels.AsynchronousCloseException}. A handler that throws is logged
     * ({@code io.uring4j.runtime}).
     *
     * @param <A>        the attachment's type
     * @param data       the segment holding the bytes, as for {@link #send(MemorySegment, long, long)}
     * @param offset     where the bytes start in {@code data}, 0 or more
     * @param length     how many bytes to send, 0 (the handler completes at once with 0) to 16 MiB
     * @param attachment passed to {@code handler} as is; may be null
     * @param handler    told the count or the failure, on the loop thread; null: none, as
     *                   {@link #send(MemorySegment, long, long)}
     * @throws IllegalStateException as {@link #send(MemorySegment, long, long)}
     * @throws IndexOutOfBoundsException {@code offset} and {@code length} do not fit in {@code data}
     * @throws IllegalArgumentException {@code length} is over 16 MiB
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
     * Idempotent. The blocking form of {@link #shutdownOutputAsync()}.
     *
     * @throws java.nio.channels.ClosedChannelException the connection is closed
     * @throws java.nio.channels.AsynchronousCloseException the connection was closed before the
     *         SHUTDOWN went out
     * @throws IllegalStateException an earlier write was given up (the output is unusable), or
     *         the call was made on an event loop's thread and would have to wait there
     * @throws IOException the SHUTDOWN failed (the message names the errno)
     */
    public void shutdownOutput() throws IOException {
        CompletableFuture<Void> f = shutdownOutputAsync();
        Errors.await(f);
    }

    /**
     * As {@link #shutdownOutput()}, completing once every earlier write and the SHUTDOWN went to
     * the kernel. Any thread, the loop's included.
     *
     * @return a future completed with null once the FIN is on its way; it fails as
     *         {@link #shutdownOutput()} throws, apart from the loop-thread refusal
     */
    public CompletableFuture<Void> shutdownOutputAsync() {
        TcpFuture<Integer> f = new TcpFuture<>(loop, g -> { }, this); // giving it up cuts no write
        if (state.closed) f.settleFailure(Errors.closed());
        else state.submit(f, () -> send.shutdownOutput(f));
        return f.thenApply(r -> null);
    }

    /**
     * Lets at most {@code bytes} wait in this connection's send queue (native memory) before
     * writes wait, uncopied, until it drained to half (a write larger than the limit goes alone).
     * 0 sends one write at a time. Default 4 MiB. Any thread; writes admitted later keep to the
     * new limit.
     *
     * @param bytes the limit in bytes, 0 or more
     * @return this connection
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public TcpConnection sendQueueLimit(int bytes) {
        send.limit(bytes);
        return this;
    }

    /** {@return the bytes the send queue may hold before writes wait} See {@link #sendQueueLimit(int)}. */
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

    /**
     * As {@link #setOption}, without waiting. Any thread, the loop's included.
     *
     * @param <T>    the option's value type
     * @param option the option, one of {@link #supportedOptions()}
     * @param value  its new value, not null; integers 0 or more
     * @return a future completed with null once the kernel has set it; it fails with
     *         {@link UnsupportedOperationException} or {@link IllegalArgumentException} as
     *         {@link #setOption} throws them, {@link java.nio.channels.ClosedChannelException} on
     *         a closed connection, or the {@link IOException} of setsockopt(2)
     */
    public <T> CompletableFuture<Void> setOptionAsync(SocketOption<T> option, T value) {
        if (state.closed) return CompletableFuture.failedFuture(Errors.closed());
        return SocketOptionRequests.set(state.requests, this, OPTIONS, option, value, SocketOptionRequests.Route.COMMAND,
                SocketOptionRequests.TIMEOUT);
    }

    /**
     * As {@link #getOption}, without waiting. Any thread, the loop's included.
     *
     * @param <T>    the option's value type
     * @param option the option, one of {@link #supportedOptions()}
     * @return a future of the value; it fails with {@link UnsupportedOperationException} for an
     *         option not supported, {@link java.nio.channels.ClosedChannelException} on a closed
     *         connection, or the {@link IOException} of getsockopt(2)
     */
    public <T> CompletableFuture<T> getOptionAsync(SocketOption<T> option) {
        if (state.closed) return CompletableFuture.failedFuture(Errors.closed());
        return SocketOptionRequests.get(state.requests, this, OPTIONS, option, SocketOptionRequests.Route.COMMAND,
                SocketOptionRequests.TIMEOUT);
    }

    // ------------------------------------------------------------------ close

    /** {@return the peer's address} Known from the connect or the accept; also after a close. */
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
     *
     * @return a new view of this connection; views share the connection's one pending read
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
     * does). Zero makes {@code close()} an {@link #abort()}. Default 10 s. Any thread; a close
     * already begun keeps the value it started with.
     *
     * @param timeout how long a graceful close may wait for the writes, zero or positive
     * @return this connection
     * @throws IllegalArgumentException if {@code timeout} is null or negative
     */
    public TcpConnection closeTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("a close timeout is zero or positive, given " + timeout);
        }
        state.closeTimeout = timeout;
        return this;
    }

    /** {@return how long {@link #close()} lets the writes reach the kernel} See {@link #closeTimeout(Duration)}. */
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

    /**
     * As {@link #close()}, without waiting: the future completes once the fd is closed. Any
     * thread, the loop's included; an interrupt plays no part.
     *
     * @return a future that completes once the fd is closed (its value carries no meaning), at
     *         once if the loop is already closed (its shutdown closed the fd); it fails only with
     *         the close's own {@link IOException}
     */
    public CompletableFuture<Integer> closeAsync() {
        return state.lifecycle.start(false);
    }

    /**
     * Closes at once: writes not yet in the kernel and those under way fail with
     * {@link java.nio.channels.AsynchronousCloseException}, what the kernel holds is dropped and
     * the peer gets a reset (SO_LINGER 0), then the fd closes as in {@link #close()}.
     * Idempotent; also ends a graceful close that is still waiting. Waits for the fd's close
     * (at most 30 s, not cut short by an interrupt, whose status is kept); on a loop thread it
     * starts the abort and returns.
     *
     * @throws IOException the fd's close failed, or did not complete within 30 s
     */
    public void abort() throws IOException {
        Errors.awaitClose(state.lifecycle.start(true), this);
    }

    /**
     * The connection, its loop, and (for a report of a stalled conversation) what its receive
     * and send sides are doing: read from another thread these are a moment's snapshot.
     */
    @Override
    public String toString() {
        return state + " {" + receive.describe() + "; " + send.describe() + "}";
    }
}
