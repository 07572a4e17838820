package io.uring4j.runtime;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A READ or WRITE of an {@link AsyncFile}: the hand-over to the loop, the checks made before the
 * request exists, and the completions (the SQE itself is prepared by {@code AsyncFile.start}). Both work from the request's one
 * {@link BufferBounds snapshot} of the buffer, never from its current position and limit.
 */
final class FileTransfer {
    private FileTransfer() {}

    /** A READ ({@code isRead}) or WRITE of {@code buf} at {@code position}, completing a future. */
    static CompletableFuture<Integer> submit(AsyncFile file, boolean isRead, ByteBuffer buf, long position, Duration timeout) {
        long bounds;
        try {
            // Checked here, before the SQE exists: a linked timeout refused on the loop would leave
            // the request's SQE flagged IOSQE_IO_LINK with no timeout after it.
            AsyncFile.positive(timeout);
            bounds = BufferBounds.snapshot(buf); // the one read of position and limit for this request
        } catch (RuntimeException badTimeoutOrMoved) {
            return CompletableFuture.failedFuture(badTimeoutOrMoved);
        }
        CompletableFuture<Integer> early = check(file, buf, bounds, position, isRead);
        if (early != null) return early;
        if (HeapChunks.needed(buf, bounds)) return HeapChunks.transfer(file, isRead, buf, bounds, position, timeout);
        return file.loop().submit(f -> {
            if (!file.isOpen()) f.completeExceptionally(Errors.closed()); // closed while this was on its way to the loop
            else file.start(isRead, buf, bounds, position, timeout, f, null, null);
        });
    }

    /**
     * A READ or WRITE whose result goes to {@code handler} on the loop thread; issued from that
     * thread (a handler issuing the next request) it starts at once and allocates nothing.
     */
    static <A> void submit(AsyncFile file, boolean isRead, ByteBuffer buf, long position, A attachment,
                           CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        @SuppressWarnings("unchecked")
        CompletionHandler<Object, Object> h = (CompletionHandler<Object, Object>) (CompletionHandler<?, ?>) handler;
        long bounds;
        try {
            bounds = BufferBounds.snapshot(buf); // the one read of position and limit for this request
        } catch (RuntimeException moved) {
            h.failed(moved, attachment);
            return;
        }
        CompletableFuture<Integer> early = check(file, buf, bounds, position, isRead);
        EventLoop loop = file.loop();
        if (early != null) {
            h.failed(early.exceptionNow(), attachment);
        } else if (HeapChunks.needed(buf, bounds)) {
            HeapChunks.transfer(file, isRead, buf, bounds, position, null).whenComplete((n, t) -> {
                if (t == null) h.completed(n, attachment);
                else h.failed(t, attachment);
            });
        } else if (loop.inEventLoop()) {
            startOrFail(file, isRead, buf, bounds, position, h, attachment);
        } else {
            try {
                loop.runOnLoop(() -> startOrFail(file, isRead, buf, bounds, position, h, attachment));
            } catch (IllegalStateException loopClosed) {
                h.failed(Errors.closed(), attachment);
            }
        }
    }

    private static void startOrFail(AsyncFile file, boolean isRead, ByteBuffer buf, long bounds, long position,
                                    CompletionHandler<Object, Object> h, Object attachment) {
        if (!file.isOpen()) { // closed while this was on its way to the loop
            h.failed(Errors.closed(), attachment);
            return;
        }
        try {
            file.start(isRead, buf, bounds, position, null, null, h, attachment);
        } catch (Throwable t) {
            h.failed(t, attachment);
        }
    }

    /**
     * The early failure of a transfer of {@code buf} (snapshot {@code bounds}) by {@code file} at
     * {@code position}, or null if it may go ahead. Reads nothing of the buffer but the snapshot.
     */
    static <T> CompletableFuture<T> check(AsyncFile file, ByteBuffer buf, long bounds, long position, boolean isRead) {
        if (!file.isOpen()) return CompletableFuture.failedFuture(Errors.closed());
        if (isRead && buf.isReadOnly()) {
            // The kernel would write into it regardless: refuse, as FileChannel does.
            return CompletableFuture.failedFuture(new IllegalArgumentException("a read needs a writable buffer, given a read-only " + buf));
        }
        if (position < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("position must be >= 0, given " + position));
        }
        int length = BufferBounds.length(bounds);
        if (file.direct) {
            // A heap buffer goes through an aligned pooled buffer; a direct one's address is checked
            // without making a segment (this runs per request).
            int misaligned = buf.isDirect() ? buf.alignmentOffset(BufferBounds.start(bounds), 512) : 0;
            if (position % 512 != 0 || length % 512 != 0 || misaligned != 0) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(
                        "O_DIRECT needs position, length and buffer address aligned to 512 bytes, given position "
                                + position + ", length " + length + ", address " + misaligned + " bytes past a 512-byte boundary"));
            }
        }
        return null;
    }

    /**
     * A read's completion: the bytes are copied back (heap buffer) and the position advanced from
     * the request's snapshot, by absolute index, so a buffer moved meanwhile is never written
     * outside and the loop never throws for it. {@code -1} only at end of file: a read of 0 bytes
     * asked is 0, as with FileChannel.
     */
    static final Operation.Completion READ_DONE = (loop, op, res, flags, more) -> {
        AsyncFileState file = ((AsyncFile) op.context).state;
        file.requests.requestEnded();
        if (res < 0) {
            op.fail(Errors.of(res, "read", file.path, file.timedOut(op, res)));
            return;
        }
        ByteBuffer dst = op.userBuffer;
        long bounds = op.value;
        if (op.buffer != null) BufferBounds.copyOut(op.buffer.segment, 0, dst, bounds, res);
        if (!BufferBounds.advance(dst, bounds, res)) {
            op.fail(BufferBounds.movedAfter(dst, bounds, res));
            return;
        }
        op.succeed(loop.boxed(res == 0 && BufferBounds.length(bounds) > 0 ? -1 : res));
    };

    static final Operation.Completion WRITE_DONE = (loop, op, res, flags, more) -> {
        AsyncFileState file = ((AsyncFile) op.context).state;
        file.requests.requestEnded();
        if (res < 0) {
            op.fail(Errors.of(res, "write", file.path, file.timedOut(op, res)));
            return;
        }
        ByteBuffer src = op.userBuffer;
        if (!BufferBounds.advance(src, op.value, res)) {
            op.fail(BufferBounds.movedAfter(src, op.value, res));
            return;
        }
        op.succeed(loop.boxed(res));
    };
}
