package io.uring4j.runtime;

import io.uring4j.core.BufferRing;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * The provided-buffer ring one loop's connections receive into (multishot recv with
 * BUFFER_SELECT): {@link #COUNT} buffers of {@link #SIZE} bytes in one native block. A buffer the
 * kernel filled belongs to the connection that got it until the user has read it; then it goes
 * back to the ring. Connections whose receive stopped for lack of buffers (-ENOBUFS) wait in
 * {@link #starved}; before the loop next enters the kernel, {@link #rearmStarved} re-arms as many
 * of them as there are buffers back in the ring, oldest first. (Re-arming one per recycled
 * buffer, at the moment it came back, left connections that starved later in the same CQE batch
 * waiting for another recycle while the ring was full of free buffers: at 1000 connections of
 * 4 KiB the echo server crawled at a few thousand requests per second.)
 */
final class RecvBuffers {
    static final int GROUP = 1;
    static final int COUNT = 1024;
    static final int SIZE = 4096;

    private final BufferRing ring;
    private final MemorySegment block;
    /** One view per buffer, made once, so handing a buffer to a connection allocates nothing. */
    private final MemorySegment[] views = new MemorySegment[COUNT];
    /** The same buffers as operation-held buffers, for a send that takes one over. */
    private final NativeBuffer[] held = new NativeBuffer[COUNT];
    private final ArrayDeque<TcpConnectionState> starved = new ArrayDeque<>();
    /** Buffers in the ring for the kernel to fill: recycled and not yet reported taken by a CQE. */
    private int available = COUNT;
    /** Rounds left in the current streak of {@link #rearmStarved} rounds without waiting (-1: no streak). */
    private int roundsLeft = -1;

    RecvBuffers(EventLoop loop) {
        this.block = loop.arena().allocate((long) COUNT * SIZE, 4096);
        NativeMemory.allocated((long) COUNT * SIZE);
        this.ring = BufferRing.register(loop.ring(), COUNT, GROUP);
        for (int bid = 0; bid < COUNT; bid++) {
            views[bid] = block.asSlice((long) bid * SIZE, SIZE);
            held[bid] = NativeBuffer.receiveBuffer(views[bid], bid);
            ring.add(views[bid], bid, bid);
        }
        ring.advance(COUNT);
    }

    /** The bytes of buffer {@code bid}. */
    MemorySegment buffer(int bid) {
        return views[bid];
    }

    /** Buffer {@code bid} as a buffer an operation holds; {@link EventLoop} recycles it when the operation ends. */
    NativeBuffer held(int bid) {
        return held[bid];
    }

    /** A receive CQE handed buffer {@code bid}'s bytes to a connection. */
    void taken() {
        available--;
    }

    /** Gives buffer {@code bid} back to the kernel. */
    void recycle(int bid) {
        ring.add(views[bid], bid, 0);
        ring.advance(1);
        available++;
    }

    /** Buffers in the ring for the kernel to fill (every one, when no connection holds any). */
    int available() {
        return available;
    }

    void starved(TcpConnectionState c) {
        starved.addLast(c);
    }

    /**
     * Called by the loop just before it enters the kernel, when every CQE so far has been
     * handled and {@link #available} is exact: re-arms one starved connection per free buffer.
     * A re-armed receive that still finds none ends with -ENOBUFS again and queues once more.
     *
     * <p>Returns whether the loop should enter without waiting and call this again: a connection
     * re-armed with nothing to receive takes no buffer (and sends no CQE), so buffers can still be
     * free with connections starved behind it, and a loop that slept then would leave their bytes
     * in the kernel until some other completion woke it. Each such round re-arms at least one
     * connection; a streak of rounds gives each connection that waited at its start one more try,
     * so a count that disagreed with the kernel's ring could cost a few rounds, never a busy loop.
     */
    boolean rearmStarved() {
        int waiting = starved.size();
        for (int budget = available; budget > 0 && !starved.isEmpty(); budget--) {
            starved.pollFirst().rearmReceive();
        }
        if (available == 0 || starved.isEmpty()) {
            roundsLeft = -1;
            return false;
        }
        if (roundsLeft < 0) roundsLeft = waiting;
        if (roundsLeft == 0) {
            roundsLeft = -1;
            return false;
        }
        roundsLeft--;
        return true;
    }

    /** Connections waiting in the starved list (a connection may wait there more than once): for tests and diagnostics. */
    int starvedCount() {
        return starved.size();
    }

    void forget(TcpConnectionState c) {
        starved.remove(c);
    }

    void close() {
        ring.close();
        NativeMemory.freed((long) COUNT * SIZE);
    }
}
