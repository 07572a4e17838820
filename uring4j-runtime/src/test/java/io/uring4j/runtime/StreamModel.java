package io.uring4j.runtime;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The model of one direction of a TCP pair in {@link RuntimeModelTest}: what the writer's calls
 * put into the stream and what the reader got out of it.
 *
 * <p>Writes come from several threads at once, so the stream's order is not known in advance;
 * each write is therefore a self-describing frame (id and length, then a payload that is a
 * function of the id and the byte's index), and the check parses what the reader received:
 * <ul>
 *   <li>every byte is the one its frame says (a mismatch names the stream offset, the write and
 *       the byte), no write arrives twice, and no unknown frame arrives;</li>
 *   <li>order: a write whose call returned before another's began comes first;</li>
 *   <li>a write made after a write was given up (cancelled, timed out, interrupted: the output is
 *       cut) fails and sends nothing;</li>
 *   <li>a clean end of stream (-1 that the reader's own shutdownInput did not cause) comes only
 *       after whole frames, and after every write whose future completed normally. Without a
 *       clean end (a reset, a close, a group close, the reader's own shutdown) what arrived is
 *       a prefix, and only the rules above apply.</li>
 * </ul>
 * Time is the run's logical clock: a tick taken before a call is at or before the call's real
 * start, one taken after it returned at or after its real end, so every rule errs on the safe
 * side.
 */
final class StreamModel {
    static final int HEADER = 8;

    /** One write call: its frame and what became of it. */
    static final class Write {
        final int id;
        final int payload;
        final String how;
        /** Ticks: before the call, after the call returned (the write was queued by then), after the outcome was seen. */
        volatile long start, called = Long.MAX_VALUE, done = Long.MAX_VALUE;
        /** Null while pending; the count (Integer) or the failure (Throwable). */
        volatile Object outcome;
        /** Made on an event loop thread (from a completion), where the call runs at once (it must still come after writes other threads made before). */
        volatile boolean onLoop;

        Write(int id, int payload, String how) {
            this.id = id;
            this.payload = payload;
            this.how = how;
        }

        int frameLength() {
            return HEADER + payload;
        }

        boolean succeeded() {
            return outcome instanceof Integer;
        }

        @Override
        public String toString() {
            return "write " + id + " (" + payload + " B, " + how + ", ticks " + start + ".." + called + ".." + done
                    + ", " + (outcome == null ? "pending" : outcome instanceof Throwable t ? t.toString() : outcome + " B") + ")";
        }
    }

    final String name;
    private final List<Write> writes = new ArrayList<>();
    /** What the reader got, in order; appended only under the reader's read lock. */
    private byte[] received = new byte[1 << 12];
    private int receivedLength;
    /** The reader read -1 that its own shutdownInput did not cause. */
    volatile boolean peerEnd;
    /**
     * That -1 came after the reader's own send had reported the connection reset: Linux reports a
     * socket error once, so the receive then finds a closed socket and returns 0 (the runtime must still fail the reads with the reset).
     * Decided after the run, from the ticks below.
     */
    private volatile long peerEndAt = Long.MAX_VALUE;
    /** Start tick of the first of the reader's own sends that failed with a reset or broken pipe, or MAX. */
    private volatile long readerSendReset = Long.MAX_VALUE;

    void peerEnd(long tick) {
        peerEnd = true;
        if (tick < peerEndAt) peerEndAt = tick;
    }

    synchronized void readerSendReset(long startTick) {
        if (startTick < readerSendReset) readerSendReset = startTick;
    }

    /** The clean end may be a reset the reader's send took first: a send that saw it began before the end was read. */
    boolean endAfterReset() {
        return peerEnd && readerSendReset < peerEndAt;
    }


    /** The reader got a failure that ended the stream (a reset, a closed-channel exception). */
    volatile Throwable readerEnd;
    /** Tick after the first write of this direction was given up (the output cut), or MAX. */
    private volatile long cutAt = Long.MAX_VALUE;

    StreamModel(String name) {
        this.name = name;
    }

    synchronized Write newWrite(int payload, String how) {
        Write w = new Write(writes.size() + 1, payload, how);
        writes.add(w);
        return w;
    }

    /** Tick before the first write of this direction that could give up (so a cut may follow), or MAX. */
    private volatile long giveUpFrom = Long.MAX_VALUE;
    /** Some write of this direction was given up: the output is cut. */
    volatile boolean cutSeen;

    synchronized void mayGiveUp(long tick) {
        if (tick < giveUpFrom) giveUpFrom = tick;
    }

    long giveUpFrom() {
        return giveUpFrom;
    }

    /**
     * A write was given up; {@code tick} was taken after the give-up's hand-over to the loop when
     * {@code ordered} (the giving-up thread's own cancel, timeout or interrupt), so a write begun
     * later is refused; an orTimeout on the timer's thread gives no such order.
     */
    synchronized void givenUp(long tick, boolean ordered) {
        cutSeen = true;
        if (ordered && tick < cutAt) cutAt = tick;
    }

    long cutAt() {
        return cutAt;
    }

    /** Payload byte {@code i} of write {@code id}. */
    static byte payload(int id, int i) {
        long h = (id * 0x9E3779B97F4A7C15L) ^ (i * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (byte) (h ^ (h >>> 32));
    }

    /** {@code w}'s frame in a heap or direct buffer, from position {@code slack} to the limit. */
    static ByteBuffer frame(Write w, boolean direct, int slack) {
        int n = w.frameLength();
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(slack + n + slack) : ByteBuffer.allocate(slack + n + slack);
        b.position(slack);
        b.putInt(w.id).putInt(w.payload);
        for (int i = 0; i < w.payload; i++) b.put(payload(w.id, i));
        b.limit(slack + n).position(slack);
        return b;
    }

    /** Appends {@code n} bytes of {@code from} at {@code at} to the received stream. Reader lock held. */
    void received(ByteBuffer from, int at, int n) {
        if (receivedLength + n > received.length) {
            received = java.util.Arrays.copyOf(received, Math.max(received.length * 2, receivedLength + n));
        }
        from.get(at, received, receivedLength, n);
        receivedLength += n;
    }

    int receivedLength() {
        return receivedLength;
    }

    /** Whether the writer got its whole stream to the reader in order (after the run; one thread). */
    void check(Consumer<String> violation) {
        Write[] byId = writes.toArray(new Write[0]);
        long cut = cutAt;
        for (Write w : byId) {
            if (w.outcome == null) violation.accept(name + ": " + w + " never completed");
            if (w.start > cut && w.succeeded()) {
                violation.accept(name + ": " + w + " succeeded though it began after a write was given up (tick " + cut + ")");
            }
        }
        boolean[] present = new boolean[byId.length + 1]; // some of its frame arrived
        boolean[] whole = new boolean[byId.length + 1];   // all of it
        int[] at = new int[byId.length + 1];
        Write latestStart = null;
        int o = 0;
        Write cutFrame = null;
        int cutFrameBytes = 0;
        while (o < receivedLength) {
            if (receivedLength - o < HEADER) {
                cutFrame = new Write(-1, -1, "header");
                cutFrameBytes = receivedLength - o;
                break;
            }
            int id = getInt(o), len = getInt(o + 4);
            if (id < 1 || id > byId.length) {
                violation.accept(name + ": stream offset " + o + " holds an unknown frame (id " + id + ", length " + len
                        + ") after " + (o == 0 ? "nothing" : o + " B of valid frames"));
                return;
            }
            Write w = byId[id - 1];
            if (len != w.payload) {
                violation.accept(name + ": stream offset " + o + ": frame of write " + id + " says " + len
                        + " B, the write had " + w.payload + " B: " + w);
                return;
            }
            if (present[id]) {
                violation.accept(name + ": " + w + " arrived twice, at stream offsets " + at[id] + " and " + o);
                return;
            }
            present[id] = true;
            at[id] = o;
            int avail = Math.min(len, receivedLength - o - HEADER);
            for (int i = 0; i < avail; i++) {
                byte got = received[o + HEADER + i];
                if (got != payload(id, i)) {
                    violation.accept(name + ": stream offset " + (o + HEADER + i) + " (byte " + i + " of " + w + "): expected "
                            + (payload(id, i) & 0xFF) + ", got " + (got & 0xFF));
                    return;
                }
            }
            if (latestStart != null && w.called < latestStart.start) {
                violation.accept(name + ": " + w + " arrived after " + latestStart + ", though its call returned before that one began");
            }
            if (latestStart == null || w.start > latestStart.start) latestStart = w;
            if (w.start > cut) {
                violation.accept(name + ": bytes of " + w + ", begun after a write was given up (tick " + cut + "), reached the peer");
            }
            if (avail < len) {
                cutFrame = w;
                cutFrameBytes = avail;
                break;
            }
            whole[id] = true;
            o += HEADER + len;
        }
        if (!peerEnd) return;
        Consumer<String> endViolation = violation;
        if (cutFrame != null) {
            endViolation.accept(name + ": a clean end of stream came after " + cutFrameBytes + " B of a frame ("
                    + (cutFrame.id < 0 ? "a header" : cutFrame.toString()) + "): the peer takes a cut stream for a whole one");
        }
        for (Write w : byId) {
            if (w.succeeded() && !whole[w.id]) {
                endViolation.accept(name + ": " + w + " completed, but the reader got a clean end of stream without it ("
                        + receivedLength + " B received)");
            }
        }
    }

    private int getInt(int o) {
        return ((received[o] & 0xFF) << 24) | ((received[o + 1] & 0xFF) << 16) | ((received[o + 2] & 0xFF) << 8) | (received[o + 3] & 0xFF);
    }

    /** Counts for the run's summary. */
    synchronized int writeCount() {
        return writes.size();
    }

    /** Whether {@code t} is a closed-channel exception (the channel's close, or its group's). */
    static boolean closedChannel(Throwable t) {
        return t instanceof ClosedChannelException || t instanceof AsynchronousCloseException;
    }
}
