package io.uring4j.runtime;

/**
 * Something holding an fd of an {@link EventLoop} that the loop must close if its owner does not: the
 * state behind a public file or socket, never the public object itself (see
 * {@link AbandonedObjects}).
 */
interface LoopResource {
    /** Closes the fd with a plain close(2); called on the loop thread after every request ended. */
    void closeOnShutdown();

    /**
     * Its public object became unreachable without a close (the Cleaner's thread): starts the
     * close that {@code close()} makes, on the loop, without waiting for it. Does nothing if
     * a close began already or the loop is closing (which closes it).
     */
    void closeAbandoned();
}
