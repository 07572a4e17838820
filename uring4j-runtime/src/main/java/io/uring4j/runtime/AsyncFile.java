package io.uring4j.runtime;

import io.uring4j.core.Opcode;
import io.uring4j.core.Sqe;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A file opened through io_uring on one {@link EventLoop}. Every operation has an async form
 * returning a {@link CompletableFuture} and a blocking form that parks the caller (cheap on a
 * virtual thread) while the loop does the I/O; each can take a timeout, enforced by a linked
 * timeout in the kernel.
 *
 * <p>Buffers: a direct {@link ByteBuffer} is handed to the kernel as is and held by the request
 * until its completion; a heap buffer is copied through a pooled native buffer. As with
 * {@code FileChannel}, reads fill from the buffer's position to its limit and advance the
 * position; {@code -1} means end of file (a read of no bytes is 0). A buffer belongs to its
 * request until the request completes: its position and limit are read once, when the request
 * is made, and the position is set from them at completion. A buffer another thread moves
 * meanwhile (misuse) gets wrong bytes or a {@link java.util.ConcurrentModificationException},
 * never a transfer outside the buffer.
 *
 * <p>{@link #close()} cancels the requests still in flight (they fail with
 * {@link java.nio.channels.AsynchronousCloseException}, as with
 * {@link java.nio.channels.AsynchronousFileChannel}), waits for their completions, then closes the
 * fd; their memory stays owned until their own completions. A file dropped without
 * {@code close()} is closed the same way once the GC finds it unreachable and no request of it is
 * in flight. On the loop's own thread (a completion handler or a future's callback) blocking
 * forms throw {@link IllegalStateException}, since the loop would wait for itself, and
 * {@code close()} starts the close and returns at once.
 */
public final class AsyncFile implements AutoCloseable {
    /** What the loop holds of this file: fd, registered slot, requests in flight, close. */
    final AsyncFileState state;
    private final EventLoop loop;
    private final int fd;
    private final Path path;
    final boolean direct;
    /** Deadline of every request that names none, or null: a linked timeout per request. */
    private volatile Duration defaultTimeout;

    /** A file just opened on {@code loop} ({@link FileOpen}); {@code slot}: its registered slot or -1. */
    AsyncFile(EventLoop loop, int fd, Path path, boolean direct, int slot) {
        this.loop = loop;
        this.fd = fd;
        this.path = path;
        this.direct = direct;
        this.state = new AsyncFileState(loop, fd, path, slot);
        AbandonedObjects.closeWhenUnreachable(this, state);
    }

    // ------------------------------------------------------------------ open

    /** Opens {@code path} on the next loop of {@code group}; blocking form of {@link #openAsync}. */
    public static AsyncFile open(EventLoopGroup group, Path path, OpenOption... options) throws IOException {
        return Errors.await(openAsync(group.next(), path, null, options));
    }

    /** As {@link #open(EventLoopGroup, Path, OpenOption...)}, failing after {@code timeout}. */
    public static AsyncFile open(EventLoopGroup group, Path path, Duration timeout, OpenOption... options) throws IOException {
        return Errors.await(openAsync(group.next(), path, timeout, options));
    }

    /** Opens {@code path} with OPENAT on {@code loop}. Default: read-only. */
    public static CompletableFuture<AsyncFile> openAsync(EventLoop loop, Path path, OpenOption... options) {
        return openAsync(loop, path, null, options);
    }

    /**
     * Opens {@code path} with OPENAT on {@code loop}, guarded by a linked timeout when
     * {@code timeout} is not null; an fd that arrives after the caller gave up is closed.
     *
     * @throws IllegalArgumentException {@code timeout} is zero or negative
     */
    public static CompletableFuture<AsyncFile> openAsync(EventLoop loop, Path path, Duration timeout, OpenOption... options) {
        return FileOpen.open(loop, path, timeout, options);
    }

    // ------------------------------------------------------------------ deadlines

    /**
     * Gives every later request of this file that names no timeout of its own (reads, writes,
     * vectored transfers, syncs, allocate, truncate, size) a linked timeout of {@code timeout};
     * null removes it. A request that times out fails with
     * {@link java.nio.channels.InterruptedByTimeoutException}; its memory stays owned until its
     * completion, as always.
     */
    public AsyncFile timeout(Duration timeout) {
        this.defaultTimeout = positive(timeout);
        return this;
    }

