package io.uring4j.runtime;

import io.uring4j.core.Opcode;
import io.uring4j.core.Sqe;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.OpenOption;
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

    /**
     * Opens {@code path} on the next loop of {@code group}; blocking form of {@link #openAsync}.
     * An interrupt cancels the OPENAT in the kernel; an fd that arrives all the same is closed.
     *
     * @param group   the group whose next loop serves the file
     * @param path    the file to open, relative to the working directory unless absolute; no NUL,
     *                at most 4095 bytes in UTF-8
     * @param options as for {@link #openAsync(EventLoop, Path, Duration, OpenOption...)}; none:
     *                read-only
     * @return the open file, on its loop
     * @throws java.nio.file.NoSuchFileException the file (or a directory on the way) does not
     *         exist and no CREATE option says to create it
     * @throws java.nio.file.FileAlreadyExistsException CREATE_NEW and the file exists
     * @throws java.nio.file.AccessDeniedException the permissions do not allow the access asked
     * @throws java.io.InterruptedIOException the thread was interrupted (the status is kept)
     * @throws java.nio.channels.ClosedChannelException the loop is closed
     * @throws IllegalArgumentException the path holds a NUL or is too long, or an option is given
     *         twice
     * @throws UnsupportedOperationException an option not supported
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException open(2) failed otherwise; the message names the path and the errno
     */
    public static AsyncFile open(EventLoopGroup group, Path path, OpenOption... options) throws IOException {
        return Errors.await(openAsync(group.next(), path, null, options));
    }

    /**
     * As {@link #open(EventLoopGroup, Path, OpenOption...)}, failing after {@code timeout}.
     *
     * @param group   the group whose next loop serves the file
     * @param path    the file to open, as for {@link #open(EventLoopGroup, Path, OpenOption...)}
     * @param timeout the open's deadline, positive, as a linked timeout in the kernel; null: none
     * @param options as for {@link #openAsync(EventLoop, Path, Duration, OpenOption...)}
     * @return the open file, on its loop
     * @throws java.nio.channels.InterruptedByTimeoutException {@code timeout} passed first
     * @throws IllegalArgumentException {@code timeout} is zero or negative, or as
     *         {@link #open(EventLoopGroup, Path, OpenOption...)}
     * @throws IOException as {@link #open(EventLoopGroup, Path, OpenOption...)}
     */
    public static AsyncFile open(EventLoopGroup group, Path path, Duration timeout, OpenOption... options) throws IOException {
        return Errors.await(openAsync(group.next(), path, timeout, options));
    }

    /**
     * Opens {@code path} with OPENAT on {@code loop}. Default: read-only. As
     * {@link #openAsync(EventLoop, Path, Duration, OpenOption...)} without a deadline.
     *
     * @param loop    the loop that opens the file and then serves it
     * @param path    the file to open, as for {@link #open(EventLoopGroup, Path, OpenOption...)}
     * @param options as for {@link #openAsync(EventLoop, Path, Duration, OpenOption...)}
     * @return a future of the open file
     * @throws IllegalArgumentException the path holds a NUL or is too long, or an option is given
     *         twice
     * @throws UnsupportedOperationException an option not supported
     */
    public static CompletableFuture<AsyncFile> openAsync(EventLoop loop, Path path, OpenOption... options) {
        return openAsync(loop, path, null, options);
    }

    /**
     * Opens {@code path} with OPENAT on {@code loop}, guarded by a linked timeout when
     * {@code timeout} is not null; an fd that arrives after the caller gave up is closed.
     *
     * <p>Options: {@link java.nio.file.StandardOpenOption} READ, WRITE, APPEND, CREATE,
     * CREATE_NEW, TRUNCATE_EXISTING (ignored without WRITE or APPEND), DSYNC and SYNC; and
     * {@link FileOpenOption#DIRECT} (or the JDK's {@code ExtendedOpenOption.DIRECT}) and
     * {@link FileOpenOption#REGISTERED}. Without WRITE or APPEND the file is read-only, and a
     * file created gets mode 0644 (less the umask). Any thread, the loop's included; cancelling
     * the future cancels the OPENAT in the kernel.
     *
     * @param loop    the loop that opens the file and then serves it
     * @param path    the file to open, as for {@link #open(EventLoopGroup, Path, OpenOption...)}
     * @param timeout the open's deadline, positive; null: none
     * @param options the options above
     * @return a future of the open file; it fails with the {@link IOException}s listed for
     *         {@link #open(EventLoopGroup, Path, OpenOption...)},
     *         {@link java.nio.channels.InterruptedByTimeoutException} when {@code timeout} passes,
     *         or {@link java.nio.channels.ClosedChannelException} on a closed loop
     * @throws IllegalArgumentException {@code timeout} is zero or negative, the path holds a NUL
     *         or is too long, or an option is given twice
     * @throws UnsupportedOperationException an option not supported
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
     * completion, as always. Any thread; requests made later use the new value.
     *
     * @param timeout the deadline, positive; null for none
     * @return this file
     * @throws IllegalArgumentException {@code timeout} is zero or negative
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

    /** {@return the deadline of requests that name none, or null} */
    public Duration timeout() {
        return defaultTimeout;
    }

    // ------------------------------------------------------------------ read / write

    /**
     * Reads into {@code dst} at {@code position}, waiting, under the file's
     * {@link #timeout(Duration) default timeout}: as {@link #read(ByteBuffer, long, Duration)}
     * with a null timeout.
     *
     * @param dst      the buffer to fill, as for {@link #read(ByteBuffer, long, Duration)}
     * @param position the file offset to read from, 0 or more
     * @return the count, 0 if {@code dst} has no room, or -1 at end of file
     * @throws IOException as {@link #read(ByteBuffer, long, Duration)}
     */
    public int read(ByteBuffer dst, long position) throws IOException {
        return Errors.await(readAsync(dst, position, null));
    }

    /**
     * Reads into {@code dst} at {@code position}, waiting: the blocking form of
     * {@link #readAsync(ByteBuffer, long, Duration)}. One READ, so it may fill less than the
     * room (a heap buffer with more than 16 MiB of room is read as consecutive requests, see
     * {@link #readAsync(ByteBuffer, long, Duration)}). An interrupt cancels the request in the
     * kernel; if it completed first its count is returned, with the interrupt status kept.
     *
     * @param dst      the buffer to fill, writable: from its position up to its limit; its
     *                 position is advanced by the count
     * @param position the file offset to read from, 0 or more (with {@link FileOpenOption#DIRECT}
     *                 a multiple of 512, as are the length and a direct buffer's address)
     * @param timeout  the request's deadline, positive; null: the file's
     *                 {@link #timeout(Duration) default}
     * @return the count, 0 if {@code dst} has no room, or -1 at end of file
     * @throws java.nio.channels.ClosedChannelException the file was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the file was closed while the read was
     *         in flight
     * @throws java.nio.channels.InterruptedByTimeoutException the deadline passed first
     * @throws java.io.InterruptedIOException the thread was interrupted while it waited
     * @throws IllegalArgumentException {@code dst} is read-only, {@code position} is negative,
     *         {@code timeout} is not positive, or an O_DIRECT request is not aligned
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the kernel failed the read; the message names the path and the errno
     *         (EBADF for a file opened without read access)
     */
    public int read(ByteBuffer dst, long position, Duration timeout) throws IOException {
        return Errors.await(readAsync(dst, position, timeout));
    }

    /**
     * As {@link #readAsync(ByteBuffer, long, Duration)} under the file's
     * {@link #timeout(Duration) default timeout}.
     *
     * @param dst      the buffer to fill, as for {@link #read(ByteBuffer, long, Duration)}
     * @param position the file offset to read from, 0 or more
     * @return a future of the count, or -1 at end of file
     */
    public CompletableFuture<Integer> readAsync(ByteBuffer dst, long position) {
        return readAsync(dst, position, null);
    }

    /**
     * Reads into {@code dst} at {@code position}; completes with the count, or -1 at end of file.
     * The buffer's position and limit are read once, here; leave the buffer alone until the
     * future completes. A heap buffer with more than 16 MiB of room is read as consecutive
     * requests of at most 16 MiB under the one deadline: they stop at the first short read, and
     * a failure after some bytes arrived completes the future with their count instead. Any
     * thread, the loop's included; cancelling the future cancels the request in the kernel.
     *
     * @param dst      the buffer to fill, as for {@link #read(ByteBuffer, long, Duration)}
     * @param position the file offset to read from, 0 or more
     * @param timeout  the request's deadline, positive; null: the file's default
     * @return a future of the count, 0 if {@code dst} has no room, or -1 at end of file; it fails
     *         as {@link #read(ByteBuffer, long, Duration)} throws, apart from the interrupt and
     *         the loop-thread refusal
     */
    public CompletableFuture<Integer> readAsync(ByteBuffer dst, long position, Duration timeout) {
        return FileTransfer.submit(this, true, dst, position, timeout);
    }

    /**
     * Writes {@code src} at {@code position}, waiting, under the file's
     * {@link #timeout(Duration) default timeout}: as {@link #write(ByteBuffer, long, Duration)}
     * with a null timeout.
     *
     * @param src      the bytes to write, as for {@link #write(ByteBuffer, long, Duration)}
     * @param position the file offset to write at, 0 or more
     * @return the count written, which may be short
     * @throws IOException as {@link #write(ByteBuffer, long, Duration)}
     */
    public int write(ByteBuffer src, long position) throws IOException {
        return Errors.await(writeAsync(src, position, null));
    }

    /**
     * As {@link #write(ByteBuffer, long)}, failing after {@code timeout} (see {@link #timeout(Duration)}).
     * The blocking form of {@link #writeAsync(ByteBuffer, long, Duration)}.
     *
     * @param src      the bytes to write: from its position to its limit; its position is advanced
     *                 by the count
     * @param position the file offset to write at, 0 or more (a file opened with APPEND writes
     *                 at its end whatever the offset; O_DIRECT alignment as for reads)
     * @param timeout  the request's deadline, positive; null: the file's default
     * @return the count written, which may be short (a full device, say)
     * @throws java.nio.channels.ClosedChannelException the file was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the file was closed while the write
     *         was in flight
     * @throws java.nio.channels.InterruptedByTimeoutException the deadline passed first
     * @throws java.io.InterruptedIOException the thread was interrupted while it waited
     * @throws IllegalArgumentException {@code position} is negative, {@code timeout} is not
     *         positive, or an O_DIRECT request is not aligned
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the kernel failed the write (ENOSPC, EBADF for a file opened read-only,
     *         …); the message names the path and the errno
     */
    public int write(ByteBuffer src, long position, Duration timeout) throws IOException {
        return Errors.await(writeAsync(src, position, timeout));
    }

    /**
     * As {@link #writeAsync(ByteBuffer, long, Duration)} under the file's
     * {@link #timeout(Duration) default timeout}.
     *
     * @param src      the bytes to write, as for {@link #write(ByteBuffer, long, Duration)}
     * @param position the file offset to write at, 0 or more
     * @return a future of the count written
     */
    public CompletableFuture<Integer> writeAsync(ByteBuffer src, long position) {
        return writeAsync(src, position, null);
    }

    /**
     * Writes {@code src} at {@code position}; completes with the count written (may be short).
     * As {@link #readAsync(ByteBuffer, long, Duration)} for the buffer, the requests of a heap
     * buffer over 16 MiB (they stop at the first short write), threads and cancelling.
     *
     * @param src      the bytes to write, as for {@link #write(ByteBuffer, long, Duration)}
     * @param position the file offset to write at, 0 or more
     * @param timeout  the request's deadline, positive; null: the file's default
     * @return a future of the count written; it fails as
     *         {@link #write(ByteBuffer, long, Duration)} throws, apart from the interrupt and the
     *         loop-thread refusal
     */
    public CompletableFuture<Integer> writeAsync(ByteBuffer src, long position, Duration timeout) {
        return FileTransfer.submit(this, false, src, position, timeout);
    }

    /**
     * Reads into {@code dst} at {@code position} and calls {@code handler} on the loop thread with
     * the count (-1 at end of file) or the failure, like
     * {@link java.nio.channels.AsynchronousFileChannel#read(ByteBuffer, long, Object, CompletionHandler)}.
     * Called on the loop thread (from another handler, say) with a direct buffer, a request
     * allocates nothing; the file's {@link #timeout(Duration) default timeout} applies. Bad
     * arguments and a closed file reach {@code handler.failed} (those found before the request
     * exists, on the calling thread, before this returns). A handler that throws on the loop
     * thread is logged ({@code io.uring4j.runtime}).
     *
     * @param <A>        the attachment's type
     * @param dst        the buffer to fill, as for {@link #read(ByteBuffer, long, Duration)}
     * @param position   the file offset to read from, 0 or more
     * @param attachment passed to {@code handler} as is; may be null
     * @param handler    told the count (-1 at end of file) or the failure, not null
     * @throws NullPointerException if {@code handler} is null
     */
    public <A> void read(ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        FileTransfer.submit(this, true, dst, position, attachment, handler);
    }

    /**
     * Writes {@code src} at {@code position}; as {@link #read(ByteBuffer, long, Object, CompletionHandler)}.
     *
     * @param <A>        the attachment's type
     * @param src        the bytes to write, as for {@link #write(ByteBuffer, long, Duration)}
     * @param position   the file offset to write at, 0 or more
     * @param attachment passed to {@code handler} as is; may be null
     * @param handler    told the count written (may be short) or the failure, not null
     * @throws NullPointerException if {@code handler} is null
     */
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
     * arena can never let the kernel write into freed memory. Otherwise as
     * {@link #read(ByteBuffer, long)}.
     *
     * @param dst      the segment to fill from its start, at most 16 MiB; the count says how much
     *                 of it was filled
     * @param position the file offset to read from, 0 or more
     * @return the count, 0 for an empty {@code dst}, or -1 at end of file
     * @throws IllegalArgumentException {@code dst} is larger than 16 MiB, or as
     *         {@link #read(ByteBuffer, long, Duration)}
     * @throws IOException as {@link #read(ByteBuffer, long, Duration)}
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

    /**
     * Writes all of {@code src} at {@code position}, copying it first (see {@link #read(MemorySegment, long)}).
     * It is one WRITE, as {@link #write(ByteBuffer, long)} is: the count says how much of it
     * reached the file if that was short.
     *
     * @param src      the bytes to write, at most 16 MiB, from any arena
     * @param position the file offset to write at, 0 or more
     * @return the count written
     * @throws IllegalArgumentException {@code src} is larger than 16 MiB, or as
     *         {@link #write(ByteBuffer, long, Duration)}
     * @throws IOException as {@link #write(ByteBuffer, long, Duration)}
     */
    public int write(MemorySegment src, long position) throws IOException {
        if (src.byteSize() > BufferPool.maxBytes()) {
            throw new IllegalArgumentException("one write takes at most " + BufferPool.maxBytes() + " bytes, given " + src.byteSize());
        }
        return write(ByteBuffer.wrap(src.toArray(JAVA_BYTE)), position);
    }

    // ------------------------------------------------------------------ vectored

    /**
     * Scattering read: fills {@code dsts} in order from {@code position}; -1 at end of file.
     * The blocking form of {@link #readAsync(ByteBuffer[], long)}, under the file's
     * {@link #timeout(Duration) default timeout}; it throws as
     * {@link #read(ByteBuffer, long, Duration)} does.
     *
     * @param dsts     1 to 1024 writable buffers, filled from their positions up to their limits,
     *                 each position advanced by what it got; if any is a heap buffer, all of them
     *                 hold at most 16 MiB of room together
     * @param position the file offset to read from, 0 or more
     * @return the total count, or -1 at end of file (when the buffers had room)
     * @throws IllegalArgumentException no buffer or more than 1024, more than 16 MiB of room with
     *         a heap buffer among them, or as {@link #read(ByteBuffer, long, Duration)}
     * @throws IOException as {@link #read(ByteBuffer, long, Duration)}
     */
    public long read(ByteBuffer[] dsts, long position) throws IOException {
        return Errors.await(readAsync(dsts, position));
    }

    /**
     * Scattering read with READV, under the file's {@link #timeout(Duration) default timeout}.
     * Each buffer's position and limit are read once, here; leave the buffers alone until the
     * future completes. Any thread, the loop's included.
     *
     * @param dsts     the buffers, as for {@link #read(ByteBuffer[], long)}
     * @param position the file offset to read from, 0 or more
     * @return a future of the total count, or -1 at end of file; it fails as
     *         {@link #read(ByteBuffer[], long)} throws, apart from the interrupt and the
     *         loop-thread refusal
     */
    public CompletableFuture<Long> readAsync(ByteBuffer[] dsts, long position) {
        return Vectored.transfer(this, Opcode.READV, dsts, position);
    }

    /**
     * Gathering write of {@code srcs} in order at {@code position}. The blocking form of
     * {@link #writeAsync(ByteBuffer[], long)}, under the file's
     * {@link #timeout(Duration) default timeout}; it throws as
     * {@link #write(ByteBuffer, long, Duration)} does.
     *
     * @param srcs     1 to 1024 buffers, written from their positions to their limits, each
     *                 position advanced by what went; if any is a heap buffer, all of them hold
     *                 at most 16 MiB together
     * @param position the file offset to write at, 0 or more
     * @return the total count written, which may be short
     * @throws IllegalArgumentException no buffer or more than 1024, more than 16 MiB with a heap
     *         buffer among them, or as {@link #write(ByteBuffer, long, Duration)}
     * @throws IOException as {@link #write(ByteBuffer, long, Duration)}
     */
    public long write(ByteBuffer[] srcs, long position) throws IOException {
        return Errors.await(writeAsync(srcs, position));
    }

    /**
     * Gathering write with WRITEV, under the file's {@link #timeout(Duration) default timeout};
     * as {@link #readAsync(ByteBuffer[], long)} for the buffers and threads.
     *
     * @param srcs     the buffers, as for {@link #write(ByteBuffer[], long)}
     * @param position the file offset to write at, 0 or more
     * @return a future of the total count written; it fails as
     *         {@link #write(ByteBuffer[], long)} throws, apart from the interrupt and the
     *         loop-thread refusal
     */
    public CompletableFuture<Long> writeAsync(ByteBuffer[] srcs, long position) {
        return Vectored.transfer(this, Opcode.WRITEV, srcs, position);
    }

    // ------------------------------------------------------------------ metadata and sync

    /**
     * fsync(2) through IORING_OP_FSYNC: the file's data and metadata reach the device before
     * this returns. Under the file's {@link #timeout(Duration) default timeout}; the blocking
     * form of {@link #fsyncAsync()}.
     *
     * @throws java.nio.channels.ClosedChannelException the file was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the file was closed while the request
     *         was in flight
     * @throws java.nio.channels.InterruptedByTimeoutException the default deadline passed first
     * @throws java.io.InterruptedIOException the thread was interrupted while it waited
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the kernel failed the sync (EIO, …); the message names the path and
     *         the errno
     */
    public void fsync() throws IOException {
        Errors.await(simple("fsync", sqe -> sqe.prepFsync(fd, 0)));
    }

    /**
     * fdatasync(2) through IORING_OP_FSYNC with DATASYNC: as {@link #fsync()}, but metadata
     * reaches the device only where reading the data back needs it (the size, not the times).
     *
     * @throws java.nio.channels.ClosedChannelException the file was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the file was closed while the request
     *         was in flight
     * @throws java.nio.channels.InterruptedByTimeoutException the default deadline passed first
     * @throws java.io.InterruptedIOException the thread was interrupted while it waited
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the kernel failed the sync; the message names the path and the errno
     */
    public void fdatasync() throws IOException {
        Errors.await(simple("fdatasync", sqe -> sqe.prepFdatasync(fd)));
    }

    /**
     * As {@link #fsync()}, without waiting. Any thread, the loop's included.
     *
     * @return a future completed with 0 once the data and metadata reached the device; it fails
     *         as {@link #fsync()} throws, apart from the interrupt and the loop-thread refusal
     */
    public CompletableFuture<Integer> fsyncAsync() {
        return simple("fsync", sqe -> sqe.prepFsync(fd, 0));
    }

    /**
     * fallocate(2) mode 0: reserves {@code length} bytes at {@code offset}. Later writes there
     * cannot fail for want of space; a range past the end makes the file that long. Under the
     * file's {@link #timeout(Duration) default timeout}.
     *
     * @param offset where the range starts, 0 or more
     * @param length how many bytes, more than 0
     * @throws IllegalArgumentException {@code offset} is negative or {@code length} is not positive
     * @throws java.nio.channels.ClosedChannelException the file was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the file was closed while the request
     *         was in flight
     * @throws java.nio.channels.InterruptedByTimeoutException the default deadline passed first
     * @throws java.io.InterruptedIOException the thread was interrupted while it waited
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the kernel refused (EOPNOTSUPP on a filesystem without it, ENOSPC,
     *         EBADF for a file opened read-only, …); the message names the path and the errno
     */
    public void allocate(long offset, long length) throws IOException {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("offset must be >= 0 and length > 0, given " + offset + ", " + length);
        }
        Errors.await(simple("fallocate", sqe -> sqe.prepFallocate(fd, 0, offset, length)));
    }

    /**
     * ftruncate(2) through IORING_OP_FTRUNCATE (kernel 6.9): the file becomes {@code size} bytes
     * long, cut or extended with a hole. An older kernel refuses the request (the call fails
     * with an {@link IOException}). Under the file's {@link #timeout(Duration) default timeout}.
     *
     * @param size the new length in bytes, 0 or more
     * @throws IllegalArgumentException {@code size} is negative
     * @throws java.nio.channels.ClosedChannelException the file was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the file was closed while the request
     *         was in flight
     * @throws java.nio.channels.InterruptedByTimeoutException the default deadline passed first
     * @throws java.io.InterruptedIOException the thread was interrupted while it waited
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the kernel refused (EINVAL or EBADF for a file not open for writing,
     *         EINVAL on a kernel without the opcode, …); the message names the path and the errno
     */
    public void truncate(long size) throws IOException {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0, given " + size);
        Errors.await(simple("ftruncate", sqe -> sqe.prepFtruncate(fd, size)));
    }

    /**
     * The file size, from statx(2) through IORING_OP_STATX. Under the file's
     * {@link #timeout(Duration) default timeout}; the blocking form of {@link #sizeAsync()}.
     *
     * @return the size in bytes
     * @throws java.nio.channels.ClosedChannelException the file was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the file was closed while the request
     *         was in flight
     * @throws java.nio.channels.InterruptedByTimeoutException the default deadline passed first
     * @throws java.io.InterruptedIOException the thread was interrupted while it waited
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException statx(2) failed; the message names the path and the errno
     */
    public long size() throws IOException {
        return Errors.await(sizeAsync());
    }

    /**
     * As {@link #size()}, without waiting. Any thread, the loop's included.
     *
     * @return a future of the size in bytes; it fails as {@link #size()} throws, apart from the
     *         interrupt and the loop-thread refusal
     */
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

    /**
     * This file as a {@link SeekableByteChannel} with a position of its own (starting at 0; at the
     * end after each write of a file opened with APPEND), for code written against that interface:
     * its reads and writes are this file's at that position, and each waits (at most
     * {@link #timeout()}) as the blocking forms here do; a write writes all of the buffer.
     * Closing the view closes the file. The view's methods are safe to call from several threads
     * (each takes the view's lock), as a {@code FileChannel}'s are.
     *
     * @return a new view; each view keeps a position of its own
     * @throws java.nio.channels.ClosedChannelException the file is closed
     * @throws IOException the file's status flags could not be read (fcntl(2), to learn APPEND)
     */
    public SeekableByteChannel asSeekableByteChannel() throws IOException {
        return new AsyncFileChannel(this);
    }

    // ------------------------------------------------------------------ close

    /**
     * {@return whether the file is open} False from the moment {@link #close()} is called (on
     * any thread), and once the file's loop has closed.
     */
    public boolean isOpen() {
        return state.isOpen();
    }

    /** {@return the path the file was opened with, as given} */
    public Path path() {
        return path;
    }

    /** {@return the loop this file's requests run on} */
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
     *
     * @throws IOException the fd's close failed, or did not complete within 30 s
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
