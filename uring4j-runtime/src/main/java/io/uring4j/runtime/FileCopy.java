package io.uring4j.runtime;

import io.uring4j.core.FileOps;
import io.uring4j.core.Opcode;
import io.uring4j.core.SqeFlag;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Copies one file into another on one loop, keeping {@code depth} chunks in flight, each in its
 * own lane. A lane moves its chunk with a pair of linked (IOSQE_IO_LINK) requests, so the kernel
 * orders the pair and the data never enters Java:
 * <ul>
 * <li><b>splice</b> (the default where the kernel has IORING_OP_SPLICE and a pipe of the chunk's
 *     size can be had): file to the lane's pipe, pipe to the file. The page cache pages travel
 *     by reference into the pipe, so each byte is copied once (into the destination's page
 *     cache), as {@code cp}'s copy_file_range does, instead of twice through a buffer;</li>
 * <li><b>read/write</b> through a pooled buffer otherwise.</li>
 * </ul>
 * A short transfer severs the link; the lane then sends on what is in its pipe (splice) and
 * issues the rest of its chunk again, so nothing is lost. The lanes' pipes are closed on the
 * loop once the last request has completed, never while the kernel may still look one up.
 */
final class FileCopy {
    static final int DEFAULT_CHUNK = 1 << 20;
    static final int DEFAULT_DEPTH = 8;
    /** In the op's scratch: the chunk length asked of this step, and the first request's result. */
    private static final long STEP_LEN = 0, FIRST_RESULT = 4;
    private static final int NONE = Integer.MIN_VALUE;

    private final EventLoop loop;
    private final AsyncFile src;
    private final AsyncFile dst;
    private final long size;
    private final int chunk;
    private final int depth;
    private final boolean splice;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private Lane[] lanes;
    private long nextOffset;
    private long copied;
    private int active;
    private Throwable failure;
    /** Set (on the loop) when the caller gave up: no further chunk is started. */
    private boolean stopped;

    /** One chunk in flight: where it stands, and (splice) its pipe and what sits in it. */
    private static final class Lane {
        final FileCopy job;
        /** The pipe's read and write ends, or -1 (read/write mode). */
        final int pipeRead, pipeWrite;
        /** The next file offset to write, and the end of the lane's chunk. */
        long pos, end;
        /** Bytes read into the pipe and not yet written out of it. */
        int inPipe;

        Lane(FileCopy job, int pipeRead, int pipeWrite) {
            this.job = job;
            this.pipeRead = pipeRead;
            this.pipeWrite = pipeWrite;
        }
    }

    private FileCopy(AsyncFile src, AsyncFile dst, long size, int chunk, int depth, boolean splice) {
        this.loop = src.loop();
        this.src = src;
        this.dst = dst;
        this.size = size;
        this.chunk = chunk;
        this.depth = depth;
        this.splice = splice;
    }

    /** What a copy did: the bytes copied, and whether its lanes spliced through pipes. */
    record Copied(long bytes, boolean spliced) {
    }

