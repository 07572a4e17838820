package io.uring4j.runtime;

import io.uring4j.core.SqeFlag;
import io.uring4j.core.internal.Posix;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Test helper: an OPENAT of a FIFO for reading, forced into io-wq (IOSQE_ASYNC) so that it blocks
 * an io-wq worker until a writer opens the FIFO. Completes with the fd, which it closes at once.
 */
final class BlockingOpen {
    private BlockingOpen() {}

    private static final Operation.Completion OPENED = (loop, op, res, flags, more) -> {
        if (res >= 0) Posix.close(res);
        op.future.complete(res);
    };

    static CompletableFuture<Integer> start(EventLoop loop, Path fifo) {
        byte[] name = fifo.toString().getBytes(StandardCharsets.UTF_8);
        return loop.submit(f -> {
            Operation op = loop.acquire(OPENED, f);
            op.buffer = loop.buffers().acquire(name.length + 1);
            MemorySegment p = op.buffer.segment;
            MemorySegment.copy(name, 0, p, JAVA_BYTE, 0, name.length);
            p.set(JAVA_BYTE, name.length, (byte) 0);
            loop.startUncancellable(op, loop.sqe().prepOpenat(Posix.AT_FDCWD, p, Posix.O_RDONLY | Posix.O_CLOEXEC, 0)
                    .flag(SqeFlag.ASYNC), null);
        });
    }
}
