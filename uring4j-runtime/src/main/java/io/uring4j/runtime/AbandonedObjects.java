package io.uring4j.runtime;

import java.lang.ref.Cleaner;

/**
 * The runtime's one {@link Cleaner} (issue 9 item 9): a file, connection, server or message
 * socket its user dropped without {@code close()} is closed once the GC finds it unreachable, as
 * the JDK does for its channels, with the protocol of {@code close()} (cancel its requests, wait
 * for every completion, give buffers back, close the fd), run on its loop.
 *
 * <p>For that, each public type is a facade over a package-private state object, and only the
 * state is referenced by what the loop holds (its resource registry, the loop's own multishot
 * receives and accepts, timers). The facade stays reachable while its user may still hear from
 * it: a request of the user in flight holds it ({@link Operation#owner}, a connection's read or
 * write future), and so does a state that calls the user back with it (a push-mode
 * {@link TcpReceiver} until the end of stream, a server's waiting accepts). The Cleaner's action
 * references the state only (never the facade, which would then never become unreachable) and
 * only hands the close to the loop: it never blocks the Cleaner's thread.
 */
final class AbandonedObjects {
    private AbandonedObjects() {}

    private static final Cleaner CLEANER = Cleaner.create(
            Thread.ofPlatform().name("uring4j-cleaner").daemon(true).factory());

    /**
     * Closes {@code state} ({@link LoopResource#closeAbandoned}) once {@code facade}, its
     * public object, is unreachable; a close that throws is reported on stderr.
     */
    static void closeWhenUnreachable(Object facade, LoopResource state) {
        CLEANER.register(facade, () -> {
            try {
                state.closeAbandoned();
            } catch (RuntimeException | Error e) {
                RuntimeLog.failed("closing the abandoned " + state + " failed", e);
            }
        });
    }

    /**
     * Reports on stderr a close of an abandoned object that failed; one that found its loop
     * closed (ClosedChannelException) is not a failure: the loop's close closed the fd.
     */
    static void reportFailure(java.util.concurrent.CompletableFuture<?> close, Object state) {
        close.whenComplete((r, t) -> {
            if (t != null && !(t instanceof java.nio.channels.ClosedChannelException)) {
                RuntimeLog.failed("closing the abandoned " + state + " failed", t);
            }
        });
    }
}
