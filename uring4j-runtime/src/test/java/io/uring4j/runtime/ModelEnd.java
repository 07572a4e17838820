package io.uring4j.runtime;

import io.uring4j.runtime.ModelRun.Kind;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of a TCP pair in the model: its connection, the streams it writes and reads, and the
 * ticks at which its closes and shutdowns began (what a request may fail with depends on them).
 * Also the settlement of one read or write: its outcome checked against what may happen, and
 * its bytes handed to the model.
 */
final class ModelEnd {
    /** Bytes around a transfer's range in its buffer, to see that nothing outside it is touched. */
    static final byte SENTINEL = (byte) 0xA5;

    final String name;
    final TcpConnection conn;
    final ModelRun.Group group;
    final StreamModel out;
    StreamModel in;
    ModelEnd peer;
    /** Held by whoever reads this end: reads happen one at a time, so their order is the stream's. */
    final ReentrantLock readLock = new ReentrantLock();
    volatile long closeStart = Long.MAX_VALUE, abortStart = Long.MAX_VALUE, shutOutStart = Long.MAX_VALUE,
            shutInStart = Long.MAX_VALUE;
    /** A shutdownOutput of this end failed because its output was cut (later ones must fail too: no FIN follows a cut). */
    volatile boolean shutdownRefused;
    /** A default timeout was set at some point (blocking calls naming none may time out). */
    volatile boolean defaultTimeoutEver;
    final Duration closeTimeout;
    volatile boolean pumpStop;
    Thread pump;

    ModelEnd(String name, TcpConnection conn, ModelRun.Group group, StreamModel out, Duration closeTimeout) {
        this.name = name;
        this.conn = conn;
        this.group = group;
        this.out = out;
        this.closeTimeout = closeTimeout;
    }

    boolean closingBy(long tick) {
        return closeStart < tick || group.closingBy(tick);
    }

    boolean peerGoneBy(long tick) {
        return peer.closeStart < tick || peer.group.closingBy(tick) || peer.shutInStart < tick;
    }

    /** How a read of this end was made, for what it may end with. */
    record ReadCall(String how, boolean deadline, boolean interrupt, boolean cancelled, boolean orTimeout, boolean completed) {
    }

    /** A read buffer: {@code len} bytes of room between sentinel bytes at position {@code slack}. */
    static ByteBuffer readBuffer(int slack, int len, boolean direct) {
        int cap = slack + len + slack;
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(cap) : ByteBuffer.allocate(cap);
        for (int i = 0; i < cap; i++) b.put(i, SENTINEL);
        return b.limit(slack + len).position(slack);
    }

    /**
     * Settles one read of {@code in} into {@code dst} (from {@code pos}, {@code len} bytes): the
     * outcome is allowed, the buffer changed only in the bytes returned, and those go to the
     * model in order. Reader lock held. Returns whether the stream is over for this end.
     */
    boolean settleRead(ModelRun run, ReadCall c, ByteBuffer dst, int pos, int len, Object o, long done) {
        String what = (c.how().equals("pump") ? "pump-read " : c.how().equals("drain") ? "drain-read " : "read ")
                + name + " @" + in.receivedLength() + " " + c.how();
        EnumSet<Kind> allowed = EnumSet.of(Kind.OK);
        if (c.deadline() || defaultTimeoutEver) allowed.add(Kind.TIMEOUT);
        if (c.interrupt()) allowed.add(Kind.INTERRUPT);
        if (c.cancelled()) allowed.add(Kind.CANCEL);
        if (c.orTimeout()) allowed.add(Kind.OR_TIMEOUT);
        if (closingBy(done)) allowed.add(Kind.CLOSED);
        if (peerGoneBy(done) || closingBy(done)) allowed.add(Kind.PEER_GONE);
        Kind k = run.expect(what, o, allowed);
        if (o instanceof Integer n) {
            if (c.completed() && n == -7) {
                untouched(run, what + " (completed from outside)", dst, pos);
                return false;
            }
            if (n > 0 && n <= len) {
                if (dst.position() != pos + n) {
                    run.violation(what + " returned " + n + " but left the position at " + dst.position() + " (from " + pos + ")");
                }
                ByteBuffer all = dst.duplicate().clear();
                for (int i = 0; i < all.capacity(); i++) {
                    if ((i < pos || i >= pos + n) && all.get(i) != SENTINEL) {
                        run.violation(what + " returned " + n + " B at " + pos + " but changed byte " + i + " of its buffer");
                        break;
                    }
                }
                in.received(dst, pos, n);
                return false;
            }
            if (n == -1) {
                untouched(run, what + " (end of stream)", dst, pos);
                if (shutInStart >= done) {
                    if (!(peer.shutOutStart < done || peer.closeStart < done || peer.group.closingBy(done))) {
                        run.violation(what + ": end of stream, though the peer neither shut its output nor closed");
                    }
                    in.peerEnd(done);
                }
                return true;
            }
            run.violation(what + " of " + len + " B returned " + n);
            return false;
        }
        untouched(run, what + " (failed: " + ModelCalls.describe(o) + ")", dst, pos);
        if (k == Kind.CLOSED || k == Kind.PEER_GONE) {
            if (in.readerEnd == null) in.readerEnd = (Throwable) o;
            return true;
        }
        return false;
    }

