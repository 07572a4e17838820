package io.uring4j.runtime;

import io.uring4j.core.CancelOps;
import io.uring4j.core.internal.Posix;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The loop's requests on a whole fd rather than on one operation: cancelling every request on it,
 * and closing it. Loop thread.
 */
final class FdRequests {
    private FdRequests() {}

    /** Cancels every request on {@code fd} (ASYNC_CANCEL with FD|ALL); their CQEs follow. */
    static void cancelAll(EventLoop loop, int fd) {
        loop.sqe().prepCancelFd(fd, CancelOps.CANCEL_ALL).userData(UserData.pack(UserData.TAG_CANCEL, 0, 0));
    }

    /**
     * Closes {@code fd} with IORING_OP_CLOSE and completes {@code f} with the result (or the
     * exception naming {@code subject}). Callers make sure no request of theirs still uses it.
     */
    static void close(EventLoop loop, int fd, CompletableFuture<?> f, Object subject) {
        Operation op;
        try {
            op = loop.acquire(Operation.INT_RESULT, f);
        } catch (RejectedExecutionException full) {
            int r = Posix.close(fd); // no slot left: a close must still happen, and nothing uses the fd
            if (r < 0) f.completeExceptionally(Errors.of(r, "close", subject, false));
            else f.complete(null);
            return;
        }
        op.context = new Operation.Subject("close", subject);
        loop.startUncancellable(op, loop.sqe().prepClose(fd), null); // a close must happen: its cancel never reaches the kernel
    }
}
