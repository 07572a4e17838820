package io.uring4j.runtime;

import java.util.concurrent.CompletableFuture;

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