    /**
     * Opens both files, copies, closes both. {@code splice} false forces read/write (tests); true
     * splices where the kernel and the pipe limits allow.
     */
    static Copied run(EventLoopGroup group, Path from, Path to, int chunk, int depth, boolean splice) throws IOException {
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
            FileCopy job = new FileCopy(in, out, size, chunk, depth, splice && loop.probe().supports(Opcode.SPLICE));
            loop.execute(job::start);
            long n = job.await();
            if (n != size) {
                throw new IOException("copied " + n + " bytes of " + size + " from " + from + " (the source changed?)");
            }
            return new Copied(n, job.lanes != null && job.lanes[0].pipeRead >= 0);
        }
    }

    static long copy(EventLoopGroup group, Path from, Path to, int chunk, int depth) throws IOException {
        return run(group, from, to, chunk, depth, true).bytes();
    }

    /**
     * Waits for the copy. An interrupt stops further chunks but still waits for those in the
     * kernel: the files and pipes they name are closed only after their last completion.
     */
    private long await() throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    long n = done.get();
                    if (interrupted) throw new InterruptedIOException("copy interrupted after " + n + " bytes");
                    return n;
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        try {
                            loop.execute(() -> stopped = true);
                        } catch (IllegalStateException closed) {
                            // The loop is closing: its close fails what is in flight.
                        }
                    }
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) throw io;
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IOException(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void start() {
        if (size == 0) {
            done.complete(0L);
            return;
        }
        int n = (int) Math.min(depth, (size + chunk - 1) / chunk);
        lanes = new Lane[n];
        for (int i = 0; i < n; i++) {
            lanes[i] = splice ? pipeLane() : new Lane(this, -1, -1);
            if (lanes[i] == null) { // no pipe of the chunk's size: read/write for every lane
                closePipes();
                for (int j = 0; j < n; j++) lanes[j] = new Lane(this, -1, -1);
                break;
            }
        }
        for (Lane lane : lanes) nextChunk(lane);
        if (active == 0) finish();
    }

    /** A lane with a pipe that holds a whole chunk, or null if the system will not give one. */
    private Lane pipeLane() {
        int[] fds = new int[2];
        if (Posix.pipe(fds, Posix.O_CLOEXEC) < 0) return null;
        int got = Posix.fcntl(fds[1], Posix.F_SETPIPE_SZ, chunk);
        if (got < chunk) { // -EPERM past pipe-max-size or the user's pipe budget
            Posix.close(fds[0]);
            Posix.close(fds[1]);
            return null;
        }
        return new Lane(this, fds[0], fds[1]);
    }

    /** Gives {@code lane} the next chunk of the file, if any is left and the copy goes on. */
    private void nextChunk(Lane lane) {
        if (stopped || failure != null || nextOffset >= size) return;
        lane.pos = nextOffset;
        lane.end = Math.min(size, nextOffset + chunk);
        nextOffset = lane.end;
        step(lane);
    }

    /** Issues the lane's next requests: drain its pipe, or move (the rest of) its chunk. */
    private void step(Lane lane) {
        Operation op = loop.acquire(STEPPED, null);
        op.context = lane;
        op.scratch.set(JAVA_INT, FIRST_RESULT, NONE);
        if (lane.inPipe > 0) {
            // What a short splice left in the pipe goes out first, on its own.
            op.scratch.set(JAVA_INT, STEP_LEN, lane.inPipe);
            loop.sqe().prepSplice(lane.pipeRead, -1, dst.fd(), lane.pos, lane.inPipe, FileOps.SPLICE_F_MOVE)
                    .userData(op.userData(UserData.TAG_MAIN));
            loop.started(op, false);
        } else {
            int len = (int) (lane.end - lane.pos);
            op.scratch.set(JAVA_INT, STEP_LEN, len);
            if (lane.pipeRead >= 0) {
                loop.sqe().prepSplice(src.fd(), lane.pos, lane.pipeWrite, -1, len, FileOps.SPLICE_F_MOVE)
                        .flag(SqeFlag.IO_LINK).userData(op.userData(UserData.TAG_LINKED));
                loop.sqe().prepSplice(lane.pipeRead, -1, dst.fd(), lane.pos, len, FileOps.SPLICE_F_MOVE)
                        .userData(op.userData(UserData.TAG_MAIN));
            } else {
                op.buffer = loop.buffers().acquire(len);
                src.target(loop.sqe().prepRead(src.fd(), op.buffer.segment, len, lane.pos)).flag(SqeFlag.IO_LINK)
                        .userData(op.userData(UserData.TAG_LINKED));
                dst.target(loop.sqe().prepWrite(dst.fd(), op.buffer.segment, len, lane.pos))
                        .userData(op.userData(UserData.TAG_MAIN));
            }
            loop.started(op, 2, false);
        }
        active++;
    }

    private static final Operation.Completion STEPPED = new Operation.Completion() {
        @Override
        public void linked(EventLoop loop, Operation op, int res) {
            op.scratch.set(JAVA_INT, FIRST_RESULT, res); // bytes read (into the buffer or the pipe)
        }

        @Override
        public void complete(EventLoop loop, Operation op, int res, int flags, boolean more) {
            Lane lane = (Lane) op.context;
            lane.job.stepped(lane, op.scratch.get(JAVA_INT, FIRST_RESULT), res);
        }
    };

    /** One step of {@code lane} ended: {@code read} (NONE for a drain) and {@code written} are the kernel's results. */
    private void stepped(Lane lane, int read, int written) {
        active--;
        boolean piped = lane.pipeRead >= 0;
        if (read != NONE) {
            if (read < 0) {
                fail(Errors.of(read, piped ? "splice from" : "read", src.path(), false));
            } else if (read == 0) {
                fail(new IOException(src.path() + " ended at " + lane.pos + " before its size " + size));
            } else if (piped) {
                lane.inPipe += read;
            }
        }
        if (written >= 0) {
            lane.pos += written;
            copied += written;
            if (piped) lane.inPipe -= written;
        } else if (written != -Errors.ECANCELED || read == NONE) {
            // (-ECANCELED after a read means the read failed or came up short and severed the link.)
            fail(Errors.of(written, piped ? "splice to" : "write", dst.path(), false));
        }
        if (failure == null && !stopped) {
            if (lane.inPipe > 0 || lane.pos < lane.end) step(lane); // short: the rest of this chunk
            else nextChunk(lane);
        }
        if (active == 0) finish();
    }

    private void fail(Exception e) {
        if (failure == null) failure = e;
    }

    /** Every lane is idle and nothing of this copy is in the kernel: close the pipes and report. */
    private void finish() {
        closePipes();
        if (failure != null) done.completeExceptionally(failure);
        else done.complete(copied);
    }

    private void closePipes() {
        if (lanes == null) return;
        for (Lane lane : lanes) {
            if (lane != null && lane.pipeRead >= 0) {
                Posix.close(lane.pipeRead);
                Posix.close(lane.pipeWrite);
            }
        }
    }
}
