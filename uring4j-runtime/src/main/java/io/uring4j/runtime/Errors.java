package io.uring4j.runtime;

import io.uring4j.core.Errno;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Turns negative CQE results into the exceptions Java I/O code expects. */
final class Errors {
    private Errors() {}

    static final int ENOENT = 2, EEXIST = 17, EACCES = 13, EPERM = 1, ENOTDIR = 20, ENOTEMPTY = 39,
            ECANCELED = 125, EBADF = 9, ETIME = 62;

    /** The exception for result {@code res} (negative errno) of {@code what} on {@code subject}. */
    static Exception of(int res, String what, Object subject, boolean timedOut) {
        int errno = -res;
        if (errno >= 512 && errno <= 516) {
            errno = 4; // ERESTARTSYS and friends leak out of io-wq when a cancel interrupts a worker: EINTR
        }
        String s = subject == null ? null : subject.toString();
        if (timedOut) {
            InterruptedByTimeoutException e = new InterruptedByTimeoutException();
            e.initCause(new IOException(what + (s == null ? "" : " " + s) + " timed out"));
            return e;
        }
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(s, null, what + ": " + Errno.describe(errno));
            case EEXIST -> new FileAlreadyExistsException(s, null, what + ": " + Errno.describe(errno));
            case EACCES, EPERM -> new AccessDeniedException(s, null, what + ": " + Errno.describe(errno));
            case ENOTDIR -> new NotDirectoryException(s);
            case ENOTEMPTY -> new DirectoryNotEmptyException(s);
            case ECANCELED -> new CancellationException(what + (s == null ? "" : " " + s) + " was cancelled");
            default -> new IOException(what + (s == null ? "" : " " + s) + " failed: " + Errno.describe(errno));
        };
    }

    static ClosedChannelException closed() {
        return new ClosedChannelException();
    }

    /**
     * Waits for {@code f} (cheap on a virtual thread: it parks while the loop does the I/O) and
     * rethrows its failure as the I/O exception it is. An interrupt cancels the request (the
     * kernel gets an ASYNC_CANCEL; the request keeps its memory until its own completion) and
     * throws {@link java.io.InterruptedIOException} with the interrupt status kept.
     */
    static <T> T await(Future<T> f) throws IOException {
        EventLoop loop = EventLoop.current();
        if (loop != null && !f.isDone()) {
            // The loop would wait for a completion only it can deliver (or stall every other request).
            throw new IllegalStateException("a blocking call on " + loop + "'s own thread would wait for the loop"
                    + " itself; from a completion handler or a future's callback, use the async form");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            java.io.InterruptedIOException io = new java.io.InterruptedIOException("interrupted while waiting for io_uring");
            io.initCause(e);
            throw io;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * Waits for a close: not cut short by an interrupt (a close that returned early would leave
     * the fd open behind the caller's back), but bounded. The interrupt status is kept. On an
     * event loop thread (a handler closing its file) it does not wait: the close was started and
     * completes with the loop's next turns.
     */
    static void awaitClose(Future<?> f, Object what) throws IOException {
        if (EventLoop.current() != null) {
            return; // on a loop thread: the close is under way and finishes on its own; waiting would stall the loop
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            while (true) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IOException("close of " + what + " did not complete within " + CLOSE_WAIT.toSeconds() + " s");
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                } catch (CompletionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** How long a close may take before it is reported as stuck. */
    static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(30);

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException io) return io;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        return new IOException(t);
    }
}
