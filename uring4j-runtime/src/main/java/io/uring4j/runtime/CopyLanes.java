package io.uring4j.runtime;

import io.uring4j.core.FsOps;
import io.uring4j.core.Errno;
import io.uring4j.core.FileOps;
import io.uring4j.core.Sqe;
import io.uring4j.core.SqeFlag;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The data movement of a {@link FileCopy}, on one loop, in two phases:
 * <ol>
 * <li><b>parallel</b> (a regular source with a size, into a regular target): {@code depth} lanes
 *     each move one chunk at a time, at the same offset in both files, with a pair of linked
 *     (IOSQE_IO_LINK) requests so the kernel orders the pair and the data never enters Java:
 *     <b>splice</b> file to the lane's pipe and pipe to the file where the kernel has
 *     IORING_OP_SPLICE and a pipe of the chunk's size can be had (page-cache pages travel by
 *     reference, so each byte is copied once, as {@code cp}'s copy_file_range does), else a
 *     <b>read</b> and a <b>write</b> through the lane's pooled buffer. Chunks are handed out
 *     only over the source's data: holes (SEEK_DATA / SEEK_HOLE, looked up once per extent) are
 *     skipped, so they stay holes in the target, which {@link FileCopy} sizes at the end;</li>
 * <li><b>stream</b>: one lane reads (alone) and writes what it read, until a read finds end of
 *     file. It runs after the parallel phase, from the source's statx size on (a file that grew,
 *     or a /proc or /sys file whose size says nothing), or from offset 0 for a source that is not
 *     a regular file (a FIFO, a character device) or a target that is not one. Offsets are named
 *     where the file can seek; a FIFO's are -1.</li>
 * </ol>
 * A short transfer severs a pair's link; the lane then writes what it holds (in its pipe or
 * buffer) on its own and goes on with the rest of its chunk, so nothing is lost or read twice. A
 * read of 0 bytes inside the parallel phase is end of file (the source shrank, or its size was
 * not its length): chunks past it are not started. {@link #abort()} stops new steps and cancels
 * those in the kernel. Pipes and buffers are closed or returned on the loop once the last request
 * has completed, never while the kernel may still use one.
 */
final class CopyLanes {
    /** In the op's scratch: the step's kind and the first request's result (a pair's read). */
    private static final long KIND = 0, FIRST_RESULT = 4;
    /** Step kinds: a linked read+write pair, a write of what a lane holds, a read alone (stream). */
    private static final int PAIR = 0, DRAIN = 1, READ = 2;
    private static final int NONE = Integer.MIN_VALUE;
    private static final int ECANCELED = Errno.ECANCELED.code(), ENXIO = Errno.ENXIO.code();

    /** What the copy may do: the size of a regular source, whether offsets can be named, the phases. */
    record Plan(long size, boolean parallel, boolean seekableSource, boolean seekableTarget) {
    }

    /**
     * What the lanes did: the source's length (where a read found end of file), the end of the
     * highest byte written into a seekable target (less than the length when the source ends in a
     * hole), and whether the parallel lanes spliced through pipes.
     */
    record Result(long length, long writtenEnd, boolean spliced) {
    }

    private final EventLoop loop;
    private final AsyncFile src;
    private final AsyncFile dst;
    private final Plan plan;
    private final int chunk;
    private final int depth;
    private final boolean splice;
    /** Completes on the loop when no request of the copy is in the kernel any more. */
    final CompletableFuture<Result> done = new CompletableFuture<>();
    private Lane[] lanes = new Lane[0];
    private Lane streamLane;
    private boolean spliced;
    /** The next source offset not yet handed to a lane, and the end of the data extent it is in. */
    private long nextOffset, dataEnd;
    /** Whether SEEK_DATA works on the source; if not, all of it is data. */
    private boolean holesKnown = true;
    /** Where a read of the parallel phase found end of file, or -1. */
    private long eofAt = -1;
    private long writtenEnd;
    private int active;
    private Throwable failure;
    /** Set on the loop when the caller gave up: no further step is started. */
    private boolean stopped;
    private boolean finished;

    /** One transfer in flight at a time: where it stands, its pipe or buffer, and what that holds. */
    private static final class Lane {
        final CopyLanes job;
        /** The pipe's read and write ends, or -1 (a buffer lane). */
        final int pipeRead, pipeWrite;
        /** The lane's own buffer (a buffer lane), returned to the pool when the copy ends. */
        final NativeBuffer buffer;
        final boolean streaming;
        /** The next offset to write (and, when nothing is held, to read), and the end of the lane's chunk. */
        long pos, end;
        /** Bytes read (into the pipe or the buffer, from {@link #heldAt}) and not yet written. */
        int held, heldAt;
        /** A stream lane's read found end of file. */
        boolean ended;

        Lane(CopyLanes job, int pipeRead, int pipeWrite, NativeBuffer buffer, boolean streaming) {
            this.job = job;
            this.pipeRead = pipeRead;
            this.pipeWrite = pipeWrite;
            this.buffer = buffer;
            this.streaming = streaming;
        }
    }

    CopyLanes(AsyncFile src, AsyncFile dst, Plan plan, int chunk, int depth, boolean splice) {
        this.loop = src.loop();
        this.src = src;
        this.dst = dst;
        this.plan = plan;
        this.chunk = chunk;
        this.depth = depth;
        this.splice = splice;
    }

    /**
     * Loop thread: starts the first phase. A failure to start (no buffer, no operation slot)
     * fails the copy; lanes already moving end first, and what the others took is given back.
     */
    void start() {
        try {
            if (!plan.parallel()) {
                startStream(0);
            } else {
                startParallel();
            }
        } catch (RuntimeException | Error e) {
            fail(e instanceof RuntimeException re ? new IOException("the copy could not start: " + re, re) : e);
        }
        if (active == 0) phaseEnded();
    }

    private void startParallel() {
        int n = (int) Math.min(depth, (plan.size() + chunk - 1) / chunk);
        lanes = new Lane[n];
        boolean pipes = splice;
        for (int i = 0; i < n; i++) {
            lanes[i] = pipes ? pipeLane() : new Lane(this, -1, -1, loop.buffers().acquire(chunk), false);
            if (lanes[i] == null) { // no pipe of the chunk's size: buffers for every lane
                closePipes();
                java.util.Arrays.fill(lanes, null); // closed: finish() must not close those fd numbers again
                pipes = false;
                for (int j = 0; j < n; j++) lanes[j] = new Lane(this, -1, -1, loop.buffers().acquire(chunk), false);
                break;
            }
        }
        spliced = pipes;
        for (Lane lane : lanes) nextChunk(lane);
    }

    /** Loop thread: no new step; what is in the kernel is cancelled, and the copy ends when it has completed. */
    void abort() {
        if (finished) return;
        stopped = true;
        // ASYNC_CANCEL matches a request by its file: reads name the source, writes and
        // pipe-to-file splices the target, file-to-pipe splices the pipe's write end.
        FdRequests.cancelAll(loop, src.fd());
        FdRequests.cancelAll(loop, dst.fd());
        for (Lane lane : lanes) {
            if (lane != null && lane.pipeWrite >= 0) FdRequests.cancelAll(loop, lane.pipeWrite);
        }
        if (active == 0) finish();
    }

    /** A lane with a pipe that holds a whole chunk, or null if the system will not give one. */
    private Lane pipeLane() {
        int[] fds = new int[2];
        if (Posix.pipe(fds, FsOps.O_CLOEXEC) < 0) return null;
        int got = Posix.fcntl(fds[1], Posix.F_SETPIPE_SZ, chunk);
        if (got < chunk) { // -EPERM past pipe-max-size or the user's pipe budget
            Posix.close(fds[0]);
            Posix.close(fds[1]);
            return null;
        }
        return new Lane(this, fds[0], fds[1], null, false);
    }

    private void startStream(long from) {
        streamLane = new Lane(this, -1, -1, loop.buffers().acquire(chunk), true);
        streamLane.pos = from;
        step(streamLane);
    }

    /** Gives {@code lane} the next chunk of the source's data, if any is left and the copy goes on. */
    private void nextChunk(Lane lane) {
        if (stopped || failure != null) return;
        long limit = eofAt >= 0 ? Math.min(plan.size(), eofAt) : plan.size();
        if (nextOffset < limit && nextOffset >= dataEnd) findData();
        if (nextOffset >= limit) return;
        lane.pos = nextOffset;
        lane.end = Math.min(Math.min(dataEnd, limit), nextOffset + chunk);
        nextOffset = lane.end;
        step(lane);
    }

    /** Moves {@code nextOffset} to the start of the next data extent and sets {@code dataEnd} to its end. */
    private void findData() {
        if (!holesKnown) {
            dataEnd = plan.size();
            return;
        }
        long data = Holes.seek(src.fd(), nextOffset, Holes.SEEK_DATA);
        if (data == -ENXIO) { // nothing but a hole from here to the end
            nextOffset = plan.size();
            return;
        }
        if (data < 0) { // the file cannot tell (EINVAL): all of it is data
            holesKnown = false;
            dataEnd = plan.size();
            return;
        }
        long hole = Holes.seek(src.fd(), data, Holes.SEEK_HOLE);
        nextOffset = data;
        dataEnd = hole > data ? hole : plan.size();
    }

    /** Issues the lane's next step: write what it holds, read alone (stream), or move (the rest of) its chunk. */
    private void step(Lane lane) {
        if (!src.isOpen() || !dst.isOpen()) { // closed by another thread: its fd may not be named any more
            fail(new java.nio.channels.AsynchronousCloseException());
            return;
        }
        Operation op;
        try {
            op = loop.acquire(STEPPED, null);
        } catch (java.util.concurrent.RejectedExecutionException full) { // the loop's slot table is at its limit
            fail(new IOException("the copy could not go on: " + full.getMessage(), full));
            return;
        }
        op.context = lane;
        op.scratch.set(JAVA_INT, FIRST_RESULT, NONE);
        long readAt = plan.seekableSource() ? lane.pos : -1;
        long writeAt = plan.seekableTarget() ? lane.pos : -1;
        if (lane.held > 0) {
            op.scratch.set(JAVA_INT, KIND, DRAIN);
            loop.start(op, lane.pipeRead >= 0
                    ? loop.sqe().prepSplice(lane.pipeRead, -1, dst.fd(), writeAt, lane.held, FileOps.SPLICE_F_MOVE)
                    : dst.target(loop.sqe().prepWrite(dst.fd(), lane.buffer.segment.asSlice(lane.heldAt, lane.held), writeAt)), null);
        } else if (lane.streaming) {
            op.scratch.set(JAVA_INT, KIND, READ);
            loop.start(op, src.target(loop.sqe().prepRead(src.fd(), lane.buffer.segment, chunk, readAt)), null);
        } else {
            op.scratch.set(JAVA_INT, KIND, PAIR);
            int len = (int) (lane.end - lane.pos);
            Sqe second; // the pair's main request, linked after its read
            if (lane.pipeRead >= 0) {
                loop.sqe().prepSplice(src.fd(), readAt, lane.pipeWrite, -1, len, FileOps.SPLICE_F_MOVE)
                        .flag(SqeFlag.IO_LINK).userData(op.userData(UserData.TAG_LINKED));
                second = loop.linkedSqe().prepSplice(lane.pipeRead, -1, dst.fd(), writeAt, len, FileOps.SPLICE_F_MOVE);
            } else {
                src.target(loop.sqe().prepRead(src.fd(), lane.buffer.segment, len, readAt)).flag(SqeFlag.IO_LINK)
                        .userData(op.userData(UserData.TAG_LINKED));
                second = dst.target(loop.linkedSqe().prepWrite(dst.fd(), lane.buffer.segment, len, writeAt));
            }
            loop.startChain(op, second, 1);
        }
        active++;
        // Counted among both files' requests: a close of either waits for the step's completion
        // before its fd is closed, so no step ever reaches a reused fd number.
        src.state.requests.requestStarted();
        dst.state.requests.requestStarted();
    }

    private static final Operation.Completion STEPPED = new Operation.Completion() {
        @Override
        public void linked(EventLoop loop, Operation op, int res) {
            op.scratch.set(JAVA_INT, FIRST_RESULT, res); // bytes read (into the buffer or the pipe)
        }

        @Override
        public void complete(EventLoop loop, Operation op, int res, int flags, boolean more) {
            Lane lane = (Lane) op.context;
            lane.job.stepped(lane, op.scratch.get(JAVA_INT, KIND), op.scratch.get(JAVA_INT, FIRST_RESULT), res);
        }
    };

    /** One step of {@code lane} ended with the kernel's results: {@code first} (a pair's read) and {@code res}. */
    private void stepped(Lane lane, int kind, int first, int res) {
        active--;
        src.state.requests.requestEnded();
        dst.state.requests.requestEnded();
        boolean piped = lane.pipeRead >= 0;
        switch (kind) {
            case PAIR -> {
                if (first < 0) {
                    fail(Errors.of(first, piped ? "splice from" : "read", src.path(), false));
                } else if (first == 0) {
                    endOfFile(lane);
                } else {
                    lane.held = first;
                    lane.heldAt = 0;
                }
                if (res >= 0) {
                    wrote(lane, res);
                } else if (res != -ECANCELED && first >= 0) {
                    // (-ECANCELED: the read came up short or failed, or the copy was aborted, and that severed the link.)
                    fail(Errors.of(res, piped ? "splice to" : "write", dst.path(), false));
                }
            }
            case DRAIN -> {
                if (res > 0) wrote(lane, res);
                else if (res == 0) fail(new IOException("writing to " + dst.path() + " made no progress at offset " + lane.pos));
                else fail(Errors.of(res, piped ? "splice to" : "write", dst.path(), false));
            }
            default -> { // READ
                if (res < 0) {
                    fail(Errors.of(res, "read", src.path(), false));
                } else if (res == 0) {
                    lane.ended = true;
                } else {
                    lane.held = res;
                    lane.heldAt = 0;
                }
            }
        }
        if (failure == null && !stopped) {
            if (lane.held > 0 || (lane.streaming ? !lane.ended : lane.pos < lane.end)) step(lane);
            else if (!lane.streaming) nextChunk(lane);
        }
        if (active == 0) phaseEnded();
    }

    private void wrote(Lane lane, int n) {
        lane.pos += n;
        lane.held -= n;
        lane.heldAt += n;
        if (plan.seekableTarget() && lane.pos > writtenEnd) writtenEnd = lane.pos;
    }

    /** A pair read nothing at {@code lane.pos}: the source ends there; no chunk past it is started. */
    private void endOfFile(Lane lane) {
        if (eofAt < 0 || lane.pos < eofAt) eofAt = lane.pos;
        lane.end = lane.pos;
    }

    private void fail(Throwable e) {
        if (failure == null) failure = e;
    }

    /** Nothing of the copy is in the kernel: the stream phase follows the parallel one, or the copy ends. */
    private void phaseEnded() {
        if (failure == null && !stopped && streamLane == null && eofAt < 0) {
            startStream(plan.size()); // the source may go on past its statx size
            return;
        }
        finish();
    }

    private void finish() {
        if (finished) return;
        finished = true;
        closePipes();
        for (Lane lane : lanes) {
            if (lane != null && lane.buffer != null) loop.buffers().release(lane.buffer);
        }
        if (streamLane != null) loop.buffers().release(streamLane.buffer);
        if (failure != null && !stopped) {
            done.completeExceptionally(failure);
            return;
        }
        long length = eofAt >= 0 ? eofAt : streamLane != null ? streamLane.pos : plan.size();
        done.complete(new Result(length, writtenEnd, spliced));
    }

    private void closePipes() {
        for (Lane lane : lanes) {
            if (lane != null && lane.pipeRead >= 0) {
                Posix.close(lane.pipeRead);
                Posix.close(lane.pipeWrite);
            }
        }
    }
}
