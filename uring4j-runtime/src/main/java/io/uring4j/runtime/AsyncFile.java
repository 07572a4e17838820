package io.uring4j.runtime;

import io.uring4j.core.Opcode;
import io.uring4j.core.Sqe;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A file opened through io_uring on one {@link EventLoop}. Every operation has an async form
 * returning a {@link CompletableFuture} and a blocking form that parks the caller (cheap on a
 * virtual thread) while the loop does the I/O; each can take a timeout, enforced by a linked
 * timeout in the kernel.
 *
 * <p>Buffers: a direct {@link ByteBuffer} is handed to the kernel as is and held by the request
 * until its completion; a heap buffer is copied through a pooled native buffer. As with
 * {@code FileChannel}, reads fill from the buffer's position to its limit and advance the
 * position; {@code -1} means end of file.
 *
 * <p>{@link #close()} waits for the close to complete; requests still in flight keep their memory
 * until their own completions. On the loop's own thread (a completion handler or a future's
 * callback) blocking forms throw {@link IllegalStateException}, since the loop would wait for
 * itself, and {@code close()} starts the close and returns at once.
 */
public final class AsyncFile implements AutoCloseable, EventLoop.Resource {
    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_SIZE = 0x200;

    private final EventLoop loop;
    private final int fd;
    private final Path path;
    final boolean direct;
    /** Deadline of every request that names none, or null: a linked timeout per request. */
    private volatile Duration defaultTimeout;
    /** Registered file slot on the loop, or -1: then requests use the fd. Loop thread. */
    private int slot = -1;
    private volatile boolean closed;

