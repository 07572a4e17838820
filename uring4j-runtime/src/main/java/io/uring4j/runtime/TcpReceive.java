package io.uring4j.runtime;

import io.uring4j.core.CqeFlag;
import io.uring4j.core.Errno;
import io.uring4j.core.SqeFlag;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The receive side of one {@link TcpConnection}: the multishot receive, the receive buffers it
 * filled that the user has not read yet, the one pending read, or the push-mode receiver.
 * Loop thread only, except {@link #readAsync}'s first lines.
 *
 * <p><b>Reads and giving up</b> (issue 9 item 4): a read is a {@link TcpFuture}; the loop takes
 * it before copying a byte into its buffer, and a read given up (cancelled, timed out,
 * interrupted) before that is removed from its place on the loop, so the bytes that arrive later
 * go to the next read and none is ever copied for a read nobody waits for.
 *
 * <p><b>Buffers</b>: a read snapshots its buffer's position and limit on the calling thread and
 * the loop copies into exactly that range ({@code position + count <= limit <= capacity}), so a
 * buffer whose position another thread moves meanwhile can get a wrong result, never a byte
 * outside it or a loop-thread exception.
 *
 * <p><b>Backpressure</b>: when the user holds {@link #MAX_HELD} unread buffers the receive is
 * cancelled and re-armed once the user caught up; in push mode, while the connection's own send
 * queue is above its limit (a peer that does not read its answers stops being read).
 *
 * <p><b>Reachability</b> (issue 9 item 9): in push mode this holds the public connection it hands
 * the receiver ({@link #pushTo}) until the end of stream was delivered or the close began, so a
 * connection whose user set a receiver and forgot it is not reclaimed while it serves; after that
 * neither the connection nor the user's receiver is referenced from here.
 */
final class TcpReceive implements TcpFuture.Owner {
    static final int MAX_HELD = 16;
    private static final int ENOBUFS = Errno.ENOBUFS.code(), ECANCELED = Errno.ECANCELED.code();

    private final TcpConnectionState conn;
    private final EventLoop loop;

    private int[] heldBid = new int[2 * MAX_HELD];
    private int[] heldLen = new int[2 * MAX_HELD];
    private int heldOffset;       // bytes of the first held buffer already read
    private int heldFirst, heldCount;
    private boolean recvArmed, recvStopping, eof, inputShut, pausedForSends;
    /** Diagnostics: the receive ended for lack of buffers and has not been re-armed since. */
    private boolean starvedWaiting;
    private Exception recvError;
    /**
     * A send saw the peer's reset first (Linux reports it once, to whichever request sees it): the
     * end of stream the receive then finds is that reset, not a clean end.
     */
    private boolean resetSeenBySend;
    /** A read got -1 (or the receiver its end): later reads keep to that. */
    private boolean endReported;
    private Operation recvOp;

    /** The pending read, its buffer and the range of it the caller gave (snapshot). */
    private TcpFuture<Integer> reader;
    private ByteBuffer readerDst;
    private int readerPos, readerLim;

    private TcpReceiver receiver;
    /** The public connection the receiver is called with, from {@link #receive} until the end or the close. */
    private TcpConnection pushTo;
    private boolean endDelivered;
    /** Push mode: the receive buffer being handed to the receiver (-1: none), and whether a send took it over. */
    private int pushing = -1;
    private boolean pushLent;

    /** Stands for the user's receiver once the end was delivered (or the close began): push mode, nobody to call. */
    private static final TcpReceiver DONE = new TcpReceiver() {
        @Override
        public void onData(TcpConnection connection, MemorySegment buffer, long offset, long length) {
        }

        @Override
        public void onEnd(TcpConnection connection, Exception error) {
        }
    };

    TcpReceive(TcpConnectionState conn) {
        this.conn = conn;
        this.loop = conn.loop;
    }

    // ------------------------------------------------------------------ push mode

    /** Loop thread: sets the receiver, called with {@code connection}, and hands it what was held. */
    void receive(TcpReceiver r, TcpConnection connection) {
        if (receiver != null || reader != null) {
            throw new IllegalStateException("a receiver is already set or a read is pending on " + conn);
        }
        receiver = r;
        if (!conn.closed) pushTo = connection;
        pushHeld();
        if (!recvArmed && !conn.closed) rearm();
    }

    /** Push mode: hands held buffers (and then the end, if seen) to the receiver and recycles them. */
    private void pushHeld() {
        RecvBuffers rb = loop.recvBuffers();
        while (heldCount > 0 && !conn.closed && !inputShut) {
            int bid = heldBid[heldFirst], len = heldLen[heldFirst], off = heldOffset;
            heldOffset = 0;
            heldFirst = (heldFirst + 1) % heldBid.length;
            heldCount--;
            pushing = bid;
            pushLent = false;
            try {
                receiver.onData(pushTo, rb.buffer(bid), off, len - off);
            } catch (RuntimeException e) {
                RuntimeLog.failed("the receiver of " + conn + " failed, closing it", e);
                conn.abortOnLoop();
            } finally {
                pushing = -1;
                if (!pushLent) rb.recycle(bid);
            }
        }
        if ((eof || recvError != null || inputShut) && !endDelivered && !conn.closed) {
            endDelivered = true;
            TcpReceiver r = receiver;
            TcpConnection c = pushTo;
            stopPushing(); // called for the last time: the connection is the user's to keep (or lose) now
            endReported = true;
            r.onEnd(c, inputShut ? null : recvError != null ? recvError : resetByPeer());
        }
    }

    /**
     * The runtime aborts the connection itself because a send nobody waited for failed with
     * {@code failure}: a receiver hears the end, with that failure, once (the abort stops the
     * pushing, so the end would otherwise never come and the user could not release its state).
     */
    void abortedAfter(Exception failure) {
        TcpReceiver r = receiver;
        TcpConnection c = pushTo;
        boolean tell = r != null && r != DONE && c != null && !endDelivered;
        if (tell) endDelivered = true;
        conn.abortOnLoop();
        if (!tell) return;
        try {
            r.onEnd(c, failure);
        } catch (RuntimeException e) {
            RuntimeLog.failed("the receiver of " + conn + " failed in onEnd", e);
        }
    }

    /** Push mode is over (end delivered, or closing): neither the connection nor the receiver is held any more. */
    private void stopPushing() {
        if (receiver != null) receiver = DONE;
        pushTo = null;
    }

    /**
     * A send of {@code data} from the receiver's callback: the receive buffer being delivered
     * if that is what {@code data} is (the send holds it until its last CQE), else null.
     */
    NativeBuffer lendDelivering(MemorySegment data) {
        if (pushing < 0 || pushLent || data != loop.recvBuffers().buffer(pushing)) return null;
        pushLent = true;
        return loop.recvBuffers().held(pushing);
    }

    // ------------------------------------------------------------------ pull mode

    /** Any thread: the read of {@code dst}'s remaining bytes (snapshot taken here) for the user of {@code connection}. */
    CompletableFuture<Integer> readAsync(ByteBuffer dst, TcpConnection connection) {
        if (conn.closed) return CompletableFuture.failedFuture(Errors.closed());
        if (dst.isReadOnly()) return CompletableFuture.failedFuture(new IllegalArgumentException("read into a read-only buffer"));
        int pos = dst.position(), lim = dst.limit();
        if (pos > lim) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "buffer position " + pos + " is beyond its limit " + lim + " (moved by another thread meanwhile?)"));
        }
        TcpFuture<Integer> f = new TcpFuture<>(loop, this, connection);
        try {
            loop.runOnLoop(() -> {
                try {
                    startRead(f, dst, pos, lim);
                } catch (RuntimeException e) {
                    f.fail(e);
                }
            });
        } catch (IllegalStateException loopClosed) {
            f.settleFailure(Errors.closed());
        }
        return f;
    }

    private void startRead(TcpFuture<Integer> f, ByteBuffer dst, int pos, int lim) {
        if (f.isGivenUp()) return; // given up before the loop saw it (abandoned() is queued before this if so)
        if (conn.closed) {
            f.settleFailure(Errors.closed());
        } else if (receiver != null) {
            f.settleFailure(new IllegalStateException("a receiver gets the bytes of " + conn));
        } else if (reader != null) {
            f.settleFailure(Errors.readPending(conn));
        } else if (pos == lim) {
            f.settle(0);
        } else if (inputShut) {
            f.settle(-1);
        } else if (heldCount > 0) {
            if (f.take()) deliverHeld(f, dst, pos, lim);
        } else if (recvError != null) {
            f.settleFailure(recvError);
        } else if (eof) {
            settleEnd(f);
        } else {
            reader = f;
            readerDst = dst;
            readerPos = pos;
            readerLim = lim;
            if (!recvArmed) rearm();
        }
    }

    /** Completes {@code f} at the end of the stream: -1, or the reset a send saw before any read reported the end. */
    private void settleEnd(TcpFuture<Integer> f) {
        Exception reset = endReported ? null : resetByPeer();
        if (reset != null) {
            f.settleFailure(reset);
        } else if (f.settle(-1)) {
            endReported = true;
        }
    }

    /** The reset a send saw, as this side's error (null if none). */
    private Exception resetByPeer() {
        return resetSeenBySend ? Errors.of(-Errno.ECONNRESET.code(), "recv", conn.remote, false) : null;
    }

    /** A send of this connection failed with ECONNRESET: the receive will find no error left, only the end. */
    void sendSawReset() {
        resetSeenBySend = true;
    }

    /** A read was given up: it leaves its place at once (the bytes wait for the next read). */
    @Override
    public void abandoned(TcpFuture<?> f) {
        if (reader == f) {
            reader = null;
            readerDst = null;
        }
    }

    /**
     * Completes the taken read {@code f} with the held bytes that fit. A buffer the loop cannot
     * write (a direct buffer over another thread's confined arena) fails the read; no byte was
     * consumed, since the copy comes before a buffer is let go.
     */
    private void deliverHeld(TcpFuture<Integer> f, ByteBuffer dst, int pos, int lim) {
        int n;
        try {
            n = drainInto(dst, pos, lim);
        } catch (RuntimeException e) {
            f.deliverFailure(e);
            return;
        }
        f.deliver(loop.boxed(n));
    }

    /** Copies held bytes into {@code dst[pos, lim)}, recycling emptied buffers; re-arms if below the limit. */
    private int drainInto(ByteBuffer dst, int pos, int lim) {
        RecvBuffers rb = loop.recvBuffers();
        MemorySegment direct = dst.isDirect() ? loop.wholeSegment(dst) : null;
        MemorySegment other = direct == null && !dst.hasArray() ? BufferBounds.whole(dst) : null;
        int room = lim - pos;
        int copied = 0;
        while (heldCount > 0 && copied < room) {
            int bid = heldBid[heldFirst];
            int avail = heldLen[heldFirst] - heldOffset;
            int n = Math.min(avail, room - copied);
            MemorySegment from = rb.buffer(bid);
            if (direct != null) MemorySegment.copy(from, heldOffset, direct, pos + copied, n);
            else if (other != null) MemorySegment.copy(from, heldOffset, other, pos + copied, n);
            else MemorySegment.copy(from, JAVA_BYTE, heldOffset, dst.array(), dst.arrayOffset() + pos + copied, n);
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
        try {
            dst.position(pos + copied);
        } catch (IllegalArgumentException limitMoved) {
            // another thread lowered the limit meanwhile: the bytes are in the buffer, the count stands
        }
        if (!recvArmed && !eof && recvError == null && heldCount <= MAX_HELD / 2 && !conn.closed) {
            rearm();
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

    // ------------------------------------------------------------------ the multishot receive

    /** (Re)starts the multishot receive. */
    void rearm() {
        if (recvArmed || conn.closed || eof || pausedForSends || loop.isClosing()) return; // a closing loop cancels, never re-arm
        loop.recvBuffers(); // the buffer group must be registered before a BUFFER_SELECT recv reaches the kernel
        Operation op = loop.acquire(RECEIVED, null);
        op.context = this;
        loop.start(op, loop.sqe().prepRecvMultishot(conn.fd, MemorySegment.NULL, 0, 0).flag(SqeFlag.BUFFER_SELECT)
                .bufGroup(RecvBuffers.GROUP), null);
        recvOp = op;
        recvArmed = true;
        starvedWaiting = false;
        recvStopping = false;
        conn.requests.requestStarted();
    }

    /** Stops the multishot receive (its end comes as a CQE); a later {@link #rearm} starts it again. */
    private void stop() {
        if (recvArmed && !recvStopping) {
            recvStopping = true;
            loop.cancel(recvOp);
        }
    }

    private static final Operation.Completion RECEIVED = (loop, op, res, flags, more) ->
            ((TcpReceive) op.context).onReceive(res, flags, more);

    private void onReceive(int res, int flags, boolean more) {
        RecvBuffers rb = loop.recvBuffers();
        if (res > 0 && (flags & CqeFlag.BUFFER.mask()) != 0) {
            int bid = flags >>> CqeFlag.BUFFER_SHIFT;
            rb.taken();
            if (conn.closed || inputShut) {
                rb.recycle(bid); // nobody will read it: dropped, as a shut-down input drops what arrives
            } else {
                if (heldCount == heldBid.length) growHeld(); // CQEs racing a cancel may exceed the limit
                int slot = (heldFirst + heldCount) % heldBid.length;
                heldBid[slot] = bid;
                heldLen[slot] = res;
                heldCount++;
                if (heldCount >= MAX_HELD && more) stop(); // the user is not keeping up: stop receiving for now
            }
        } else if (res == 0) {
            eof = true;
        } else if (res == -ENOBUFS) {
            // Wait for a buffer to come back, unless some are there already (a race with recycling).
            if (!more && !conn.closed) {
                rb.starved(conn); // the loop re-arms it before its next enter if buffers are back
                starvedWaiting = true;
            }
        } else if (res < 0 && res != -ECANCELED) {
            recvError = Errors.of(res, "recv", conn.remote, false);
        }
        if (!more) {
            recvArmed = false;
            recvOp = null;
        }
        if (receiver != null) pushHeld();
        if (reader != null && (heldCount > 0 || eof || recvError != null)) {
            TcpFuture<Integer> r = reader;
            ByteBuffer dst = readerDst;
            reader = null;
            readerDst = null;
            if (heldCount > 0) {
                if (r.take()) deliverHeld(r, dst, readerPos, readerLim);
            } else if (recvError != null) {
                r.settleFailure(recvError);
            } else {
                settleEnd(r);
            }
        }
        if (!more && !conn.closed && !eof && recvError == null && heldCount < MAX_HELD && res != -ENOBUFS) {
            rearm();
        }
        if (!more) conn.requests.requestEnded(); // the last request of a closing connection closes the fd
        else conn.requests.closeIfIdle();
    }

    // ------------------------------------------------------------------ send queue backpressure (push mode)

    /** The connection's send queue reached its limit: a receiver stops getting bytes until it drains. */
    void sendQueueFull() {
        if (receiver == null || pausedForSends) return;
        pausedForSends = true;
        stop();
    }

    /** The send queue drained below half its limit. */
    void sendQueueDrained() {
        if (!pausedForSends) return;
        pausedForSends = false;
        if (!recvArmed && !conn.closed && !eof && recvError == null) rearm();
    }

    // ------------------------------------------------------------------ diagnostics

    /** Receives {@link #checkArmed} found unarmed though they should have been, since the JVM started. */
    static final java.util.concurrent.atomic.AtomicLong REPAIRED = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Loop thread, from {@link EventLoop}'s periodic check: a connection whose user waits for
     * bytes (a pending read, or a receiver) with nothing held must have its receive armed, unless
     * it is paused for its sends, at its end, or waiting for a buffer that none is free for. One
     * found otherwise is re-armed, and the state it was in is logged.
     */
    void checkArmed() {
        if (recvArmed || conn.closed || eof || recvError != null || inputShut || pausedForSends || loop.isClosing()) return;
        boolean waitedFor = receiver != null ? receiver != DONE : reader != null;
        if (!waitedFor || heldCount > 0) return;
        if (starvedWaiting) {
            // In the starved list: its turn comes with a free buffer; one is free now, so take it
            // (the list's later call finds it armed and passes).
            if (loop.recvBuffers().available() > 0) rearm();
            return;
        }
        REPAIRED.incrementAndGet();
        RuntimeLog.repaired("uring4j: the receive of " + conn + " was not armed though its user waits for bytes ("
                + describe() + "): re-armed");
        rearm();
    }

    /** What the receive side is doing, for {@link TcpConnection#toString()} (racy reads from other threads: a snapshot). */
    String describe() {
        StringBuilder b = new StringBuilder(receiver == null ? "pull" : receiver == DONE ? "push (done)" : "push");
        b.append(recvArmed ? (recvStopping ? ", receive stopping" : ", receive armed") : ", receive not armed");
        if (starvedWaiting) b.append(", waiting for a receive buffer");
        if (pausedForSends) b.append(", paused for its sends");
        if (heldCount > 0) b.append(", ").append(heldCount).append(" buffers held");
        if (reader != null) b.append(", a read waits");
        if (eof) b.append(", eof");
        if (recvError != null) b.append(", error");
        RecvBuffers rb = loop.recvBuffersIfAny();
        if (rb != null) b.append(", loop: ").append(rb.available()).append(" free buffers, ").append(rb.starvedCount()).append(" starved");
        return b.toString();
    }

    // ------------------------------------------------------------------ half-close and close

    /**
     * {@link TcpConnection#shutdownInput}: reads return -1 from now on, a receiver gets its end,
     * what was received and not read is dropped, and so is whatever arrives later.
     */
    void shutdownInput() {
        if (inputShut) return;
        inputShut = true;
        returnHeldBuffers();
        if (reader != null) {
            TcpFuture<Integer> r = reader;
            reader = null;
            readerDst = null;
            r.settle(-1);
        }
        if (receiver != null) pushHeld();
    }

    /** The close began: the pending read fails, nothing more is received (or pushed). */
    void closing() {
        stop();
        stopPushing();
        if (reader != null) {
            TcpFuture<Integer> r = reader;
            reader = null;
            readerDst = null;
            r.settleFailure(new AsynchronousCloseException());
        }
    }

    /** Just before the fd closes: buffers still held go back to the kernel's ring. */
    void returnHeldBuffers() {
        RecvBuffers rb = loop.recvBuffers();
        while (heldCount > 0) {
            rb.recycle(heldBid[heldFirst]);
            heldFirst = (heldFirst + 1) % heldBid.length;
            heldCount--;
        }
        heldOffset = 0;
    }

    /** The loop is gone: the pending read fails, no data will come. */
    void closeOnShutdown() {
        stopPushing();
        if (reader != null) {
            TcpFuture<Integer> r = reader;
            reader = null;
            r.settleFailure(new AsynchronousCloseException());
        }
    }
}
