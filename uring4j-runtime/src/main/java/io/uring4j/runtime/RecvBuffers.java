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
    /** One view per buffer, made once, so handing a buffer to a connection allocates nothing. */
    private final MemorySegment[] views = new MemorySegment[COUNT];
    private final ArrayDeque<TcpConnection> starved = new ArrayDeque<>();

    RecvBuffers(EventLoop loop) {
        this.block = loop.arena().allocate((long) COUNT * SIZE, 4096);
        NativeMemory.allocated((long) COUNT * SIZE);
        this.ring = BufferRing.register(loop.ring(), COUNT, GROUP);
        for (int bid = 0; bid < COUNT; bid++) {
            views[bid] = block.asSlice((long) bid * SIZE, SIZE);
            ring.add(views[bid], bid, bid);
        }
        ring.advance(COUNT);
    }

    /** The bytes of buffer {@code bid}. */
    MemorySegment buffer(int bid) {
        return views[bid];
    }

    /** Gives buffer {@code bid} back to the kernel and re-arms a starved connection. */
    void recycle(int bid) {
        ring.add(block.address() + (long) bid * SIZE, SIZE, bid, 0);
        ring.advance(1);
        TcpConnection c = starved.pollFirst();
        if (c != null) {
            c.rearmReceive();
        }
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
