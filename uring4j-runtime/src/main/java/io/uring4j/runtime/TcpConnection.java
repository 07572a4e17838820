package io.uring4j.runtime;

import io.uring4j.core.CqeFlag;
import io.uring4j.core.SocketAddresses;
import io.uring4j.core.Sqe;
import io.uring4j.core.SqeFlag;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A TCP connection served by one {@link EventLoop}.
 *
 * <p><b>Receiving</b>: a multishot recv fills buffers of the loop's provided-buffer ring; a
 * buffer stays with this connection until the user has read it. When the user falls behind
 * ({@link #MAX_HELD} buffers held) the receive is cancelled and re-armed only once the user
 * has caught up: backpressure instead of unbounded memory.
 *
 * <p><b>Sending</b> (field report 3): writes go into a per-connection queue; the queued messages go
 * out as one IOSQE_IO_LINK chain, and the next chain only after the previous one completed; a
 * short send is resumed before anything after it. Bytes reach the peer in the order the
 * {@code write} calls were made, from any number of threads.
 *
 * <p><b>Closing</b>: {@link #close()} cancels the connection's requests, waits for all of their
 * completions, then closes the fd; no request can outlive the fd, and no memory is freed early.
 */
public final class TcpConnection implements AutoCloseable, EventLoop.Resource {
    static final int MAX_HELD = 16;
    private static final int MSG_NOSIGNAL = 0x4000, MSG_WAITALL = 0x100;
    private static final int RECV_MULTISHOT = 1 << 1, CANCEL_FD = 1 << 1, CANCEL_ALL = 1 << 0;
    private static final int ENOBUFS = 105, ECANCELED = 125;
    /** Scratch offset of a send's start within its buffer (not 0 only for a taken-over receive buffer). */
    private static final long SEND_OFFSET = 0;

    final EventLoop loop;
    final int fd;
    private final InetSocketAddress remote;
    private volatile boolean closed;

    // ---- loop-thread state: receive ----
    private int[] heldBid = new int[2 * MAX_HELD];
    private int[] heldLen = new int[2 * MAX_HELD];
    private int heldOffset;       // bytes of the first held buffer already read
    private int heldFirst, heldCount;
    private boolean recvArmed, recvStopping, eof;
    private Exception recvError;
    private Operation recvOp;
    private CompletableFuture<Integer> reader;
    private TcpReceiver receiver;
    private boolean endDelivered;
    private ByteBuffer readerDst;

    // ---- loop-thread state: send ----
    /** This connection as the shared send queue and option requests see it. */
    private final LoopSocket requests;
    private final OrderedSendQueue sends;

    // ---- loop-thread state: lifecycle ----

    TcpConnection(EventLoop loop, int fd, InetSocketAddress remote) {
        this.loop = loop;
        this.fd = fd;
        this.remote = remote;
        this.requests = new LoopSocket(loop, fd, () -> closed, this::returnHeldBuffers, () -> remote, () -> {
            if (!closed) closeAsync();
        });
        this.sends = new OrderedSendQueue(requests, this::prepareSend, true, "send");
    }

    // ------------------------------------------------------------------ connect

    /** Connects to {@code remote} on the next loop of {@code group}, failing after {@code timeout}. */
    public static TcpConnection connect(EventLoopGroup group, InetSocketAddress remote, Duration timeout) throws IOException {
        return Errors.await(connectAsync(group.next(), remote, timeout));
    }

    /** CONNECT guarded by a linked timeout; the socket is closed if the connect fails or times out. */
    public static CompletableFuture<TcpConnection> connectAsync(EventLoop loop, InetSocketAddress remote, Duration timeout) {
        if (remote.isUnresolved()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unresolved address " + remote));
        }
        int family = remote.getAddress() instanceof java.net.Inet6Address ? Posix.AF_INET6 : Posix.AF_INET;
        return loop.submit(f -> {
            int fd = Posix.socket(family, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                f.completeExceptionally(Errors.of(fd, "socket", remote, false));
                return;
            }
            Operation op = loop.acquire(CONNECTED, f);
            op.context = new Object[] {remote, fd};
            int len = SocketAddresses.write(op.scratch, remote);
            Sqe sqe = loop.sqe().prepConnect(fd, op.scratch, len)
                    .userData(op.userData(UserData.TAG_MAIN));
            if (timeout != null) loop.linkTimeout(op, sqe, timeout);
            loop.started(op, timeout != null);
        });
    }

    private static final Operation.Completion CONNECTED = (loop, op, res, flags, more) -> {
        Object[] ctx = (Object[]) op.context;
        InetSocketAddress remote = (InetSocketAddress) ctx[0];
        int fd = (Integer) ctx[1];
        if (res < 0) {
            Posix.close(fd);
            op.future.completeExceptionally(Errors.of(res, "connect", remote, EventLoop.timedOut(op, res)));
            return;
        }
        TcpConnection c = new TcpConnection(loop, fd, remote);
        if (op.future.complete(c)) {
            loop.register(c);
        } else {
            Posix.close(fd);
        }
    };

    // ------------------------------------------------------------------ receive

    /**
     * Switches the connection to push mode: {@code r} gets what was already received and then
     * every later byte, on the loop thread, and may answer at once with {@link #send}: no thread
     * hand-off and no future per message (what an echo or proxy loop wants). The receiver does its
     * own flow control (the read path's backpressure does not apply). Set once; from any thread.
     */
    public void receive(TcpReceiver r) {
        java.util.Objects.requireNonNull(r, "receiver");
        loop.execute(() -> {
            if (receiver != null || reader != null) {
                throw new IllegalStateException("a receiver is already set or a read is pending on " + this);
            }
            receiver = r;
            pushHeld();
            if (!recvArmed && !closed) rearmReceive();
        });
    }

    /** Push mode: the receive buffer being handed to the receiver (-1: none), and whether a send took it over. */
    private int pushing = -1;
    private boolean pushLent;

    /** Push mode: hands held buffers (and then the end, if seen) to the receiver and recycles them. */
    private void pushHeld() {
        RecvBuffers rb = loop.recvBuffers();
        while (heldCount > 0 && !closed) {
            int bid = heldBid[heldFirst], len = heldLen[heldFirst], off = heldOffset;
            heldOffset = 0;
            heldFirst = (heldFirst + 1) % heldBid.length;
            heldCount--;
            pushing = bid;
            pushLent = false;
            try {
                receiver.onData(this, rb.buffer(bid), off, len - off);
            } catch (RuntimeException e) {
                System.err.println("uring4j: the receiver of " + this + " failed, closing it: " + e);
                closeAsync();
            } finally {
                pushing = -1;
                if (!pushLent) rb.recycle(bid);
            }
        }
        if ((eof || recvError != null) && !endDelivered && !closed) {
            endDelivered = true;
            receiver.onEnd(this, recvError);
        }
    }

    /** Reads what has arrived into {@code dst} (waiting for data); the count, or -1 at end of stream. */
    public int read(ByteBuffer dst) throws IOException {
        return Errors.await(readAsync(dst));
    }

    /**
     * As {@link #read(ByteBuffer)}, failing with {@link java.nio.channels.InterruptedByTimeoutException}
     * when nothing arrives within {@code timeout}. The receive is one multishot request shared by
     * every read, so the deadline is the read's, not a kernel request's: the receive stays armed
     * and bytes that arrive later wait for the next read.
     */
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        CompletableFuture<Integer> f = readAsync(dst);
        try {
            return f.get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            loop.execute(() -> {
                if (reader == f) {
                    reader = null;
                    readerDst = null;
                }
            });
            if (!f.cancel(false) && f.isDone() && !f.isCompletedExceptionally()) {
                return f.join(); // completed just as the deadline passed
            }
            throw new java.nio.channels.InterruptedByTimeoutException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new java.io.InterruptedIOException("interrupted while reading from " + this);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        }
    }

    public CompletableFuture<Integer> readAsync(ByteBuffer dst) {
        if (closed) return CompletableFuture.failedFuture(Errors.closed());
        if (dst.isReadOnly()) return CompletableFuture.failedFuture(new IllegalArgumentException("read into a read-only buffer"));
        return loop.submit(f -> {
            if (receiver != null) {
                f.completeExceptionally(new IllegalStateException("a receiver gets the bytes of " + this));
                return;
            }
            if (reader != null) {
                f.completeExceptionally(new IllegalStateException("a read is already pending on " + this));
                return;
            }
            if (!dst.hasRemaining()) {
                f.complete(0);
                return;
            }
            if (heldCount > 0) {
                f.complete(drainInto(dst));
            } else if (recvError != null) {
                f.completeExceptionally(recvError);
            } else if (eof) {
                f.complete(-1);
            } else {
                reader = f;
                readerDst = dst;
                if (!recvArmed) rearmReceive();
            }
        });
    }

    /** Copies held bytes into {@code dst}, recycling emptied buffers; re-arms if below the limit. */
    private int drainInto(ByteBuffer dst) {
        RecvBuffers rb = loop.recvBuffers();
        MemorySegment out = MemorySegment.ofBuffer(dst);
        int copied = 0;
        while (heldCount > 0 && copied < out.byteSize()) {
            int bid = heldBid[heldFirst];
            int avail = heldLen[heldFirst] - heldOffset;
            int n = (int) Math.min(avail, out.byteSize() - copied);
            MemorySegment.copy(rb.buffer(bid), heldOffset, out, copied, n);
            copied += n;
            if (n == avail) {
                heldOffset = 0;
                heldFirst = (heldFirst + 1) % heldBid.length;
                heldCount--;
                rb.recycle(bid);
            } else {
                heldOffset += n;
            }
        }
        dst.position(dst.position() + copied);
        if (!recvArmed && !eof && recvError == null && heldCount <= MAX_HELD / 2 && !closed) {
            rearmReceive();
        }
        return copied;
    }

    private void growHeld() {
        int n = heldBid.length;
        int[] bids = new int[2 * n];
        int[] lens = new int[2 * n];
        for (int i = 0; i < heldCount; i++) {
            bids[i] = heldBid[(heldFirst + i) % n];
            lens[i] = heldLen[(heldFirst + i) % n];
        }
        heldBid = bids;
        heldLen = lens;
        heldFirst = 0;
    }

    /** (Re)starts the multishot receive. Loop thread. */
    void rearmReceive() {
        if (recvArmed || closed || eof || loop.isClosing()) return; // a closing loop cancels, never re-arm
        loop.recvBuffers(); // the buffer group must be registered before a BUFFER_SELECT recv reaches the kernel
        Operation op = loop.acquire(RECEIVED, null);
        op.context = this;
        loop.sqe().prepRecvMultishot(fd, MemorySegment.NULL, 0, 0).flag(SqeFlag.BUFFER_SELECT)
                .bufGroup(RecvBuffers.GROUP).userData(op.userData(UserData.TAG_MAIN));
        loop.started(op, false);
        recvOp = op;
        recvArmed = true;
        recvStopping = false;
        requests.requestStarted();
    }

    private static final Operation.Completion RECEIVED = (loop, op, res, flags, more) -> {
        TcpConnection c = (TcpConnection) op.context;
        c.onReceive(res, flags, more);
    };

    private void onReceive(int res, int flags, boolean more) {
        RecvBuffers rb = loop.recvBuffers();
        if (res > 0 && (flags & CqeFlag.BUFFER.mask()) != 0) {
            int bid = flags >>> CqeFlag.BUFFER_SHIFT;
            rb.taken();
            if (closed) {
                rb.recycle(bid);
            } else {
                if (heldCount == heldBid.length) growHeld(); // CQEs racing a cancel may exceed the limit
                int slot = (heldFirst + heldCount) % heldBid.length;
                heldBid[slot] = bid;
                heldLen[slot] = res;
                heldCount++;
                if (heldCount >= MAX_HELD && more && !recvStopping) {
                    recvStopping = true; // the user is not keeping up: stop receiving for now
                    loop.cancel(recvOp);
                }
            }
        } else if (res == 0) {
            eof = true;
        } else if (res == -ENOBUFS) {
            // Wait for a buffer to come back, unless some are there already (a race with recycling).
            if (!more && !closed) rb.starved(this); // the loop re-arms it before its next enter if buffers are back
        } else if (res < 0 && res != -ECANCELED) {
            recvError = Errors.of(res, "recv", remote, false);
        }
        if (!more) {
            recvArmed = false;
            recvOp = null;
        }
        if (receiver != null) pushHeld();
        if (reader != null && (heldCount > 0 || eof || recvError != null)) {
            CompletableFuture<Integer> r = reader;
            ByteBuffer dst = readerDst;
            reader = null;
            readerDst = null;
            if (heldCount > 0) r.complete(drainInto(dst));
            else if (recvError != null) r.completeExceptionally(recvError);
            else r.complete(-1);
        }
        if (!more && !closed && !eof && recvError == null && heldCount < MAX_HELD && res != -ENOBUFS) {
            rearmReceive();
        }
        if (!more) requests.requestEnded(); // the last request of a closing connection closes the fd
        else requests.closeIfIdle();
    }

    // ------------------------------------------------------------------ send

    /** Sends all of {@code src}, in order after every earlier write; waits until the kernel took it. */
    public void write(ByteBuffer src) throws IOException {
        Errors.await(writeAsync(src));
    }

    /**
     * Queues all of {@code src}'s remaining bytes behind every earlier write and completes with
     * the count once the kernel has sent them. As with NIO's asynchronous channels, leave
     * {@code src} alone until the future completes (its bytes are copied into native memory on
     * the loop, and its position is advanced there).
     */
    public CompletableFuture<Integer> writeAsync(ByteBuffer src) {
        if (closed) return CompletableFuture.failedFuture(Errors.closed());
        int len = src.remaining();
        if (len == 0) return CompletableFuture.completedFuture(0);
        if (len > BufferPool.maxBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "one write holds at most " + BufferPool.maxBytes() + " bytes, given " + len));
        }
        return loop.submit(f -> {
            if (closed) {
                f.completeExceptionally(Errors.closed());
                return;
            }
            Operation op = sends.acquire(f, len);
            op.buffer = loop.buffers().acquire(len);
            op.scratch.set(JAVA_LONG, SEND_OFFSET, 0);
            MemorySegment.copy(MemorySegment.ofBuffer(src), 0, op.buffer.segment, 0, len);
            src.position(src.position() + len);
            sends.add(op);
        });
    }

    /** {@link #send(MemorySegment, long, long)} of all of {@code data}. */
    public void send(MemorySegment data) {
        send(data, 0, data.byteSize());
    }

    /**
     * From the loop thread (a {@link TcpReceiver}'s callback): queues {@code length} bytes at
     * {@code offset} of {@code data} behind every earlier write, like {@link #writeAsync} without
     * a future. A send that fails closes the connection.
     *
     * <p>The bytes are copied, except when {@code data} is the receive buffer being delivered to
     * this connection's receiver right now (an echo, a proxy): then the send takes that buffer
     * over, and it goes back to the kernel only when the send has ended, as a C liburing echo
     * server does (no copy, and no second buffer per message in the cache).
     */
    public void send(MemorySegment data, long offset, long length) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("send(MemorySegment) runs on the connection's event loop; use write or writeAsync elsewhere");
        }
        java.util.Objects.checkFromIndexSize(offset, length, data.byteSize());
        if (length > BufferPool.maxBytes()) {
            throw new IllegalArgumentException("one send holds at most " + BufferPool.maxBytes() + " bytes, given " + length);
        }
        int len = (int) length;
        if (closed || len == 0) return;
        Operation op = sends.acquire(null, len);
        if (pushing >= 0 && !pushLent && data == loop.recvBuffers().buffer(pushing)) {
            pushLent = true; // the operation holds the receive buffer until its last CQE
            op.buffer = loop.recvBuffers().held(pushing);
            op.scratch.set(JAVA_LONG, SEND_OFFSET, offset);
        } else {
            op.buffer = loop.buffers().acquire(len);
            MemorySegment.copy(data, offset, op.buffer.segment, 0, len);
            op.scratch.set(JAVA_LONG, SEND_OFFSET, 0);
        }
        sends.add(op);
    }

    /** The SEND of {@code op}'s bytes from {@code sent} on (the queue links it and sets user_data). */
    private Sqe prepareSend(Operation op, int sent) {
        int remaining = OrderedSendQueue.length(op) - sent;
        long start = op.scratch.get(JAVA_LONG, SEND_OFFSET) + sent;
        return loop.sqe().prepSend(fd, op.buffer.segment, start, remaining, MSG_NOSIGNAL | MSG_WAITALL);
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
        return SocketOptionRequests.set(requests, OPTIONS, option, value, SocketOptionRequests.Route.COMMAND, SocketOptionRequests.TIMEOUT);
    }

    public <T> CompletableFuture<T> getOptionAsync(SocketOption<T> option) {
        return SocketOptionRequests.get(requests, OPTIONS, option, SocketOptionRequests.Route.COMMAND, SocketOptionRequests.TIMEOUT);
    }

    /** This connection as the option requests see it (tests choose the route). */
    LoopSocket requests() {
        return requests;
    }

    // ------------------------------------------------------------------ close

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Cancels this connection's requests, waits for their completions, then closes the fd. Idempotent. */
    @Override
    public void close() throws IOException {
        Errors.awaitClose(closeAsync(), this);
    }

    public CompletableFuture<Integer> closeAsync() {
        return loop.submit(f -> {
            closed = true;
            if (!requests.beginClose(f)) return;
            loop.unregister(this);
            loop.recvBuffers().forget(this);
            sends.closing();
            if (reader != null) {
                reader.completeExceptionally(Errors.closed());
                reader = null;
            }
            requests.closeIfIdle();
        });
    }

    /** Just before the fd closes: buffers still held go back to the kernel's ring. */
    private void returnHeldBuffers() {
        RecvBuffers rb = loop.recvBuffers();
        while (heldCount > 0) {
            rb.recycle(heldBid[heldFirst]);
            heldFirst = (heldFirst + 1) % heldBid.length;
            heldCount--;
        }
    }


    @Override
    public void closeOnShutdown() {
        closed = true;
        Posix.close(fd);
        if (reader != null) {
            reader.completeExceptionally(Errors.closed()); // the loop is gone: no data will come
            reader = null;
        }
    }

    @Override
    public String toString() {
        return "TcpConnection[" + remote + ", fd " + fd + ", " + loop + "]";
    }
}
