package io.uring4j.runtime;

import java.lang.foreign.MemorySegment;
import io.uring4j.core.SqeFlag;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Copies one file into another on one loop, keeping {@code depth} chunks in flight; each chunk is
 * a READ linked (IOSQE_IO_LINK) to a WRITE of the same pooled buffer, so the kernel orders the
 * pair and the data never enters Java. A short read or write severs the link: the remainder of
 * that chunk is simply issued again, so nothing is lost.
 */
final class FileCopy {
    static final int DEFAULT_CHUNK = 1 << 20;
    static final int DEFAULT_DEPTH = 8;

    private final EventLoop loop;
    private final AsyncFile src;
    private final AsyncFile dst;
    private final long size;
    private final int chunk;
    private final int depth;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private long nextOffset;
    private long copied;
    private int active;
    private Throwable failure;

    private FileCopy(AsyncFile src, AsyncFile dst, long size, int chunk, int depth) {
        this.depth = depth;
        this.loop = src.loop();
        this.src = src;
        this.dst = dst;
        this.size = size;
        this.chunk = chunk;
    }

    /** Opens both files, copies, closes both; completes with the bytes copied. */
    static long copy(EventLoopGroup group, Path from, Path to, int chunk, int depth) throws IOException {
        if (chunk < 4096 || chunk > BufferPool.maxBytes()) {
            throw new IllegalArgumentException("chunk must be 4096.." + BufferPool.maxBytes() + " bytes, given " + chunk);
        }
        if (depth < 1 || depth > 256) {
            throw new IllegalArgumentException("depth must be 1..256 chunks in flight, given " + depth);
        }
        EventLoop loop = group.next();
        try (AsyncFile in = Errors.await(AsyncFile.openAsync(loop, from));
             AsyncFile out = Errors.await(AsyncFile.openAsync(loop, to, StandardOpenOption.WRITE,
                     StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))) {
            long size = in.size();
            FileCopy job = new FileCopy(in, out, size, chunk, depth);
            loop.execute(job::start);
            long n = Errors.await(job.done);
            if (n != size) {
                throw new IOException("copied " + n + " bytes of " + size + " from " + from + " (the source changed?)");
            }
            return n;
        }
    }

    private void start() {
        if (size == 0) {
            done.complete(0L);
            return;
        }
        for (int i = 0; i < depth && nextOffset < size; i++) {
            long len = Math.min(chunk, size - nextOffset);
            issue(nextOffset, (int) len);
            nextOffset += len;
        }
    }

    private void issue(long offset, int len) {
        Operation op = loop.acquire(CHUNK, null);
        op.context = this;
        op.value = offset;
        op.buffer = loop.buffers().acquire(len);
        MemorySegment data = op.buffer.segment;
        src.target(loop.sqe().prepRead(src.fd(), data, len, offset)).flag(SqeFlag.IO_LINK)
                .userData(op.userData(UserData.TAG_LINKED));
        dst.target(loop.sqe().prepWrite(dst.fd(), data, len, offset)).userData(op.userData(UserData.TAG_MAIN));
        loop.started(op, 2, false);
        active++;
        // The chunk length and the read's result travel in the op's scratch area.
        op.scratch.set(JAVA_INT, 0, len);
        op.scratch.set(JAVA_INT, 4, Integer.MIN_VALUE);
    }

    private static final Operation.Completion CHUNK = new Operation.Completion() {
        @Override
        public void linked(EventLoop loop, Operation op, int res) {
            op.scratch.set(JAVA_INT, 4, res); // bytes read
        }

        @Override
        public void complete(EventLoop loop, Operation op, int res, int flags, boolean more) {
            FileCopy job = (FileCopy) op.context;
            int len = op.scratch.get(JAVA_INT, 0);
            int read = op.scratch.get(JAVA_INT, 4);
            job.active--;
            long offset = op.value;
            if (read < 0 && read != Integer.MIN_VALUE) {
                job.fail(Errors.of(read, "read", job.src.path(), false));
            } else if (res < 0 && res != -Errors.ECANCELED) {
                job.fail(Errors.of(res, "write", job.dst.path(), false));
            } else if (read == 0) {
                job.fail(new IOException(job.src.path() + " ended at " + offset + " before its size " + job.size));
            } else {
                int written = Math.max(res, 0);
                job.copied += written;
                if (written < len && job.failure == null) {
                    job.issue(offset + written, len - written); // short read or write: redo the rest
                }
            }
            if (job.active == 0) job.finish();
            else if (job.failure == null && job.nextOffset < job.size && job.active < job.depth) job.refill();
        }
    };

    private void refill() {
        long len = Math.min(chunk, size - nextOffset);
        issue(nextOffset, (int) len);
        nextOffset += len;
    }

    private void fail(Exception e) {
        if (failure == null) failure = e;
    }

    private void finish() {
        if (failure == null && nextOffset < size) {
            refill();
            return;
        }
        if (failure != null) done.completeExceptionally(failure);
        else done.complete(copied);
    }
}
