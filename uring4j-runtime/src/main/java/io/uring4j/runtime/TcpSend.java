package io.uring4j.runtime;

import io.uring4j.core.Msghdr;
import io.uring4j.core.NetOps;
import io.uring4j.core.Sqe;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The send side of one {@link TcpConnection}: its {@link OrderedSendQueue}, the limit on the
 * bytes that queue holds in native memory, writes waiting for room, the half-close, and what
 * happens to the output when a write is given up. Loop thread only, except the first lines of
 * {@link #writeAsync}.
 *
 * <p><b>Limit</b> (issue 9 item 8): a write is copied into native memory only while the queue
 * holds less than {@link #limit} bytes (or nothing); otherwise it waits, in order, with its bytes
 * still in the caller's buffer, until the queue has drained to half the limit. Its future
 * completes, as every write's, once the kernel took all of its bytes. Loop-thread
 * {@link TcpConnection#send}s cannot wait: they are queued (in order) whatever the count, and a
 * push-mode receiver stops getting bytes while the queue is at its limit.
 *
 * <p><b>Giving up a write</b> (cancelled, interrupted, timed out) leaves an unknown part of it
 * sent, so, as with {@link java.nio.channels.AsynchronousSocketChannel}, the output is unusable
 * from then on: the write fails as given up, every other write not complete and every later one
 * fails with {@link IllegalStateException}, and a close resets the connection (the peer must not
 * take the cut stream for a whole one).
 */
final class TcpSend implements TcpFuture.Owner {
    /** Default {@link #limit}: 4 MiB. */
    static final int DEFAULT_LIMIT = 4 << 20;
    private static final int SEND_FLAGS = Msghdr.MSG_NOSIGNAL | Msghdr.MSG_WAITALL;
    /** Scratch offset of a send's start within its buffer (not 0 only for a taken-over receive buffer). */
    private static final long SEND_OFFSET = 0;

    /** A write or send waiting for room in the queue: a user buffer range, or an operation already filled. */
    private record Waiting(TcpFuture<Integer> future, ByteBuffer src, int position, int length, Operation op) {
    }

    private final TcpConnectionState conn;
    private final EventLoop loop;
    private final OrderedSendQueue queue;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(4);
    /** Bytes the queue may hold before writes wait; any thread sets it. */
    private volatile int limit = DEFAULT_LIMIT;
    /** Why the output is unusable (a write was given up), or null. */
    private String cutReason;
    private boolean outputShut;
    /** The request that queued the SHUTDOWN (its FIN is sent once it completed normally), or null. */
    private TcpFuture<Integer> shutdownRequest;
    /** The send queue reached its limit and the receive side was told so. */
    private boolean full;
    private Runnable whenIdle;

    TcpSend(TcpConnectionState conn) {
        this.conn = conn;
        this.loop = conn.loop;
        this.queue = new OrderedSendQueue(conn.requests, this::prepareSend, true, "send", this::sendEnded);
    }

    int limit() {
        return limit;
    }

    void limit(int bytes) {
        if (bytes < 0) throw new IllegalArgumentException("a send queue limit is >= 0 bytes, given " + bytes);
        limit = bytes;
    }

    /** What the send side holds, for {@link TcpConnection#toString()} (racy reads from other threads: a snapshot). */
    String describe() {
        StringBuilder b = new StringBuilder("send queue ").append(queue.queuedBytes()).append(" B of ").append(limit);
        int w = waiting.size();
        if (w > 0) b.append(", ").append(w).append(" writes waiting");
        if (full) b.append(", full");
        if (lentReceiveBuffers > 0) b.append(", ").append(lentReceiveBuffers).append(" receive buffers lent");
        if (outputShut) b.append(", output shut");
        if (cutReason != null) b.append(", cut");
        return b.toString();
    }

    /** Whether the output was cut because a write was given up. */
    boolean isCut() {
        return cutReason != null;
    }

    // ------------------------------------------------------------------ writes (any thread)

    /** The write of {@code src}'s remaining bytes (snapshot taken here) for the user of {@code connection}. */
    CompletableFuture<Integer> writeAsync(ByteBuffer src, TcpConnection connection) {
        if (conn.closed) return CompletableFuture.failedFuture(Errors.closed());
        int pos = src.position(), lim = src.limit();
        if (pos > lim) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "buffer position " + pos + " is beyond its limit " + lim + " (moved by another thread meanwhile?)"));
        }
        int len = lim - pos;
        if (len == 0) return CompletableFuture.completedFuture(0);
        if (len > BufferPool.maxBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "one write holds at most " + BufferPool.maxBytes() + " bytes, given " + len));
        }
        TcpFuture<Integer> f = new TcpFuture<>(loop, this, connection);
        try {
            loop.runOnLoop(() -> {
                try {
                    startWrite(f, src, pos, len);
                } catch (RuntimeException e) {
                    f.fail(e);
                }
            });
        } catch (IllegalStateException loopClosed) {
            f.settleFailure(Errors.closed());
        }
        return f;
    }

    private void startWrite(TcpFuture<Integer> f, ByteBuffer src, int pos, int len) {
        if (f.isGivenUp()) return; // given up before the loop saw it: abandoned() cuts the output
        Throwable refused = refusal();
        if (refused != null) {
            f.settleFailure(refused);
        } else if (waiting.isEmpty() && hasRoom()) {
            admit(f, src, pos, len);
        } else {
            waiting.addLast(new Waiting(f, src, pos, len, null));
        }
    }

    /** Why a new write cannot go, or null. */
    private Throwable refusal() {
        if (conn.closed || outputShut || loop.isClosing()) return Errors.closed();
        if (cutReason != null) return refused();
        return null;
    }

    private IllegalStateException refused() {
        return new IllegalStateException("writing is not allowed on " + conn + ": " + cutReason);
    }

    private boolean hasRoom() {
        long q = queue.queuedBytes();
        return q == 0 || q < limit;
    }

    /** Copies the write's snapshot range into a pooled buffer and queues it. */
    private void admit(TcpFuture<Integer> f, ByteBuffer src, int pos, int len) {
        Operation op = queue.acquire(f, len);
        op.scratch.set(JAVA_LONG, SEND_OFFSET, 0);
        try {
            op.buffer = loop.buffers().acquire(len);
            MemorySegment to = op.buffer.segment;
            if (src.isDirect()) MemorySegment.copy(loop.wholeSegment(src), pos, to, 0, len);
            else if (src.hasArray()) MemorySegment.copy(src.array(), src.arrayOffset() + pos, to, JAVA_BYTE, 0, len);
            else MemorySegment.copy(BufferBounds.whole(src), pos, to, 0, len);
        } catch (RuntimeException e) {
            loop.discard(op);
            f.settleFailure(e);
            return;
        }
        try {
            src.position(pos + len);
        } catch (IllegalArgumentException limitMoved) {
            // another thread lowered the limit meanwhile: the snapshot's bytes are what goes
        }
        enqueue(op);
    }

    private void enqueue(Operation op) {
        queue.add(op);
        if (!full && queue.queuedBytes() >= limit) {
            full = true;
            conn.receive.sendQueueFull();
        }
    }

    /** A write was given up: an unknown part of it may be sent, so the output is cut. */
    @Override
    public void abandoned(TcpFuture<?> f) {
        cut("a write was given up (cancelled, interrupted or timed out) after an unknown part of it was sent");
    }

    /** Makes the output unusable: every write not complete fails, and so will every later one. */
    void cut(String reason) {
        if (cutReason != null) return;
        cutReason = reason;
        boolean finCut = outputShut && shutdownRequest != null && !shutdownRequest.deliveredNormally();
        failWaiting(this::refused);
        queue.cut(this::refused);
        // A SHUTDOWN queued behind the cut write went with it: no FIN is on its way, so the
        // output is not shut, and later shutdownOutput calls and writes fail as the cut says.
        if (finCut) outputShut = false;
    }

    // ------------------------------------------------------------------ loop-thread sends

    /**
     * {@link TcpConnection#send}: queued whatever the count (the loop cannot wait), in order;
     * {@code connection} stays reachable until the send ended.
     */
    void send(MemorySegment data, long offset, int len, Object attachment, CompletionHandler<Object, Object> handler,
              TcpConnection connection) {
        if (conn.closed) {
            if (handler != null) handler.failed(Errors.closed(), attachment);
            return; // a receiver racing a close: nobody reads what it would send
        }
        if (cutReason != null) throw refused();
        if (outputShut) throw new IllegalStateException("the output of " + conn + " is shut down");
        Operation op = queue.acquire(null, len);
        op.handler = handler;
        op.attachment = attachment;
        op.owner = connection;
        NativeBuffer lent = lentReceiveBuffers < TcpReceive.MAX_HELD ? conn.receive.lendDelivering(data) : null;
        if (lent != null) {
            lentReceiveBuffers++; // the operation holds the receive buffer until its last CQE
            op.buffer = lent;
            op.scratch.set(JAVA_LONG, SEND_OFFSET, offset);
        } else {
            try {
                op.buffer = loop.buffers().acquire(len);
            } catch (RuntimeException noMemory) {
                loop.discard(op); // the slot goes back with the failure
                throw noMemory;
            }
            MemorySegment.copy(data, offset, op.buffer.segment, 0, len);
            op.scratch.set(JAVA_LONG, SEND_OFFSET, 0);
        }
        if (waiting.isEmpty()) enqueue(op);
        else waiting.addLast(new Waiting(null, null, 0, 0, op));
    }

    /** Receive buffers this connection's sends hold; at {@link TcpReceive#MAX_HELD} a send copies instead. */
    private int lentReceiveBuffers;

    // ------------------------------------------------------------------ half-close

    /** {@link TcpConnection#shutdownOutput}: a SHUTDOWN(SHUT_WR) in the send order, after every earlier write. */
    void shutdownOutput(TcpFuture<Integer> f) {
        if (f.isGivenUp()) return;
        if (conn.closed) {
            f.settleFailure(Errors.closed());
            return;
        }
        if (outputShut) {
            f.settle(0); // already shut (or shutting): as the JDK, a second shutdown is a no-op
            return;
        }
        if (cutReason != null) {
            f.settleFailure(refused());
            return;
        }
        outputShut = true;
        shutdownRequest = f;
        Operation op = queue.acquire(f, 0); // no buffer: prepareSend makes it the SHUTDOWN
        if (waiting.isEmpty()) enqueue(op);
        else waiting.addLast(new Waiting(null, null, 0, 0, op));
    }

    /** The SEND of {@code op}'s bytes from {@code sent} on (the queue links it and sets user_data); a SHUTDOWN for the half-close. */
    private Sqe prepareSend(Operation op, int sent) {
        if (op.buffer == null) return loop.sqe().prepShutdown(conn.fd, NetOps.SHUT_WR);
        int remaining = OrderedSendQueue.length(op) - sent;
        long start = op.scratch.get(JAVA_LONG, SEND_OFFSET) + sent;
        return loop.sqe().prepSend(conn.fd, op.buffer.segment, start, remaining, SEND_FLAGS);
    }

    // ------------------------------------------------------------------ draining, close

    private void sendEnded(Operation op) {
        if (op.buffer != null && op.buffer.receiveBid >= 0) lentReceiveBuffers--;
        if (loop.isClosing()) failWaiting(AsynchronousCloseException::new); // nothing new goes out on a closing loop
        long q = queue.queuedBytes();
        if (q <= limit / 2 || q == 0) {
            admitWaiting();
            if (full && queue.queuedBytes() < limit) {
                full = false;
                conn.receive.sendQueueDrained();
            }
        }
        if (whenIdle != null && isIdle()) {
            Runnable r = whenIdle;
            whenIdle = null;
            r.run();
        }
    }

    /** Admits waiting writes, in order, while the queue has room. */
    private void admitWaiting() {
        while (!waiting.isEmpty() && hasRoom() && cutReason == null) {
            Waiting w = waiting.pollFirst();
            if (w.op != null) enqueue(w.op);
            else if (!w.future.isGivenUp()) admit(w.future, w.src, w.position, w.length);
        }
    }

    /** Nothing queued, in the kernel or waiting. */
    boolean isIdle() {
        return waiting.isEmpty() && queue.isIdle();
    }

    /** Runs {@code r} once every write accepted so far has ended (now, if none is left). */
    void whenIdle(Runnable r) {
        if (isIdle()) r.run();
        else whenIdle = r;
    }

    /** The close goes on without waiting: waiting writes fail, the queue fails what it still holds. */
    void closing() {
        whenIdle = null;
        failWaiting(AsynchronousCloseException::new);
        queue.closing();
    }

    /** Aborting: the chain in the kernel is cancelled too. */
    void abort() {
        whenIdle = null;
        failWaiting(AsynchronousCloseException::new);
        queue.cut(AsynchronousCloseException::new);
    }

    private void failWaiting(java.util.function.Supplier<? extends Throwable> failure) {
        Waiting w;
        while ((w = waiting.pollFirst()) != null) {
            if (w.future != null) {
                w.future.settleFailure(failure.get());
            } else {
                Operation op = w.op;
                if (op.handler != null) {
                    try {
                        op.fail(failure.get());
                    } catch (Throwable t) {
                        RuntimeLog.failed("a send's completion handler on " + conn + " threw", t);
                    }
                } else if (op.future instanceof TcpFuture<Object> t) {
                    t.settleFailure(failure.get());
                }
                if (op.buffer != null && op.buffer.receiveBid >= 0) lentReceiveBuffers--;
                loop.discard(op); // never queued: no SQE of it exists
            }
        }
    }

    /** The loop is gone: what waits fails. */
    void closeOnShutdown() {
        failWaiting(AsynchronousCloseException::new);
    }
}
