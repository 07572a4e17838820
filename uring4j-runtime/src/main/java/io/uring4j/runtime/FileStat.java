package io.uring4j.runtime;

import io.uring4j.core.FsOps;
import io.uring4j.core.Statx;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What the runtime reads of a file's {@code statx(2)} (through IORING_OP_STATX): type and
 * permission bits, size, allocated blocks and identity (device and inode). The struct and the
 * path live in a pooled buffer of the operation until its completion.
 */
record FileStat(int mode, long size, long blocks, long ino, int devMajor, int devMinor) {
    private static final long DEV_MAJOR = Statx.LAYOUT.byteOffset(groupElement("stx_dev_major"));
    private static final long DEV_MINOR = Statx.LAYOUT.byteOffset(groupElement("stx_dev_minor"));
    /** Where the path ("" for an fd) starts in the operation's buffer, after the struct. */
    private static final long PATH_AT = Statx.BYTES;

    boolean isRegularFile() {
        return (mode & Statx.S_IFMT) == Statx.S_IFREG;
    }

    boolean isDirectory() {
        return (mode & Statx.S_IFMT) == Statx.S_IFDIR;
    }

    boolean isSymbolicLink() {
        return (mode & Statx.S_IFMT) == Statx.S_IFLNK;
    }

    /** The permission bits (e.g. 0644). */
    int permissions() {
        return mode & 07777;
    }

    /** Whether both name the same file: the same inode on the same device, however reached. */
    boolean sameFile(FileStat other) {
        return ino == other.ino && devMajor == other.devMajor && devMinor == other.devMinor;
    }

    /** The file behind {@code file}'s fd, under {@code timeout} (null: the file's default timeout). */
    static CompletableFuture<FileStat> of(AsyncFile file, Duration timeout) {
        if (!file.isOpen()) return CompletableFuture.failedFuture(Errors.closed());
        return request(file.loop(), file, file.fd(), null, FsOps.AT_EMPTY_PATH, timeout, STATED);
    }

    /**
     * The file at {@code path}, through a final symlink if {@code followLinks}; under a linked
     * timeout when {@code timeout} is not null. Fails with NoSuchFileException if there is none.
     */
    static CompletableFuture<FileStat> of(EventLoop loop, Path path, boolean followLinks, Duration timeout) {
        return request(loop, null, FsOps.AT_FDCWD, path, followLinks ? 0 : FsOps.AT_SYMLINK_NOFOLLOW, timeout, STATED);
    }

    /** The size of {@code file}, for {@link AsyncFile#sizeAsync()}. */
    static CompletableFuture<Long> size(AsyncFile file) {
        if (!file.isOpen()) return CompletableFuture.failedFuture(Errors.closed());
        return request(file.loop(), file, file.fd(), null, FsOps.AT_EMPTY_PATH, null, SIZED);
    }

    private static <T> CompletableFuture<T> request(EventLoop loop, AsyncFile file, int dfd, Path path, int flags,
                                                    Duration timeout, Operation.Completion completion) {
        byte[] name = path == null ? new byte[0] : PathOps.bytes(path);
        Path subject = file != null ? file.path() : path; // what an error names
        return loop.submit(f -> {
            if (file != null && !file.isOpen()) { // closed while this was on its way to the loop
                f.completeExceptionally(Errors.closed());
                return;
            }
            Operation op = loop.acquire(completion, f, loop.buffers().acquire(PATH_AT + name.length + 1));
            op.context = subject;
            op.owner = file; // a file's statx holds the file (and counts among its requests)
            MemorySegment buf = op.buffer.segment;
            PathOps.put(buf, PATH_AT, name);
            loop.start(op, loop.sqe().prepStatx(dfd, buf.asSlice(PATH_AT), flags, Statx.STATX_BASIC_STATS, buf.asSlice(0, Statx.BYTES)),
                    timeout != null || file == null ? timeout : file.timeout());
            if (file != null) file.state.requests.requestStarted();
        });
    }

    /** Ends the request among its file's (if it has one); true if it failed (the future then has the exception). */
    private static boolean failed(Operation op, int res) {
        AsyncFileState file = op.owner instanceof AsyncFile f ? f.state : null;
        if (file != null) file.requests.requestEnded();
        if (res >= 0) return false;
        boolean timedOut = file != null ? file.timedOut(op, res) : op.timedOut(res);
        op.future.completeExceptionally(Errors.of(res, "statx", op.context, timedOut));
        return true;
    }

    private static final Operation.Completion STATED = (loop, op, res, flags, more) -> {
        if (failed(op, res)) return;
        MemorySegment buf = op.buffer.segment;
        Statx stx = Statx.of(buf);
        op.future.complete(new FileStat(stx.mode(), stx.size(), stx.blocks(), stx.ino(),
                buf.get(JAVA_INT, DEV_MAJOR), buf.get(JAVA_INT, DEV_MINOR)));
    };

    private static final Operation.Completion SIZED = (loop, op, res, flags, more) -> {
        if (failed(op, res)) return;
        op.future.complete(Statx.of(op.buffer.segment).size());
    };
}
