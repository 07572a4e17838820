package io.uring4j.runtime;

import io.uring4j.core.FsOps;
import io.uring4j.core.internal.Posix;

import java.lang.foreign.MemorySegment;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Opening an {@link AsyncFile}: OPENAT with the path in a pooled buffer of the operation, a
 * linked timeout for a deadline, and an fd that arrives after the caller gave up closed at once.
 */
final class FileOpen {
    private FileOpen() {}

    /** The mode of files {@link AsyncFile#open} creates. */
    static final int DEFAULT_MODE = 0644;

    /** What OPENAT's completion needs besides the fd. */
    private record Request(Path path, boolean direct, boolean registered) {
    }

    /** Opens {@code path} with {@code options} (see {@link #flags}) and {@link #DEFAULT_MODE}. */
    static CompletableFuture<AsyncFile> open(EventLoop loop, Path path, Duration timeout, OpenOption... options) {
        Set<OpenOption> set = Set.of(options);
        return open(loop, path, timeout, flags(set), DEFAULT_MODE, set.contains(FileOpenOption.REGISTERED));
    }

    /**
     * Opens {@code path} with the open(2) {@code flags} and, if it creates the file, {@code mode};
     * guarded by a linked timeout when {@code timeout} is not null.
     */
    static CompletableFuture<AsyncFile> open(EventLoop loop, Path path, Duration timeout, int flags, int mode, boolean registered) {
        AsyncFile.positive(timeout); // before the SQE exists (see FileTransfer.submit)
        Request request = new Request(path, (flags & FsOps.O_DIRECT) != 0, registered);
        byte[] name = PathOps.bytes(path);
        return loop.submit(f -> {
            Operation op = loop.acquire(OPENED, f, loop.buffers().acquire(name.length + 1));
            MemorySegment p = op.buffer.segment;
            PathOps.put(p, 0, name);
            op.context = request;
            loop.start(op, loop.sqe().prepOpenat(FsOps.AT_FDCWD, p, flags, mode), timeout);
        });
    }

    /** OPENAT's completion: wraps the fd, or closes it if the caller gave up meanwhile (no leak). */
    private static final Operation.Completion OPENED = (loop, op, res, flags, more) -> {
        Request request = (Request) op.context;
        if (res < 0) {
            op.future.completeExceptionally(Errors.of(res, "open", request.path(), op.timedOut(res)));
            return;
        }
        int slot;
        try {
            slot = request.registered() ? loop.fixedFiles().install(res) : -1;
        } catch (RuntimeException noTable) { // e.g. the table cannot be created under RLIMIT_NOFILE
            Posix.close(res); // nothing else will ever hold the fd the kernel opened
            op.future.completeExceptionally(noTable);
            return;
        }
        AsyncFile file = new AsyncFile(loop, res, request.path(), request.direct(), slot);
        if (op.future.complete(file)) {
            loop.register(file.state);
        } else {
            file.state.close(); // the caller gave up (cancelled): the fd must not leak (on the loop: now)
        }
    };

    /**
     * The JDK's own {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} (module jdk.unsupported), which
     * code written for {@code FileChannel} passes: the same as {@link FileOpenOption#DIRECT}. Known by
     * name, so the runtime does not require that module.
     */
    static boolean isJdkDirect(OpenOption o) {
        return o instanceof Enum<?> e && e.name().equals("DIRECT")
                && e.getDeclaringClass().getName().equals("com.sun.nio.file.ExtendedOpenOption");
    }

    /** The open(2) flags for {@code options}; read-only when none says otherwise. */
    static int flags(Set<? extends OpenOption> options) {
        boolean read = options.contains(StandardOpenOption.READ);
        boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        int flags = FsOps.O_CLOEXEC;
        flags |= read && write ? FsOps.O_RDWR : write ? FsOps.O_WRONLY : FsOps.O_RDONLY;
        for (OpenOption o : options) {
            if (o == StandardOpenOption.CREATE && !options.contains(StandardOpenOption.CREATE_NEW)) flags |= FsOps.O_CREAT;
            else if (o == StandardOpenOption.CREATE_NEW) flags |= FsOps.O_CREAT | FsOps.O_EXCL;
            else if (o == StandardOpenOption.TRUNCATE_EXISTING && write) flags |= FsOps.O_TRUNC;
            else if (o == StandardOpenOption.APPEND) flags |= FsOps.O_APPEND;
            else if (o == StandardOpenOption.DSYNC) flags |= FsOps.O_DSYNC;
            else if (o == StandardOpenOption.SYNC) flags |= FsOps.O_SYNC;
            else if (o == FileOpenOption.DIRECT || isJdkDirect(o)) flags |= FsOps.O_DIRECT;
            else if (o == FileOpenOption.REGISTERED) continue;
            else if (o != StandardOpenOption.READ && o != StandardOpenOption.WRITE && o != StandardOpenOption.TRUNCATE_EXISTING) {
                throw new UnsupportedOperationException("open option not supported: " + o);
            }
        }
        return flags;
    }
}
