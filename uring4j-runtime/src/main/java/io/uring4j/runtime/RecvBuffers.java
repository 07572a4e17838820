package io.uring4j.runtime;

import io.uring4j.core.BufferRing;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * The provided-buffer ring one loop's connections receive into (multishot recv with
 * BUFFER_SELECT): {@link #COUNT} buffers of {@link #SIZE} bytes in one native block. A buffer the
 * kernel filled belongs to the connection that got it until the user has read it; then it goes
 * back to the ring. Connections whose receive stopped for lack of buffers (-ENOBUFS) wait in
 * {@link #starved} and are re-armed when buffers come back.
 */
final class RecvBuffers {
    static final int GROUP = 1;
    static final int COUNT = 1024;
    static final int SIZE = 4096;

    private final BufferRing ring;
    private final MemorySegment block;
    private final ArrayDeque<TcpConnection> starved = new ArrayDeque<>();
    /** Buffers published to the kernel and not yet taken by a CQE. */
    private int inKernel = COUNT;

    RecvBuffers(EventLoop loop) {
        this.block = loop.arena().allocate((long) COUNT * SIZE, 4096);
        NativeMemory.allocated((long) COUNT * SIZE);
        this.ring = BufferRing.register(loop.ring(), COUNT, GROUP);
        for (int bid = 0; bid < COUNT; bid++) {
            ring.add(block.asSlice((long) bid * SIZE, SIZE), bid, bid);
        }
        ring.advance(COUNT);
    }

    /** The bytes of buffer {@code bid}. */
    MemorySegment buffer(int bid) {
        return block.asSlice((long) bid * SIZE, SIZE);
    }

    /** Gives buffer {@code bid} back to the kernel and re-arms a starved connection. */
    void recycle(int bid) {
        ring.add(block.address() + (long) bid * SIZE, SIZE, bid, 0);
        ring.advance(1);
        inKernel++;
        TcpConnection c = starved.pollFirst();
        if (c != null) {
            c.rearmReceive();
        }
    }

    /** A CQE took buffer {@code bid} out of the ring. */
    void taken() {
        inKernel--;
    }

    /** Buffers the kernel can still pick from. */
    int available() {
        return inKernel;
    }

    void starved(TcpConnection c) {
        starved.addLast(c);
    }

    void forget(TcpConnection c) {
        starved.remove(c);
    }

    void close() {
        ring.close();
        NativeMemory.freed((long) COUNT * SIZE);
    }
}
