package io.uring4j.runtime;

import io.uring4j.core.CqeFlag;
import io.uring4j.core.Opcode;
import io.uring4j.core.SocketAddresses;
import io.uring4j.core.Sqe;
import io.uring4j.core.SqeFlag;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A TCP connection served by one {@link EventLoop}.
 *
 * <p><b>Receiving</b>: a multishot recv fills buffers of the loop's provided-buffer ring; a
 * buffer stays with this connection until the user has read it. When the user falls behind
 * ({@link #MAX_HELD} buffers held) the receive is cancelled and re-armed only once the user
 * has caught up: backpressure instead of unbounded memory.
 *
 * <p>Or, instead of {@code read}, a {@link TcpReceiver} given to {@link #receive} gets the bytes
 * pushed on the loop thread as they arrive and may answer at once with {@link #send}: no thread
 * hand-off and no future per message (what an echo or proxy loop wants).
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
    private static final int MAX_CHAIN = 64;

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
    private ByteBuffer readerDst;
    private TcpReceiver receiver;

    // ---- loop-thread state: send ----
    private final ArrayDeque<Operation> sendQueue = new ArrayDeque<>();
    private final ArrayDeque<Operation> resend = new ArrayDeque<>();
    private int chainInFlight;

    // ---- loop-thread state: lifecycle ----
    private int outstanding;
    private CompletableFuture<Integer> closeFuture;

    TcpConnection(EventLoop loop, int fd, InetSocketAddress remote) {
        this.loop = loop;
        this.fd = fd;
        this.remote = remote;
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
            Sqe sqe = loop.sqe().prepRw(Opcode.CONNECT, fd, op.scratch.address(), 0, len)
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
     * every later byte, on the loop thread. The receiver does its own flow control (the read
     * path's backpressure does not apply). Set once; from any thread.
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

    /** Push mode: hands held buffers (and then the end, if seen) to the receiver and recycles them. */
    private void pushHeld() {
        RecvBuffers rb = loop.recvBuffers();
        while (heldCount > 0 && !closed) {
            int bid = heldBid[heldFirst], len = heldLen[heldFirst], off = heldOffset;
            heldOffset = 0;
            heldFirst = (heldFirst + 1) % heldBid.length;
            heldCount--;
            try {
                receiver.onData(this, rb.buffer(bid), off, len - off);
            } catch (RuntimeException e) {
                System.err.println("uring4j: the receiver of " + this + " failed, closing it: " + e);
                closeAsync();
            } finally {
                rb.recycle(bid);
            }
        }
        if ((eof || recvError != null) && !endDelivered) {
            endDelivered = true;
            receiver.onEnd(this, recvError);
        }
    }

    private boolean endDelivered;

    /** Reads what has arrived into {@code dst} (waiting for data); the count, or -1 at end of stream. */
    public int read(ByteBuffer dst) throws IOException {
        return Errors.await(readAsync(dst));
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
        if (recvArmed || closed || eof) return;
        Operation op = loop.acquire(RECEIVED, null);
        op.context = this;
        loop.sqe().prepRw(Opcode.RECV, fd, 0, 0, 0).ioprio(RECV_MULTISHOT).flag(SqeFlag.BUFFER_SELECT)
                .bufGroup(RecvBuffers.GROUP).userData(op.userData(UserData.TAG_MAIN));
        loop.started(op, false);
        recvOp = op;
        recvArmed = true;
        recvStopping = false;
        outstanding++;
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
            if (!more && !closed) rb.starved(this);
        } else if (res < 0 && res != -ECANCELED) {
            recvError = Errors.of(res, "recv", remote, false);
        }
        if (!more) {
            recvArmed = false;
            recvOp = null;
            outstanding--;
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
        if (!more && !closed && !eof && recvError == null && res != -ENOBUFS && heldCount < MAX_HELD) {
            rearmReceive();
        }
        maybeFinishClose();
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
            Operation op = loop.acquire(SENT, f);
            op.context = this;
            op.buffer = loop.buffers().acquire(len);
            MemorySegment.copy(MemorySegment.ofBuffer(src), 0, op.buffer.segment, 0, len);
            src.position(src.position() + len);
            op.value = len;
            op.scratch.set(JAVA_INT, 0, 0); // bytes of this message already sent
            sendQueue.addLast(op);
            outstanding++;
            flushSends();
        });
    }

    /** {@link #send(MemorySegment, long, long)} of all of {@code data}. */
    public void send(MemorySegment data) {
        send(data, 0, data.byteSize());
    }

    /**
     * From the loop thread (a {@link TcpReceiver}'s callback): queues a copy of {@code length}
     * bytes at {@code offset} of {@code data} behind every earlier write, like
     * {@link #writeAsync} without a future. A send that fails closes the connection.
     */
    public void send(MemorySegment data, long offset, long length) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("send(MemorySegment) runs on the connection's event loop; use write or writeAsync elsewhere");
        }
        java.util.Objects.checkFromIndexSize(offset, length, data.byteSize());
        int len = (int) Math.min(length, Integer.MAX_VALUE);
        if (length > BufferPool.maxBytes()) {
            throw new IllegalArgumentException("one send holds at most " + BufferPool.maxBytes() + " bytes, given " + length);
        }
        if (closed || len == 0) return;
        Operation op = loop.acquire(SENT, null);
        op.context = this;
        op.buffer = loop.buffers().acquire(len);
        MemorySegment.copy(data, offset, op.buffer.segment, 0, len);
        op.value = len;
        op.scratch.set(JAVA_INT, 0, 0); // bytes of this message already sent
        sendQueue.addLast(op);
        outstanding++;
        flushSends();
    }

    /** Sends the queued messages as one linked chain if no chain is in flight. */
    private void flushSends() {
        if (chainInFlight > 0) return;
        int n = 0;
        Sqe last = null;
        while (n < MAX_CHAIN && (!resend.isEmpty() || !sendQueue.isEmpty())) {
            Operation op = !resend.isEmpty() ? resend.pollFirst() : sendQueue.pollFirst();
            int sent = op.scratch.get(JAVA_INT, 0);
            int remaining = (int) op.value - sent;
            if (last != null) last.flag(SqeFlag.IO_LINK);
            last = loop.sqe().prepRw(Opcode.SEND, fd, op.buffer.segment.address() + sent, remaining, 0)
                    .opFlags(MSG_NOSIGNAL | MSG_WAITALL).userData(op.userData(UserData.TAG_MAIN));
            if (op.pendingCqes == 0) loop.started(op, false);
            n++;
        }
        chainInFlight = n;
    }

    private static final Operation.Completion SENT = (loop, op, res, flags, more) -> {
        TcpConnection c = (TcpConnection) op.context;
        c.onSent(op, res);
    };

    private void onSent(Operation op, int res) {
        chainInFlight--;
        int sent = op.scratch.get(JAVA_INT, 0);
        if (res >= 0) sent += res;
        op.scratch.set(JAVA_INT, 0, sent);
        if (sent == op.value) {
            outstanding--;
            if (op.future != null) op.future.complete((int) op.value);
        } else if ((res >= 0 || res == -ECANCELED) && !closed) {
            // Short send, or cancelled because an earlier link member was short: resend in order.
            loop.resubmitted(op);
            resend.addLast(op);
        } else {
            outstanding--;
            if (op.future != null) {
                op.future.completeExceptionally(res < 0 ? Errors.of(res, "send", remote, false) : Errors.closed());
            } else if (!closed) {
                closeAsync(); // a send(MemorySegment) failed: nobody waits for it, the connection is broken
            }
        }
        if (chainInFlight == 0) {
            if (closed) failQueued();
            else flushSends();
        }
        maybeFinishClose();
    }

    private void failQueued() {
        for (ArrayDeque<Operation> q : java.util.List.of(resend, sendQueue)) {
            Operation op;
            while ((op = q.pollFirst()) != null) {
                outstanding--;
                CompletableFuture<Object> f = op.future;
                loop.discard(op); // no SQE of it is in the kernel: its memory can go now
                if (f != null) f.completeExceptionally(Errors.closed());
            }
        }
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
        Errors.await(closeAsync());
    }

    public CompletableFuture<Integer> closeAsync() {
        return loop.submit(f -> {
            if (closeFuture != null) {
                closeFuture.whenComplete((r, t) -> f.complete(0));
                return;
            }
            closed = true;
            closeFuture = f;
            loop.unregister(this);
            loop.recvBuffers().forget(this);
            // cancel every request on this fd (IORING_ASYNC_CANCEL_FD | ALL)
            loop.sqe().prepRw(Opcode.ASYNC_CANCEL, fd, 0, 0, 0).opFlags(CANCEL_FD | CANCEL_ALL)
                    .userData(UserData.pack(UserData.TAG_CANCEL, 0, 0));
            if (chainInFlight == 0) failQueued();
            if (reader != null) {
                reader.completeExceptionally(Errors.closed());
                reader = null;
            }
            maybeFinishClose();
        });
    }

    private void maybeFinishClose() {
        if (closeFuture == null || outstanding > 0 || closeFuture.isDone()) return;
        RecvBuffers rb = loop.recvBuffers();
        while (heldCount > 0) {
            rb.recycle(heldBid[heldFirst]);
            heldFirst = (heldFirst + 1) % heldBid.length;
            heldCount--;
        }
        Operation op = loop.acquire(AsyncFile.INT_RESULT, closeFuture);
        op.context = new Object[] {"close", remote};
        loop.sqe().prepRw(Opcode.CLOSE, fd, 0, 0, 0).userData(op.userData(UserData.TAG_MAIN));
        loop.started(op, false);
    }

    @Override
    public void closeOnShutdown() {
        closed = true;
        Posix.close(fd);
    }

    @Override
    public String toString() {
        return "TcpConnection[" + remote + ", fd " + fd + ", " + loop + "]";
    }
}
