package io.uring4j.runtime;

import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A file transfer of a heap buffer larger than the loop's largest pooled buffer
 * ({@link BufferPool#maxBytes()}, 16 MiB): the bytes go as consecutive requests of at most that
 * size, each staged through a pooled buffer as a smaller transfer is, over the same snapshot of
 * the buffer's position and limit. The transfer ends early where one request does (end of file,
 * a short write), and the result is the total. A request that fails after others moved bytes
 * ends the transfer with the count moved so far (the next call meets the failure again), so a
 * caller always learns how much of its buffer reached the file or was filled; with nothing moved
 * it fails with that request's exception. The deadline is the whole transfer's; cancelling the
 * result cancels the request under way.
 */
final class HeapChunks {
    private final AsyncFile file;
    private final boolean isRead;
    private final ByteBuffer buf;
    private final int start, length;
    private final long position;
    private final Duration timeout;
    private final long deadline;
    private final CompletableFuture<Integer> result = new CompletableFuture<>();
    private volatile CompletableFuture<Integer> current;
    /** Bytes moved so far; written by one request's completion at a time. */
    private int done;

    private HeapChunks(AsyncFile file, boolean isRead, ByteBuffer buf, long bounds, long position, Duration timeout) {
        this.file = file;
        this.isRead = isRead;
        this.buf = buf;
        this.start = BufferBounds.start(bounds);
        this.length = BufferBounds.length(bounds);
        this.position = position;
        this.timeout = timeout;
        this.deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
    }

    /** Whether a transfer of {@code buf} (snapshot {@code bounds}) needs more than one request. */
    static boolean needed(ByteBuffer buf, long bounds) {
        return !buf.isDirect() && BufferBounds.length(bounds) > BufferPool.maxBytes();
    }

    static CompletableFuture<Integer> transfer(AsyncFile file, boolean isRead, ByteBuffer buf, long bounds, long position,
                                               Duration timeout) {
        HeapChunks chunks = new HeapChunks(file, isRead, buf, bounds, position, timeout);
        chunks.result.whenComplete((n, t) -> {
            CompletableFuture<Integer> under = chunks.current;
            if (chunks.result.isCancelled() && under != null) under.cancel(true);
        });
        chunks.next();
        return chunks.result;
    }

    private void next() {
        if (result.isDone()) return; // cancelled (or given up) between two requests: no more go out
        int len = Math.min(length - done, BufferPool.maxBytes());
        Duration left = null;
        if (timeout != null) {
            long nanos = deadline - System.nanoTime();
            if (nanos <= 0) {
                end(new InterruptedByTimeoutException());
                return;
            }
            left = Duration.ofNanos(nanos);
        }
        CompletableFuture<Integer> f;
        try {
            ByteBuffer chunk = buf.slice(start + done, len); // the same array: bytes land in (or leave) the caller's buffer
            f = FileTransfer.submit(file, isRead, chunk, position + done, left);
        } catch (RuntimeException limitMoved) { // another thread cut the buffer's limit below the snapshot
            end(limitMoved);
            return;
        }
        current = f;
        if (result.isDone()) f.cancel(true); // cancelled while this request was being made
        f.whenComplete((n, t) -> {
            if (t != null) {
                end(t instanceof CompletionException && t.getCause() != null ? t.getCause() : t);
            } else if (n < 0) {
                complete(done == 0 ? -1 : done);
            } else {
                done += n;
                if (n < len || done == length) complete(done);
                else next();
            }
        });
    }

    private void end(Throwable failure) {
        if (done > 0) complete(done);
        else result.completeExceptionally(failure);
    }

    private void complete(int n) {
        try {
            buf.position(start + Math.max(n, 0));
        } catch (IllegalArgumentException limitMoved) {
            // another thread moved the limit meanwhile: the bytes are where they are, the count stands
        }
        result.complete(n);
    }
}