    /** A read that returned no bytes left its buffer as it was. */
    private static void untouched(ModelRun run, String what, ByteBuffer dst, int pos) {
        if (dst.position() != pos) run.violation(what + " moved the buffer's position from " + pos + " to " + dst.position());
        ByteBuffer all = dst.duplicate().clear();
        for (int i = 0; i < all.capacity(); i++) {
            if (all.get(i) != SENTINEL) {
                run.violation(what + " wrote byte " + i + " of its buffer: a read given up or failed received bytes");
                return;
            }
        }
    }

    /** How a write of this end was made. */
    record WriteCall(boolean deadline, boolean interrupt, boolean cancelled, boolean orTimeout) {
    }

    /** Settles write {@code w} (buffer {@code b}, frame from {@code slack}): its outcome is allowed, and a success moved the position. */
    void settleWrite(ModelRun run, StreamModel.Write w, WriteCall c, java.nio.ByteBuffer b, int slack, Object o, long done) {
        w.outcome = o instanceof Throwable ? o : o instanceof Integer ? o : new IllegalStateException("write result " + o);
        w.done = done;
        String what = "write " + name + " " + w;
        EnumSet<Kind> allowed = EnumSet.of(Kind.OK);
        if (c.deadline() || defaultTimeoutEver) allowed.add(Kind.TIMEOUT);
        if (c.interrupt()) allowed.add(Kind.INTERRUPT);
        if (c.cancelled()) allowed.add(Kind.CANCEL);
        if (c.orTimeout()) allowed.add(Kind.OR_TIMEOUT);
        if (out.giveUpFrom() < done) allowed.add(Kind.CUT);
        if (closingBy(done) || shutOutStart < done) allowed.add(Kind.CLOSED);
        if (peerGoneBy(done) || closingBy(done)) allowed.add(Kind.PEER_GONE);
        sawReset(run.expect(what, o, allowed), o, w.start);
        if (o instanceof Integer n) {
            if (n != w.frameLength()) run.violation(what + " completed with " + n + ", its frame has " + w.frameLength() + " B");
            if (b != null && b.position() != slack + w.frameLength()) {
                run.violation(what + " completed but left its buffer's position at " + b.position() + ", expected " + (slack + w.frameLength()));
            }
        }
    }

    /** Notes a send-side failure (begun at {@code start}) that may have consumed the connection's reset. */
    void sawReset(Kind k, Object o, long start) {
        if (k == Kind.PEER_GONE && o instanceof Throwable t && t.getMessage() != null
                && (t.getMessage().contains("ECONNRESET") || t.getMessage().contains("EPIPE"))) {
            in.readerSendReset(start);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
