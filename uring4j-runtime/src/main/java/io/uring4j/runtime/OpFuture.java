package io.uring4j.runtime;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The future of one request: cancelling it asks the kernel to cancel the request (ASYNC_CANCEL
 * by user_data) instead of only abandoning it. The request keeps its memory until its own CQEs
 * arrive; the generation check ignores a cancel that comes after the slot was reused. Binding is
 * two field writes, so a request pays no extra allocation for being cancellable.
 */
final class OpFuture<T> extends CompletableFuture<T> {
    private final EventLoop loop;
    /** Set on the loop thread when the request's SQE is prepared; read by a cancelling thread. */
    private volatile Operation op;
    private volatile int generation;

    OpFuture(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * The future of a request whose {@code body} runs on {@code loop} ({@link EventLoop#submit},
     * {@link EventLoop#submitClose}): {@code limited}, it is refused at the operation limit
     * before the body runs, and fails on a closed loop; else it always runs, and completes with
     * null on a closing loop.
     */
    static <T> CompletableFuture<T> submit(EventLoop loop, Consumer<CompletableFuture<T>> body, boolean limited) {
        OpFuture<T> f = new OpFuture<>(loop);
        try {
            loop.runOnLoop(() -> {
                try {
                    if (limited) loop.admit();
                    body.accept(f);
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (IllegalStateException closed) {
            if (!limited) {
                // A close that meets a closing loop has nothing left to do: the loop's shutdown
                // closes every resource still registered with it (LoopResource.closeOnShutdown).
                f.complete(null);
                return f;
            }
            ClosedChannelException e = Errors.closed();
            e.initCause(closed);
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Loop thread, right after the request's SQE was prepared. */
    void bind(Operation op) {
        this.generation = op.generation;
        this.op = op;
        if (isCancelled()) {
            loop.cancel(op); // cancelled before the request existed: its cancel follows it in the SQ
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Operation o = op;
        if (cancelled && o != null) {
            int g = generation;
            try {
                loop.runOnLoop(() -> {
                    if (o.generation == g) loop.cancel(o);
                });
            } catch (IllegalStateException closing) {
                // the loop is closing and cancels everything itself
            }
        }
        return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
