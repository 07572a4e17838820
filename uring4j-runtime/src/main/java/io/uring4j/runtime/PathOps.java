package io.uring4j.runtime;

import io.uring4j.core.FsOps;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Path operations through io_uring (RENAMEAT, UNLINKAT, MKDIRAT): the NUL-terminated paths live
 * in a pooled buffer of the operation until its completion. A deadline is a linked timeout; an
 * interrupted blocking caller cancels the request in the kernel (its future is an OpFuture).
 */
final class PathOps {
    private PathOps() {}

    static final int AT_REMOVEDIR = FsOps.AT_REMOVEDIR;

    static CompletableFuture<Integer> rename(EventLoop loop, Path from, Path to, Duration timeout) {
        return rename(loop, from, to, 0, timeout);
    }

    /** renameat2(2) with {@code flags} ({@code FsOps.RENAME_*}). */
    static CompletableFuture<Integer> rename(EventLoop loop, Path from, Path to, int flags, Duration timeout) {
        byte[] a = bytes(from);
        byte[] b = bytes(to);
        return loop.submit(f -> {
            Operation op = start(loop, f, "rename", from, a.length + b.length + 2);
            MemorySegment p = op.buffer.segment;
            put(p, 0, a);
            put(p, a.length + 1, b);
            loop.start(op, loop.sqe().prepRenameat(FsOps.AT_FDCWD, p, FsOps.AT_FDCWD, p.asSlice(a.length + 1), flags), timeout);
        });
    }

    static CompletableFuture<Integer> unlink(EventLoop loop, Path path, boolean directory, Duration timeout) {
        byte[] a = bytes(path);
        return loop.submit(f -> {
            Operation op = start(loop, f, directory ? "rmdir" : "unlink", path, a.length + 1);
            put(op.buffer.segment, 0, a);
            loop.start(op, loop.sqe().prepUnlinkat(FsOps.AT_FDCWD, op.buffer.segment, directory ? AT_REMOVEDIR : 0), timeout);
        });
    }

    static CompletableFuture<Integer> mkdir(EventLoop loop, Path path, int mode, Duration timeout) {
        byte[] a = bytes(path);
        return loop.submit(f -> {
            Operation op = start(loop, f, "mkdir", path, a.length + 1);
            put(op.buffer.segment, 0, a);
            loop.start(op, loop.sqe().prepMkdirat(FsOps.AT_FDCWD, op.buffer.segment, mode), timeout);
        });
    }

    private static Operation start(EventLoop loop, CompletableFuture<Integer> f, String what, Path subject, int bytes) {
        Operation op = loop.acquire(Operation.INT_RESULT, f, loop.buffers().acquire(bytes));
        op.context = new Operation.Subject(what, subject);
        return op;
    }

    /** The NUL-free UTF-8 bytes of {@code p}, for a path the kernel reads; at most 4095. */
    static byte[] bytes(Path p) {
        byte[] b = p.toString().getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            if (x == 0) throw new IllegalArgumentException("a path cannot contain NUL: " + p);
        }
        if (b.length >= 4096) throw new IllegalArgumentException("a path holds at most 4095 bytes, given " + b.length);
        return b;
    }

    /** Writes {@code b} and a NUL at {@code at} of {@code seg}. */
    static void put(MemorySegment seg, long at, byte[] b) {
        MemorySegment.copy(b, 0, seg, JAVA_BYTE, at, b.length);
        seg.set(JAVA_BYTE, at + b.length, (byte) 0);
    }
}
