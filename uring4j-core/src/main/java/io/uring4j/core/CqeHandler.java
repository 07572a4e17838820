package io.uring4j.core;

/** Receives ready completions from {@link IoUring#forEachCqe}; the view is valid only during the call. */
@FunctionalInterface
public interface CqeHandler {
    /**
     * Handles one completion. Throwing stops the iteration: the CQEs handled so far, this one
     * included, are consumed and the exception propagates out of {@link IoUring#forEachCqe}.
     *
     * @param cqe the completion, a view valid only during this call (copy out what is needed)
     */
    void handle(Cqe cqe);
}