    private AsyncFile(EventLoop loop, int fd, Path path, boolean direct) {
        this.loop = loop;
        this.fd = fd;
        this.path = path;
        this.direct = direct;
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
     */
    public static CompletableFuture<AsyncFile> openAsync(EventLoop loop, Path path, Duration timeout, OpenOption... options) {
        Set<OpenOption> set = Set.of(options);
        int flags = openFlags(set);
        boolean direct = (flags & Posix.O_DIRECT) != 0;
        boolean registered = set.contains(FileOpenOption.REGISTERED);
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        return loop.submit(f -> {
            Operation op = loop.acquire(OPEN, f);
            op.buffer = loop.buffers().acquire(name.length + 1);
            MemorySegment p = op.buffer.segment;
            MemorySegment.copy(name, 0, p, JAVA_BYTE, 0, name.length);
            p.set(JAVA_BYTE, name.length, (byte) 0);
            op.context = new Object[] {path, direct, registered};
            Sqe sqe = loop.sqe().prepOpenat(Posix.AT_FDCWD, p, flags, 0644).userData(op.userData(UserData.TAG_MAIN));
            if (timeout != null) loop.linkTimeout(op, sqe, timeout);
            loop.started(op, timeout != null);
            loop.cancelWith(op, f);
        });
    }

    /** OPENAT's completion: wraps the fd, or closes it if the caller gave up meanwhile (no leak). */
    private static final Operation.Completion OPEN = (loop, op, res, flags, more) -> {
        Object[] ctx = (Object[]) op.context;
        Path path = (Path) ctx[0];
        if (res < 0) {
            op.future.completeExceptionally(Errors.of(res, "open", path, EventLoop.timedOut(op, res)));
            return;
        }
        AsyncFile file = new AsyncFile(loop, res, path, (Boolean) ctx[1]);
        if ((Boolean) ctx[2]) {
            file.slot = loop.fixedFiles().install(res);
        }
        if (op.future.complete(file)) {
            loop.register(file);
        } else {
            if (file.slot >= 0) loop.fixedFiles().remove(file.slot);
            Posix.close(res); // the caller gave up (cancelled): the fd must not leak
        }
    };

    static int openFlags(Set<? extends OpenOption> options) {
        boolean read = options.contains(StandardOpenOption.READ);
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        int flags = Posix.O_CLOEXEC;
        flags |= read && write ? Posix.O_RDWR : write ? Posix.O_WRONLY : Posix.O_RDONLY;
        for (OpenOption o : options) {
            if (o == StandardOpenOption.CREATE && !options.contains(StandardOpenOption.CREATE_NEW)) flags |= Posix.O_CREAT;
            else if (o == StandardOpenOption.CREATE_NEW) flags |= Posix.O_CREAT | Posix.O_EXCL;
            else if (o == StandardOpenOption.TRUNCATE_EXISTING && write) flags |= Posix.O_TRUNC;
            else if (o == StandardOpenOption.APPEND) flags |= Posix.O_APPEND;
            else if (o == StandardOpenOption.DSYNC) flags |= 010000;
            else if (o == StandardOpenOption.SYNC) flags |= 04010000;
            else if (o == FileOpenOption.DIRECT) flags |= Posix.O_DIRECT;
            else if (o == FileOpenOption.REGISTERED) continue;
            else if (o != StandardOpenOption.READ && o != StandardOpenOption.WRITE && o != StandardOpenOption.TRUNCATE_EXISTING) {
                throw new UnsupportedOperationException("open option not supported: " + o);
            }
        }
        return flags;
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

    /** Links the file's default timeout (if any) after {@code sqe}; true if it did. Loop thread. */
    boolean guard(Operation op, Sqe sqe) {
        Duration t = defaultTimeout;
        if (t == null) return false;
        loop.linkTimeout(op, sqe, t);
        return true;
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
        return transfer(Opcode.READ, dst, position, timeout);
    }

    public int write(ByteBuffer src, long position) throws IOException {
        return Errors.await(writeAsync(src, position, null));
    }

    public CompletableFuture<Integer> writeAsync(ByteBuffer src, long position) {
        return writeAsync(src, position, null);
    }

    /** Writes {@code src} at {@code position}; completes with the count written (may be short). */
    public CompletableFuture<Integer> writeAsync(ByteBuffer src, long position, Duration timeout) {
        return transfer(Opcode.WRITE, src, position, timeout);
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
        transfer(true, dst, position, attachment, handler);
    }

    /** Writes {@code src} at {@code position}; as {@link #read(ByteBuffer, long, Object, CompletionHandler)}. */
    public <A> void write(ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        transfer(false, src, position, attachment, handler);
    }

    private CompletableFuture<Integer> transfer(Opcode opcode, ByteBuffer buf, long position, Duration timeout) {
        CompletableFuture<Integer> early = check(buf, position, opcode == Opcode.READ);
        if (early != null) return early;
        return loop.submit(f -> start(opcode == Opcode.READ, buf, position, timeout, f, null, null));
    }

    private <A> void transfer(boolean isRead, ByteBuffer buf, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        @SuppressWarnings("unchecked")
        CompletionHandler<Object, Object> h = (CompletionHandler<Object, Object>) (CompletionHandler<?, ?>) handler;
        CompletableFuture<Integer> early = check(buf, position, isRead);
        if (early != null) {
            h.failed(early.exceptionNow(), attachment);
        } else if (loop.inEventLoop()) {
            startOrFail(isRead, buf, position, h, attachment);
        } else {
            try {
                loop.execute(() -> startOrFail(isRead, buf, position, h, attachment));
            } catch (IllegalStateException loopClosed) {
                h.failed(Errors.closed(), attachment);
            }
        }
    }

    private void startOrFail(boolean isRead, ByteBuffer buf, long position, CompletionHandler<Object, Object> h, Object attachment) {
        try {
            start(isRead, buf, position, null, null, h, attachment);
        } catch (Throwable t) {
            h.failed(t, attachment);
        }
    }

    /** Loop thread: one READ or WRITE for {@code buf}, its result going to {@code f} or to {@code h}. */
    private void start(boolean isRead, ByteBuffer buf, long position, Duration timeout, CompletableFuture<?> f,
                       CompletionHandler<Object, Object> h, Object attachment) {
        int len = buf.remaining();
        Operation op = loop.acquire(isRead ? READ_DONE : WRITE_DONE, f);
        op.handler = h;
        op.attachment = attachment;
        op.context = this;
        MemorySegment data;
        long at = 0; // where in data the transfer starts
        op.userBuffer = buf;
        if (buf.isDirect()) {
            data = loop.wholeSegment(buf);
            at = buf.position();
        } else {
            op.buffer = loop.buffers().acquire(len);
            data = op.buffer.segment;
            if (!isRead) MemorySegment.copy(MemorySegment.ofBuffer(buf), 0, data, 0, len);
        }
        int fixed = slot >= 0 && op.buffer != null ? loop.fixedBuffers().indexOf(op.buffer) : -1;
        Sqe sqe;
        if (fixed >= 0) {
            sqe = isRead ? loop.sqe().prepReadFixed(fd, data, len, position, fixed)
                    : loop.sqe().prepWriteFixed(fd, data, len, position, fixed);
        } else {
            sqe = isRead ? loop.sqe().prepRead(fd, data, len, position) : loop.sqe().prepWrite(fd, data, len, position);
        }
        // The prep checked len against the whole buffer; position + len <= capacity holds for
        // every ByteBuffer (position <= limit <= capacity), so the moved address stays inside.
        if (at != 0) sqe.addr(data.address() + at);
        target(sqe).userData(op.userData(UserData.TAG_MAIN));
        Duration t = timeout != null ? timeout : defaultTimeout;
        if (t != null) loop.linkTimeout(op, sqe, t);
        loop.started(op, t != null);
        if (f != null) loop.cancelWith(op, f);
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

    <T> CompletableFuture<T> check(ByteBuffer buf, long position, boolean isRead) {
        if (closed) return CompletableFuture.failedFuture(Errors.closed());
        if (isRead && buf.isReadOnly()) {
            // The kernel would write into it regardless: refuse, as FileChannel does.
            return CompletableFuture.failedFuture(new IllegalArgumentException("a read needs a writable buffer, given a read-only " + buf));
        }
        if (position < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("position must be >= 0, given " + position));
        }
        if (direct) {
            // A heap buffer goes through an aligned pooled buffer; a direct one's address is checked
            // without making a segment (this runs per request).
            int misaligned = buf.isDirect() ? buf.alignmentOffset(buf.position(), 512) : 0;
            if (position % 512 != 0 || buf.remaining() % 512 != 0 || misaligned != 0) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(
                        "O_DIRECT needs position, length and buffer address aligned to 512 bytes, given position "
                                + position + ", length " + buf.remaining() + ", address " + misaligned + " bytes past a 512-byte boundary"));
            }
        }
        if (buf.remaining() > BufferPool.maxBytes() && !buf.isDirect()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "a heap buffer transfer holds at most " + BufferPool.maxBytes() + " bytes, given " + buf.remaining()));
        }
        return null;
    }

    private static final Operation.Completion READ_DONE = (loop, op, res, flags, more) -> {
        AsyncFile file = (AsyncFile) op.context;
        if (res < 0) {
            op.fail(Errors.of(res, "read", file.path, EventLoop.timedOut(op, res)));
            return;
        }
        ByteBuffer dst = op.userBuffer;
        if (op.buffer != null && res > 0) {
            MemorySegment.copy(op.buffer.segment, 0, MemorySegment.ofBuffer(dst), 0, res);
        }
        dst.position(dst.position() + res);
        op.succeed(loop.boxed(res == 0 ? -1 : res));
    };

    private static final Operation.Completion WRITE_DONE = (loop, op, res, flags, more) -> {
        AsyncFile file = (AsyncFile) op.context;
        if (res < 0) {
            op.fail(Errors.of(res, "write", file.path, EventLoop.timedOut(op, res)));
            return;
        }
        ByteBuffer src = op.userBuffer;
        src.position(src.position() + res);
        op.succeed(loop.boxed(res));
    };

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
        if (closed) return CompletableFuture.failedFuture(Errors.closed());
        return loop.submit(f -> {
            Operation op = loop.acquire(STATX_DONE, f);
            op.context = this;
            op.buffer = loop.buffers().acquire(512);
            MemorySegment stx = op.buffer.segment;
            stx.set(JAVA_BYTE, 0, (byte) 0); // the empty path "" lives at the buffer's start
            MemorySegment out = stx.asSlice(256, 256);
            // path "" with AT_EMPTY_PATH: the fd itself; STATX_SIZE
            Sqe sqe = loop.sqe().prepStatx(fd, stx, AT_EMPTY_PATH, STATX_SIZE, out).userData(op.userData(UserData.TAG_MAIN));
            loop.started(op, guard(op, sqe));
            loop.cancelWith(op, f);
        });
    }

    private static final Operation.Completion STATX_DONE = (loop, op, res, flags, more) -> {
        AsyncFile file = (AsyncFile) op.context;
        if (res < 0) {
            op.future.completeExceptionally(Errors.of(res, "statx", file.path, EventLoop.timedOut(op, res)));
            return;
        }
        op.future.complete(op.buffer.segment.get(JAVA_LONG, 256 + 40)); // stx_size
    };

    /** A request whose SQE needs nothing but the fd and what {@code prep} writes. */
    private CompletableFuture<Integer> simple(String what, java.util.function.Function<Sqe, Sqe> prep) {
        if (closed) return CompletableFuture.failedFuture(Errors.closed());
        return loop.submit(f -> {
            Operation op = loop.acquire(INT_RESULT, f);
            op.context = new Object[] {what, path};
            Sqe sqe = target(prep.apply(loop.sqe())).userData(op.userData(UserData.TAG_MAIN));
            loop.started(op, guard(op, sqe));
            loop.cancelWith(op, f);
        });
    }

    /** Completes with the result, or with the exception for a negative one. */
    static final Operation.Completion INT_RESULT = (loop, op, res, flags, more) -> {
        Object[] ctx = (Object[]) op.context;
        if (res < 0) {
            op.future.completeExceptionally(Errors.of(res, (String) ctx[0], ctx[1], EventLoop.timedOut(op, res)));
        } else {
            op.future.complete(res);
        }
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
     * Copies {@code from} to {@code to} (created or truncated) in 1 MiB chunks, 8 in flight; returns
     * the bytes copied and fails if fewer than the source size. Each chunk is a linked pair of
     * splices through a pipe of its own (the bytes are copied once, in the kernel, as with
     * {@code cp}), or of a read and a write through a pooled buffer where the kernel or the pipe
     * limits do not allow that. An interrupt stops the copy after the chunks in the kernel
     * have completed, and then throws {@link java.io.InterruptedIOException}.
     */
    public static long copy(EventLoopGroup group, Path from, Path to) throws IOException {
        return FileCopy.copy(group, from, to, FileCopy.DEFAULT_CHUNK, FileCopy.DEFAULT_DEPTH);
    }

    /** As {@link #copy(EventLoopGroup, Path, Path)} with a chunk size and chunks in flight. */
    public static long copy(EventLoopGroup group, Path from, Path to, int chunkBytes, int chunksInFlight) throws IOException {
        return FileCopy.copy(group, from, to, chunkBytes, chunksInFlight);
    }

    // ------------------------------------------------------------------ close

    public boolean isOpen() {
        return !closed;
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
        return slot;
    }

    /** Points a prepared SQE at the registered slot when the file has one. Loop thread. */
    Sqe target(Sqe sqe) {
        return slot >= 0 ? sqe.fixedFile(slot) : sqe;
    }

    /** Closes the fd through IORING_OP_CLOSE and waits for it. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        Errors.awaitClose(loop.<Integer>submitClose(f -> {
            loop.unregister(this);
            if (slot >= 0) {
                loop.fixedFiles().remove(slot);
                slot = -1;
            }
            loop.closeFd(fd, f, path);
        }), this);
    }

    @Override
    public void closeOnShutdown() {
        closed = true;
        Posix.close(fd);
    }

    @Override
    public String toString() {
        return "AsyncFile[" + path + ", fd " + fd + ", " + loop + "]";
    }
}