    /** {@code timeout} if it is null or positive; else an exception naming it. */
    static Duration positive(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a timeout must be positive, given " + timeout);
        }
        return timeout;
    }

    /** The deadline of requests that name none, or null. */
    public Duration timeout() {
        return defaultTimeout;
    }

    // ------------------------------------------------------------------ read / write

    public int read(ByteBuffer dst, long position) throws IOException {
        return Errors.await(readAsync(dst, position, null));
    }

    public int read(ByteBuffer dst, long position, Duration timeout) throws IOException {
        return Errors.await(readAsync(dst, position, timeout));
    }

    public CompletableFuture<Integer> readAsync(ByteBuffer dst, long position) {
        return readAsync(dst, position, null);
    }

    /** Reads into {@code dst} at {@code position}; completes with the count, or -1 at end of file. */
    public CompletableFuture<Integer> readAsync(ByteBuffer dst, long position, Duration timeout) {
        return FileTransfer.submit(this, true, dst, position, timeout);
    }

    public int write(ByteBuffer src, long position) throws IOException {
        return Errors.await(writeAsync(src, position, null));
    }

    /** As {@link #write(ByteBuffer, long)}, failing after {@code timeout} (see {@link #timeout(Duration)}). */
    public int write(ByteBuffer src, long position, Duration timeout) throws IOException {
        return Errors.await(writeAsync(src, position, timeout));
    }

    public CompletableFuture<Integer> writeAsync(ByteBuffer src, long position) {
        return writeAsync(src, position, null);
    }

    /** Writes {@code src} at {@code position}; completes with the count written (may be short). */
    public CompletableFuture<Integer> writeAsync(ByteBuffer src, long position, Duration timeout) {
        return FileTransfer.submit(this, false, src, position, timeout);
    }

    /**
     * Reads into {@code dst} at {@code position} and calls {@code handler} on the loop thread with
     * the count (-1 at end of file) or the failure, like
     * {@link java.nio.channels.AsynchronousFileChannel#read(ByteBuffer, long, Object, CompletionHandler)}.
     * Called on the loop thread (from another handler, say) with a direct buffer, a request
     * allocates nothing; the file's {@link #timeout(Duration) default timeout} applies. Bad
     * arguments and a closed file reach {@code handler.failed}.
     */
    public <A> void read(ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        FileTransfer.submit(this, true, dst, position, attachment, handler);
    }

    /** Writes {@code src} at {@code position}; as {@link #read(ByteBuffer, long, Object, CompletionHandler)}. */
    public <A> void write(ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        FileTransfer.submit(this, false, src, position, attachment, handler);
    }

    /**
     * Loop thread: one READ or WRITE of the part of {@code buf} that {@code bounds} (its one
     * {@link BufferBounds#snapshot snapshot}) names, its result going to {@code f} or to {@code h}.
     * The caller checked on the loop that the file is open.
     */
    void start(boolean isRead, ByteBuffer buf, long bounds, long position, Duration timeout, CompletableFuture<?> f,
                       CompletionHandler<Object, Object> h, Object attachment) {
        int len = BufferBounds.length(bounds);
        // The staging buffer before the slot: an allocation that fails must leave no slot taken.
        Operation op = loop.acquire(isRead ? FileTransfer.READ_DONE : FileTransfer.WRITE_DONE, f,
                buf.isDirect() ? null : loop.buffers().acquire(len));
        op.handler = h;
        op.attachment = attachment;
        op.context = this;
        op.owner = this;
        op.value = bounds; // the completion advances the position from this snapshot, not from the buffer
        MemorySegment data;
        long at = 0; // where in data the transfer starts
        op.userBuffer = buf;
        if (buf.isDirect()) {
            data = loop.wholeSegment(buf); // all of the buffer: its capacity, which the snapshot fits in
            at = BufferBounds.start(bounds);
        } else {
            data = op.buffer.segment;
            if (!isRead) BufferBounds.copyIn(buf, bounds, data, 0);
        }
        int fixed = state.slot >= 0 && op.buffer != null ? loop.fixedBuffers().indexOf(op.buffer) : -1;
        Sqe sqe;
        if (fixed >= 0) {
            sqe = isRead ? loop.sqe().prepReadFixed(fd, data, len, position, fixed)
                    : loop.sqe().prepWriteFixed(fd, data, len, position, fixed);
        } else {
            sqe = isRead ? loop.sqe().prepRead(fd, data, at, len, position) : loop.sqe().prepWrite(fd, data, at, len, position);
        }
        loop.start(op, target(sqe), timeout != null ? timeout : defaultTimeout);
        state.requests.requestStarted();
    }

    // ------------------------------------------------------------------ memory segments

    /**
     * Reads into {@code dst} at {@code position}; the count, or -1 at end of file. The kernel never
     * sees {@code dst}: the runtime reads into its own native memory and copies on the calling
     * thread, so {@code dst} may belong to any arena, confined ones included, and closing that
     * arena can never let the kernel write into freed memory.
     */
    public int read(MemorySegment dst, long position) throws IOException {
        if (dst.byteSize() > BufferPool.maxBytes()) {
            throw new IllegalArgumentException("one read fills at most " + BufferPool.maxBytes() + " bytes, given " + dst.byteSize());
        }
        ByteBuffer staging = ByteBuffer.allocate((int) dst.byteSize());
        int n = read(staging, position);
        if (n > 0) MemorySegment.copy(MemorySegment.ofArray(staging.array()), 0, dst, 0, n);
        return n;
    }

    /** Writes all of {@code src} at {@code position}, copying it first (see {@link #read(MemorySegment, long)}). */
    public int write(MemorySegment src, long position) throws IOException {
        if (src.byteSize() > BufferPool.maxBytes()) {
            throw new IllegalArgumentException("one write takes at most " + BufferPool.maxBytes() + " bytes, given " + src.byteSize());
        }
        return write(ByteBuffer.wrap(src.toArray(JAVA_BYTE)), position);
    }

    // ------------------------------------------------------------------ vectored

    /** Scattering read: fills {@code dsts} in order from {@code position}; -1 at end of file. */
    public long read(ByteBuffer[] dsts, long position) throws IOException {
        return Errors.await(readAsync(dsts, position));
    }

    public CompletableFuture<Long> readAsync(ByteBuffer[] dsts, long position) {
        return Vectored.transfer(this, Opcode.READV, dsts, position);
    }

    /** Gathering write of {@code srcs} in order at {@code position}. */
    public long write(ByteBuffer[] srcs, long position) throws IOException {
        return Errors.await(writeAsync(srcs, position));
    }

    public CompletableFuture<Long> writeAsync(ByteBuffer[] srcs, long position) {
        return Vectored.transfer(this, Opcode.WRITEV, srcs, position);
    }

    // ------------------------------------------------------------------ metadata and sync

    public void fsync() throws IOException {
        Errors.await(simple("fsync", sqe -> sqe.prepFsync(fd, 0)));
    }

    public void fdatasync() throws IOException {
        Errors.await(simple("fdatasync", sqe -> sqe.prepFdatasync(fd)));
    }

    public CompletableFuture<Integer> fsyncAsync() {
        return simple("fsync", sqe -> sqe.prepFsync(fd, 0));
    }

    /** fallocate(2) mode 0: reserves {@code length} bytes at {@code offset}. */
    public void allocate(long offset, long length) throws IOException {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("offset must be >= 0 and length > 0, given " + offset + ", " + length);
        }
        Errors.await(simple("fallocate", sqe -> sqe.prepFallocate(fd, 0, offset, length)));
    }

    /** ftruncate(2) through IORING_OP_FTRUNCATE (kernel 6.9). */
    public void truncate(long size) throws IOException {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0, given " + size);
        Errors.await(simple("ftruncate", sqe -> sqe.prepFtruncate(fd, size)));
    }

    /** The file size, from statx(2) through IORING_OP_STATX. */
    public long size() throws IOException {
        return Errors.await(sizeAsync());
    }

    public CompletableFuture<Long> sizeAsync() {
        return FileStat.size(this);
    }

    /** A request whose SQE needs nothing but the fd and what {@code prep} writes. */
    private CompletableFuture<Integer> simple(String what, java.util.function.Function<Sqe, Sqe> prep) {
        if (!isOpen()) return CompletableFuture.failedFuture(Errors.closed());
        return loop.submit(f -> {
            if (!isOpen()) {
                f.completeExceptionally(Errors.closed());
                return;
            }
            Operation op = loop.acquire(FILE_RESULT, f);
            op.context = what;
            op.owner = this;
            loop.start(op, target(prep.apply(loop.sqe())), defaultTimeout);
            state.requests.requestStarted();
        });
    }

    /** A {@link #simple} request's result: the count, or the exception naming the call and the file. */
    private static final Operation.Completion FILE_RESULT = (loop, op, res, flags, more) -> {
        AsyncFileState file = ((AsyncFile) op.owner).state;
        file.requests.requestEnded();
        if (res < 0) op.future.completeExceptionally(Errors.of(res, (String) op.context, file.path, file.timedOut(op, res)));
        else op.future.complete(res);
    };

    // ------------------------------------------------------------------ paths

    /** renameat(2) through IORING_OP_RENAMEAT: moves {@code from} to {@code to}, replacing it. */
    public static void rename(EventLoopGroup group, Path from, Path to) throws IOException {
        rename(group, from, to, null);
    }

    /**
     * As {@link #rename(EventLoopGroup, Path, Path)} under a linked timeout of {@code timeout}
     * (null: none); a rename that times out fails with
     * {@link java.nio.channels.InterruptedByTimeoutException}. Likewise the other path operations.
     */
    public static void rename(EventLoopGroup group, Path from, Path to, Duration timeout) throws IOException {
        Errors.await(PathOps.rename(group.next(), from, to, positive(timeout)));
    }

    /** unlinkat(2) through IORING_OP_UNLINKAT: deletes a file. */
    public static void delete(EventLoopGroup group, Path path) throws IOException {
        delete(group, path, null);
    }

    public static void delete(EventLoopGroup group, Path path, Duration timeout) throws IOException {
        Errors.await(PathOps.unlink(group.next(), path, false, positive(timeout)));
    }

    /** unlinkat(2) with AT_REMOVEDIR: deletes an empty directory. */
    public static void deleteDirectory(EventLoopGroup group, Path path) throws IOException {
        deleteDirectory(group, path, null);
    }

    public static void deleteDirectory(EventLoopGroup group, Path path, Duration timeout) throws IOException {
        Errors.await(PathOps.unlink(group.next(), path, true, positive(timeout)));
    }

    /** mkdirat(2) through IORING_OP_MKDIRAT, mode 0755. */
    public static void createDirectory(EventLoopGroup group, Path path) throws IOException {
        createDirectory(group, path, null);
    }

    public static void createDirectory(EventLoopGroup group, Path path, Duration timeout) throws IOException {
        Errors.await(PathOps.mkdir(group.next(), path, 0755, positive(timeout)));
    }

    // ------------------------------------------------------------------ copy

    /**
     * Copies the file {@code from} to {@code to} with the semantics of
     * {@link java.nio.file.Files#copy(Path, Path, CopyOption...)}, and returns the bytes copied
     * (the source's length, holes included).
     * <ul>
     * <li>If both name the same file (same device and inode, through hard or symbolic links too),
     *     nothing is done and 0 is returned; the source is never opened for writing.</li>
     * <li>An existing target is replaced only with {@link StandardCopyOption#REPLACE_EXISTING},
     *     else {@link java.nio.file.FileAlreadyExistsException}. A symbolic link is replaced
     *     itself, an empty directory is replaced, a non-empty one is not
     *     ({@link java.nio.file.DirectoryNotEmptyException}); an existing FIFO or device is
     *     written into, in order.</li>
     * <li>A regular target is written under a temporary name beside it
     *     ({@code .NAME.RANDOM.uring4j-part}, the source's permission bits) and renamed over
     *     {@code to} only once complete: {@code to} never holds a partial copy, even if the
     *     process is killed (which leaves the temporary file behind under its own name). A
     *     failed, interrupted or timed-out copy deletes it. No fsync is made.</li>
     * <li>The source is read until end of file, not for its statx size (FIFOs, /proc and /sys
     *     files, character devices: a copy of {@code /dev/zero} ends only at its deadline); the
     *     holes of a sparse source stay holes where the filesystem reports them (SEEK_DATA).</li>
     * </ul>
     * Data moves in 1 MiB chunks, 8 in flight; see
     * {@link #copy(EventLoopGroup, Path, Path, int, int, Duration, CopyOption...)}. Supported
     * option: {@code REPLACE_EXISTING}; others throw {@link UnsupportedOperationException}.
     *
     * @throws java.io.InterruptedIOException the thread was interrupted: the requests in the
     *         kernel were cancelled and have completed, the interrupt status is kept
     * @throws IllegalStateException called on an event loop's own thread
     */
    public static long copy(EventLoopGroup group, Path from, Path to, CopyOption... options) throws IOException {
        return copy(group, from, to, null, options);
    }

    /**
     * As {@link #copy(EventLoopGroup, Path, Path, CopyOption...)}, bounded by {@code timeout} as
     * a whole (null: none): when it passes, what is in the kernel is cancelled, the temporary
     * file is deleted and {@link java.nio.channels.InterruptedByTimeoutException} is thrown.
     */
    public static long copy(EventLoopGroup group, Path from, Path to, Duration timeout, CopyOption... options) throws IOException {
        return copy(group, from, to, FileCopy.DEFAULT_CHUNK, FileCopy.DEFAULT_DEPTH, timeout, options);
    }

    /**
     * As {@link #copy(EventLoopGroup, Path, Path, Duration, CopyOption...)}, moving
     * {@code chunkBytes} (4096 to 16 MiB) per request pair with {@code chunksInFlight} (1 to 256)
     * pairs in flight. Each chunk is a linked pair of splices through a pipe of its own (the
     * bytes are copied once, in the kernel, as with {@code cp}), or of a read and a write through
     * a pooled buffer where the kernel or the pipe limits do not allow that.
     */
    public static long copy(EventLoopGroup group, Path from, Path to, int chunkBytes, int chunksInFlight, Duration timeout,
                            CopyOption... options) throws IOException {
        return FileCopy.copy(group, from, to, chunkBytes, chunksInFlight, timeout, options);
    }

    /**
     * This file as a {@link SeekableByteChannel} with a position of its own (starting at 0; at the
     * end after each write of a file opened with APPEND), for code written against that interface:
     * its reads and writes are this file's at that position, and each waits (at most
     * {@link #timeout()}) as the blocking forms here do; a write writes all of the buffer.
     * Closing the view closes the file. The view's methods are safe to call from several threads
     * (each takes the view's lock), as a {@code FileChannel}'s are.
     */
    public SeekableByteChannel asSeekableByteChannel() throws IOException {
        return new AsyncFileChannel(this);
    }

    // ------------------------------------------------------------------ close

    public boolean isOpen() {
        return state.isOpen();
    }

    public Path path() {
        return path;
    }

    /** The loop this file's requests run on. */
    public EventLoop loop() {
        return loop;
    }

    int fd() {
        return fd;
    }

    /** Registered slot or -1 (loop thread). */
    int slot() {
        return state.slot;
    }

    /** Points a prepared SQE at the registered slot when the file has one. Loop thread. */
    Sqe target(Sqe sqe) {
        int slot = state.slot;
        return slot >= 0 ? sqe.fixedFile(slot) : sqe;
    }

    /**
     * Closes the file: later requests fail with {@link java.nio.channels.ClosedChannelException},
     * the ones in flight are cancelled (those cut short fail with
     * {@link java.nio.channels.AsynchronousCloseException}) and waited for, then the fd is closed
     * through IORING_OP_CLOSE. Waits for all of that (an interrupt does not cut it short; the
     * status is kept); on the loop thread it starts the close and returns. Idempotent.
     */
    @Override
    public void close() throws IOException {
        java.util.concurrent.CompletableFuture<Integer> f = state.close();
        if (f != null) Errors.awaitClose(f, this);
    }

    @Override
    public String toString() {
        return state.toString();
    }
}
