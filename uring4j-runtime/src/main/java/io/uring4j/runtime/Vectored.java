package io.uring4j.runtime;

import io.uring4j.core.Iovecs;
import io.uring4j.core.Opcode;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * READV/WRITEV for {@link AsyncFile}. The iovec array lives in a pooled buffer of the operation.
 * All-direct buffers are handed to the kernel as they are; if any buffer is on the heap, the
 * transfer goes through one pooled buffer of the total size (gathered before a write, scattered
 * after a read). Each buffer's position and limit are read once, on the calling thread
 * ({@link BufferBounds}): the iovecs, the copies and the position updates all come from that
 * snapshot, so a buffer another thread moves meanwhile is never read or written outside.
 */
final class Vectored {
    private Vectored() {}

    static final int MAX_BUFFERS = 1024; // IOV_MAX

    /** One vectored request: the buffers, their snapshots, and where the staged data starts. */
    private static final class Request {
        final AsyncFile file;
        final ByteBuffer[] bufs;
        final long[] bounds;
        final boolean isRead;
        final boolean direct;
        /** Offset of the staged data in the operation's pooled buffer (heap buffers), after the iovecs. */
        long dataAt;

        Request(AsyncFile file, ByteBuffer[] bufs, long[] bounds, boolean isRead, boolean direct) {
            this.file = file;
            this.bufs = bufs;
            this.bounds = bounds;
            this.isRead = isRead;
            this.direct = direct;
        }
    }

    static CompletableFuture<Long> transfer(AsyncFile file, Opcode opcode, ByteBuffer[] bufs, long position) {
        if (bufs.length == 0 || bufs.length > MAX_BUFFERS) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "vectored I/O takes 1.." + MAX_BUFFERS + " buffers, given " + bufs.length));
        }
        boolean isRead = opcode == Opcode.READV;
        ByteBuffer[] copy = bufs.clone();
        long[] bounds = new long[copy.length];
        long total = 0;
        boolean allDirect = true;
        for (int i = 0; i < copy.length; i++) {
            ByteBuffer b = copy[i];
            try {
                bounds[i] = BufferBounds.snapshot(b);
            } catch (RuntimeException moved) {
                return CompletableFuture.failedFuture(moved);
            }
            CompletableFuture<Long> bad = FileTransfer.check(file, b, bounds[i], position, isRead);
            if (bad != null) return bad;
            total += BufferBounds.length(bounds[i]);
            allDirect &= b.isDirect();
        }
        if (!allDirect && total > BufferPool.maxBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "heap buffers of one vectored transfer hold at most " + BufferPool.maxBytes() + " bytes, given " + total));
        }
        final long size = total;
        Request req = new Request(file, copy, bounds, isRead, allDirect);
        EventLoop loop = file.loop();
        return loop.submit(f -> {
            if (!file.isOpen()) { // closed while this was on its way to the loop
                f.completeExceptionally(Errors.closed());
                return;
            }
            long iovBytes = Iovecs.BYTES * copy.length;
            req.dataAt = (iovBytes + 4095) & ~4095L; // staged data starts page-aligned
            Operation op = loop.acquire(DONE, f, loop.buffers().acquire(req.direct ? iovBytes : req.dataAt + size));
            op.context = req;
            op.owner = file;
            MemorySegment iov = op.buffer.segment;
            long staged = req.dataAt;
            for (int i = 0; i < copy.length; i++) {
                ByteBuffer b = copy[i];
                int length = BufferBounds.length(bounds[i]);
                MemorySegment part;
                if (req.direct) {
                    // A slice of the whole buffer at the snapshot: bounds-checked against its capacity.
                    part = loop.wholeSegment(b).asSlice(BufferBounds.start(bounds[i]), length);
                } else {
                    part = iov.asSlice(staged, length);
                    if (!isRead) BufferBounds.copyIn(b, bounds[i], iov, staged);
                    staged += length;
                }
                Iovecs.set(iov, i, part);
            }
            MemorySegment iovecs = iov.asSlice(0, iovBytes);
            loop.start(op, file.target(isRead ? loop.sqe().prepReadv(file.fd(), iovecs, copy.length, position)
                    : loop.sqe().prepWritev(file.fd(), iovecs, copy.length, position)), file.timeout());
            file.state.requests.requestStarted();
        });
    }

    /**
     * Scatters a staged read back and advances each buffer from its snapshot. A buffer whose limit
     * was moved below its new position fails the request (ConcurrentModificationException)
     * instead of throwing on the loop thread.
     */
    private static final Operation.Completion DONE = (loop, op, res, flags, more) -> {
        Request req = (Request) op.context;
        req.file.state.requests.requestEnded();
        if (res < 0) {
            op.future.completeExceptionally(Errors.of(res, req.isRead ? "readv" : "writev", req.file.path(),
                    req.file.state.timedOut(op, res)));
            return;
        }
        long left = res;
        long staged = req.dataAt;
        RuntimeException moved = null;
        long asked = 0;
        for (int i = 0; i < req.bufs.length; i++) {
            ByteBuffer b = req.bufs[i];
            long bounds = req.bounds[i];
            int length = BufferBounds.length(bounds);
            asked += length;
            int n = (int) Math.min(left, length);
            if (req.isRead && !req.direct) BufferBounds.copyOut(op.buffer.segment, staged, b, bounds, n);
            staged += length;
            if (!BufferBounds.advance(b, bounds, n) && moved == null) moved = BufferBounds.movedAfter(b, bounds, n);
            left -= n;
        }
        if (moved != null) {
            op.future.completeExceptionally(moved);
        } else {
            op.future.complete(req.isRead && res == 0 && asked > 0 ? -1L : (long) res);
        }
    };
}
