package io.uring4j.tools.bench.child;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One read in flight of a channel that completes through a {@link CompletionHandler}
 * (AsynchronousFileChannel, the runtime's AsyncFile): its handler, this object, checks the block
 * and issues the next read, until the window is over. The read is issued through a
 * {@link Issuer} made once per slot, so a read allocates nothing here.
 */
final class ReadSlot extends ReadBench.Stream implements CompletionHandler<Integer, Void> {
    /** Starts one positional read into {@code dst} whose completion goes to {@code slot}. */
    interface Issuer {
        void read(ByteBuffer dst, long position, ReadSlot slot);
    }

    private final ByteBuffer buf = ReadBench.alignedBlock();
    private final Issuer issuer;
    private final Window w;
    private final CountDownLatch finished;

    private ReadSlot(int id, long blocks, Issuer issuer, Window w, CountDownLatch finished) {
        super(id, blocks);
        this.issuer = issuer;
        this.w = w;
        this.finished = finished;
    }

    /**
     * {@code qd} slots, each with a read in flight, through the window; then waits for them to
     * drain and returns their latencies ({@code what} names the reads in the error of a drain that
     * does not end).
     */
    static LatencyHistogram run(int qd, long blocks, Window w, Issuer issuer, String what) throws Exception {
        CountDownLatch finished = new CountDownLatch(qd);
        List<ReadSlot> slots = new ArrayList<>();
        for (int i = 0; i < qd; i++) {
            ReadSlot slot = new ReadSlot(i, blocks, issuer, w, finished);
            slots.add(slot);
            slot.issue();
        }
        w.run(slots);
        if (!finished.await(60, TimeUnit.SECONDS)) throw new IOException(what + " did not drain in 60 s");
        return ReadBench.merge(slots);
    }

    private void issue() {
        buf.clear();
        issuing();
        issuer.read(buf, nextOffset(), this);
    }

    @Override
    public void completed(Integer got, Void unused) {
        try {
            completed(got, buf.getLong(0), w);
        } catch (Throwable t) {
            failed(t, null);
            return;
        }
        if (w.over()) finished.countDown();
        else issue();
    }

    @Override
    public void failed(Throwable t, Void unused) {
        failure = t;
        finished.countDown();
    }
}
