package io.uring4j.runtime;

import io.uring4j.core.Opcode;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * READV/WRITEV for {@link AsyncFile}. The iovec array lives in a pooled buffer of the operation.
 * All-direct buffers are handed to the kernel as they are; if any buffer is on the heap, the
 * transfer goes through one pooled buffer of the total size (gathered before a write, scattered
 * after a read).
 */
final class Vectored {
    private Vectored() {}

    static final int MAX_BUFFERS = 1024; // IOV_MAX

    static CompletableFuture<Long> transfer(AsyncFile file, Opcode opcode, ByteBuffer[] bufs, long position) {
        if (bufs.length == 0 || bufs.length > MAX_BUFFERS) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "vectored I/O takes 1.." + MAX_BUFFERS + " buffers, given " + bufs.length));
        }
        long total = 0;
        boolean allDirect = true;
        for (ByteBuffer b : bufs) {
            CompletableFuture<Long> bad = file.check(b, position, opcode == Opcode.READV);
            if (bad != null) return bad;
            total += b.remaining();
            allDirect &= b.isDirect();
        }
        if (!allDirect && total > BufferPool.maxBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "heap buffers of one vectored transfer hold at most " + BufferPool.maxBytes() + " bytes, given " + total));
        }
        boolean isRead = opcode == Opcode.READV;
        final long size = total;
        final boolean direct = allDirect;
        EventLoop loop = file.loop();
        ByteBuffer[] copy = bufs.clone();
        return loop.submit(f -> {
            Operation op = loop.acquire(DONE, f);
            op.context = new Object[] {file, copy, isRead, direct};
            long iovBytes = 16L * copy.length;
            long dataAt = (iovBytes + 4095) & ~4095L; // staged data starts page-aligned
            op.buffer = loop.buffers().acquire(direct ? iovBytes : dataAt + size);
            MemorySegment iov = op.buffer.segment;
            long staged = 0;
            for (int i = 0; i < copy.length; i++) {
                ByteBuffer b = copy[i];
                long addr;
                if (direct) {
                    addr = MemorySegment.ofBuffer(b).address();
                } else {
                    addr = iov.address() + dataAt + staged;
                    if (!isRead) MemorySegment.copy(MemorySegment.ofBuffer(b), 0, iov, dataAt + staged, b.remaining());
                    staged += b.remaining();
                }
                iov.set(JAVA_LONG, 16L * i, addr);
                iov.set(JAVA_LONG, 16L * i + 8, b.remaining());
            }
            op.value = dataAt;
            io.uring4j.core.Sqe sqe = file.target(isRead ? loop.sqe().prepReadv(file.fd(), iov, copy.length, position)
                    : loop.sqe().prepWritev(file.fd(), iov, copy.length, position))
                    .userData(op.userData(UserData.TAG_MAIN));
            loop.started(op, file.guard(op, sqe));
            loop.cancelWith(op, f);
        });
    }

    private static final Operation.Completion DONE = (loop, op, res, flags, more) -> {
        Object[] ctx = (Object[]) op.context;
        AsyncFile file = (AsyncFile) ctx[0];
        ByteBuffer[] bufs = (ByteBuffer[]) ctx[1];
        boolean isRead = (Boolean) ctx[2];
        boolean direct = (Boolean) ctx[3];
        if (res < 0) {
            op.future.completeExceptionally(Errors.of(res, isRead ? "readv" : "writev", file.path(), EventLoop.timedOut(op, res)));
            return;
        }
        long left = res;
        long staged = op.value;
        for (ByteBuffer b : bufs) {
            int n = (int) Math.min(left, b.remaining());
            if (isRead && !direct && n > 0) {
                MemorySegment.copy(op.buffer.segment, staged, MemorySegment.ofBuffer(b), 0, n);
            }
            staged += b.remaining();
            b.position(b.position() + n);
            left -= n;
        }
        op.future.complete(isRead && res == 0 ? -1L : (long) res);
    };
}
