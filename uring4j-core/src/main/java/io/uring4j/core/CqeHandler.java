package io.uring4j.core;

/** Receives ready completions from {@link IoUring#forEachCqe}; the view is valid only during the call. */
@FunctionalInterface
public interface CqeHandler {
    void handle(Cqe cqe);
}
