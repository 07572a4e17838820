package io.uring4j.runtime;

import io.uring4j.core.internal.Posix;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the loop holds of one {@link AsyncFile}: its fd, its registered slot, the count of its
 * requests in flight and its close. The loop's resource registry and the runtime's Cleaner
 * reference this, never the {@code AsyncFile}, so a file its user dropped can become unreachable
 * and be closed ({@link AbandonedObjects}); each request of the user holds the {@code AsyncFile}
 * itself ({@link Operation#owner}) until its last CQE.
 *
 * <p><b>Close</b>: new requests are refused ({@link java.nio.channels.ClosedChannelException}),
 * the requests in flight on the fd are cancelled (ASYNC_CANCEL FD|ALL) and waited for (one the
 * close cut short fails with {@link java.nio.channels.AsynchronousCloseException}, deadline or
 * not), then the registered slot is emptied and the fd closed with IORING_OP_CLOSE: no request
 * outlives the fd, so none can reach a file that reuses its number.
 */
final class AsyncFileState implements LoopResource {
    final EventLoop loop;
    final int fd;
    final Path path;
    /** Registered file slot on the loop, or -1: then requests use the fd. Loop thread. */
    int slot;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The requests in flight on the fd, and the cancel-wait-close protocol. Loop thread. */
    final LoopSocket requests;

    AsyncFileState(EventLoop loop, int fd, Path path, int slot) {
        this.loop = loop;
        this.fd = fd;
        this.path = path;
        this.slot = slot;
        this.requests = new LoopSocket(loop, fd, closed::get, this::emptySlot, () -> path, failure -> { }, () -> { });
    }

    boolean isOpen() {
        return !closed.get();
    }

    /**
     * Whether -ECANCELED for {@code op} means its deadline passed: not when the file's close
     * cancelled it (issue 9: a read on a FIFO closed from another thread is an
     * {@link java.nio.channels.AsynchronousCloseException}, not a timeout).
     */
    boolean timedOut(Operation op, int res) {
        return op.timedOut(res) && !closed.get();
    }

    /**
     * Any thread: begins the close; the future completes once the fd is closed. Null if a close
     * began already (this file's close is then under way or done).
     */
    CompletableFuture<Integer> close() {
        if (!closed.compareAndSet(false, true)) return null;
        return loop.submitClose(f -> {
            loop.unregister(this);
            requests.beginClose(f); // cancels what is in flight on the fd; their CQEs follow
            requests.closeIfIdle();
        });
    }

    /** Just before the fd closes, once no request is left: the registered slot is emptied. */
    private void emptySlot() {
        if (slot >= 0) {
            loop.fixedFiles().remove(slot);
            slot = -1;
        }
    }

    @Override
    public void closeAbandoned() {
        CompletableFuture<Integer> f = close();
        if (f != null) AbandonedObjects.reportFailure(f, this);
    }

    @Override
    public void closeOnShutdown() {
        closed.set(true);
        Posix.close(fd);
    }

    @Override
    public String toString() {
        return "AsyncFile[" + path + ", fd " + fd + ", " + loop + "]";
    }
}
