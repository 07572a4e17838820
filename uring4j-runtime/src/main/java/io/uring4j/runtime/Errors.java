package io.uring4j.runtime;

import io.uring4j.core.Errno;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns negative CQE results into the exceptions Java I/O code expects, and waits for futures on
 * behalf of blocking calls.
 *
 * <p><b>Which exception.</b> File errors are the {@code java.nio.file} ones
 * ({@link NoSuchFileException}, …). Socket errors are the {@code java.net} ones the JDK's own
 * sockets throw for the same errno ({@code sun.nio.ch.Net}): ECONNREFUSED and ETIMEDOUT of a
 * connect are {@link ConnectException}, EADDRINUSE, EADDRNOTAVAIL and a bind's EACCES/EPERM are
 * {@link BindException}, EHOSTUNREACH is {@link NoRouteToHostException}, the rest (ENETUNREACH as
 * "Network is unreachable", ECONNRESET as "Connection reset", EPIPE as "Broken pipe", …)
 * {@link SocketException};
 * messages are the JDK's words followed by the address, as the JDK writes them with
 * {@code jdk.includeInExceptions=hostInfo}, then the call and the errno in parentheses
 * ({@code "Connection refused: /127.0.0.1:9 (connect: ECONNREFUSED)"}). A request that ended with -ECANCELED without its
 * deadline passing was ended by a close (of its channel, or of its loop: a user's cancel has
 * already completed the future with {@link CancellationException}), so it is an
 * {@link AsynchronousCloseException}, as NIO.2 reports it, never an unchecked exception.
 *
 * <p><b>Whose stack.</b> A blocking call throws an exception made on the caller's own thread, of
 * exactly the type the loop produced, with the loop's exception as its cause
 * ({@link CallerExceptions}): the trace shows where the caller was, the cause where the kernel's
 * answer was read.
 */
final class Errors {
    private Errors() {}


    /** {@code ECANCELED} as the (positive) number a CQE result is compared with. */
    static final int ECANCELED = Errno.ECANCELED.code();

    /** The exception for result {@code res} (negative errno) of {@code what} on {@code subject}. */
    static Exception of(int res, String what, Object subject, boolean timedOut) {
        String s = subject == null ? null : subject.toString();
        String on = what + (s == null ? "" : " " + s);
        if (timedOut) {
            InterruptedByTimeoutException e = new InterruptedByTimeoutException();
            e.initCause(new IOException(on + " timed out"));
            return e;
        }
        Errno errno = Errno.of(res);
        if (errno == null && -res >= ERESTARTSYS && -res <= ERESTART_RESTARTBLOCK) {
            errno = Errno.EINTR; // ERESTARTSYS and friends leak out of io-wq when a cancel interrupts a worker
        }
        if (errno == null) return new IOException(on + " failed: " + Errno.describe(res));
        if (errno == Errno.ECANCELED) return asyncClosed(on + " was ended by a close");
        if (isSocket(subject) || SOCKET_ONLY.contains(errno)) {
            IOException net = socketException(errno, what, s);
            if (net != null) return net;
        }
        String reason = what + ": " + errno.name() + " (" + errno.description() + ")";
        return switch (errno) {
            case ENOENT -> new NoSuchFileException(s, null, reason);
            case EEXIST -> new FileAlreadyExistsException(s, null, reason);
            case EACCES, EPERM -> new AccessDeniedException(s, null, reason);
            case ENOTDIR -> new NotDirectoryException(s);
            case ENOTEMPTY -> new DirectoryNotEmptyException(s);
            default -> new IOException(on + " failed: " + Errno.describe(res));
        };
    }

    /* Kernel-internal restart codes (include/linux/errno.h), outside the user errno range Errno covers. */
    private static final int ERESTARTSYS = 512, ERESTART_RESTARTBLOCK = 516;

    /** Errnos only sockets produce: mapped to {@code java.net} exceptions whatever the subject. */
    private static final java.util.Set<Errno> SOCKET_ONLY = java.util.EnumSet.of(Errno.ECONNREFUSED,
            Errno.ECONNRESET, Errno.ECONNABORTED, Errno.EHOSTUNREACH, Errno.ENETUNREACH, Errno.EADDRINUSE,
            Errno.EADDRNOTAVAIL, Errno.ENOTCONN, Errno.ENETDOWN, Errno.EHOSTDOWN, Errno.ENETRESET);

    private static boolean isSocket(Object subject) {
        return subject instanceof SocketAddress || subject instanceof MessageSocketState || subject instanceof MessageSocket
                || subject instanceof TcpConnectionState || subject instanceof TcpConnection || subject instanceof TcpServerState
                || subject instanceof TcpServer;
    }

    /**
     * The {@code java.net} exception the JDK throws for {@code errno} on a socket (its
     * {@code handleSocketError} and {@code NioSocketImpl}), or null for errors the JDK reports as
     * a plain {@link IOException} (EMFILE, ENOMEM, …).
     */
    private static IOException socketException(Errno errno, String what, String subject) {
        boolean connect = what.startsWith("connect");
        // The JDK's words, the address as its hostInfo messages add it, then what failed and how.
        String at = (subject == null ? "" : ": " + subject) + " (" + what + ": " + errno.name() + ")";
        return switch (errno) {
            case ECONNREFUSED -> new ConnectException("Connection refused" + at);
            case ETIMEDOUT -> connect ? new ConnectException("Connection timed out" + at)
                    : new SocketException("Connection timed out" + at);
            case EHOSTUNREACH -> new NoRouteToHostException(errno.description() + at);
            case ENETUNREACH -> new SocketException(errno.description() + at); // the JDK's too: not NoRouteToHost
            case EADDRINUSE, EADDRNOTAVAIL -> new BindException(errno.description() + at);
            case EACCES, EPERM -> what.startsWith("bind") ? new BindException(errno.description() + at)
                    : new SocketException(errno.description() + at);
            case ECONNRESET -> new SocketException("Connection reset" + at);
            case EPIPE -> new SocketException("Broken pipe" + at);
            case ENOTCONN -> connect ? new ConnectException(errno.description() + at)
                    : new SocketException("Socket is not connected" + at);
            case ECONNABORTED, ENETDOWN, EHOSTDOWN, ENETRESET, EMSGSIZE, ENOBUFS, EPROTO, EOPNOTSUPP, EDESTADDRREQ,
                 EISCONN, EAFNOSUPPORT -> new SocketException(what + (subject == null ? "" : " " + subject)
                    + " failed: " + errno.name() + " (" + errno.description() + ")");
            default -> null;
        };
    }

    /** A second read while one waits: the JDK's {@link java.nio.channels.ReadPendingException}, saying on what. */
    static java.nio.channels.ReadPendingException readPending(Object subject) {
        return new ReadPending("a read is already pending on " + subject);
    }

    private static final class ReadPending extends java.nio.channels.ReadPendingException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final String message;

        ReadPending(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    /** The request's channel is closed (it never started). */
    static ClosedChannelException closed() {
        return new ClosedChannelException();
    }

    /**
     * A request ended because its channel or its loop was closed meanwhile, as NIO.2 reports it;
     * {@code detail} (the cause's message) says which request.
     */
    static AsynchronousCloseException asyncClosed(String detail) {
        AsynchronousCloseException e = new AsynchronousCloseException();
        e.initCause(new IOException(detail));
        return e;
    }

    /**
     * Waits for {@code f} (cheap on a virtual thread: it parks while the loop does the I/O) and
     * rethrows its failure as the I/O exception it is, made on this thread (see the class
     * comment). An interrupt cancels the request (the kernel gets an ASYNC_CANCEL; the request
     * keeps its memory until its own completion) and throws {@link InterruptedIOException} with
     * the interrupt status kept; a request that completed before the cancel could take effect
     * gives its result instead, so nothing it did (bytes read, a connection accepted) is lost.
     */
    static <T> T await(Future<T> f) throws IOException {
        refuseOnLoopThread(f);
        try {
            return f.get();
        } catch (InterruptedException e) {
            return interrupted(f, e);
        } catch (ExecutionException | CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * As {@link #await(Future)}, but an interrupt does not abandon the request: for a step that
     * cannot be undone once in the kernel (a copy's rename over its target), whose outcome the
     * caller must learn. The interrupt status is kept.
     */
    static <T> T awaitUninterruptibly(Future<T> f) throws IOException {
        refuseOnLoopThread(f);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | CompletionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * As {@link #await(Future)}, but gives up after {@code timeout}: the request is cancelled and
     * {@link InterruptedByTimeoutException} thrown, unless it completed first, when its result
     * or failure is what the caller gets (the cancel and the completion race on the future, and
     * exactly one of them wins).
     */
    static <T> T await(Future<T> f, Duration timeout, String what) throws IOException {
        refuseOnLoopThread(f);
        try {
            return f.get(saturatedNanos(timeout), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (f.cancel(false)) {
                InterruptedByTimeoutException t = new InterruptedByTimeoutException();
                t.initCause(new IOException(what + " timed out after " + timeout));
                throw t;
            }
            return await(f); // completed meanwhile: its outcome stands
        } catch (InterruptedException e) {
            return interrupted(f, e);
        } catch (ExecutionException | CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** Nanoseconds of {@code d}, saturated to Long.MAX_VALUE (a huge deadline means none). */
    static long saturatedNanos(Duration d) {
        if (d.isNegative()) return 0;
        return d.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : d.toNanos();
    }

    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    /**
     * Refuses a blocking factory ({@code what}) on an event loop's thread before it makes any fd:
     * it would make its socket here and then wait for a loop to take it over, and a wait it then
     * refused would leave that hand-over queued for an fd already closed (and maybe reused).
     */
    static void refuseFactoryOnLoopThread(String what) {
        EventLoop loop = EventLoop.current();
        if (loop != null) {
            throw new IllegalStateException(what + " blocks until an event loop takes the new socket over: call it from an"
                    + " ordinary or virtual thread, not from " + loop + "'s own thread");
        }
    }

    private static void refuseOnLoopThread(Future<?> f) {
        EventLoop loop = EventLoop.current();
        if (loop != null && !f.isDone()) {
            // The loop would wait for a completion only it can deliver (or stall every other request).
            throw new IllegalStateException("a blocking call on " + loop + "'s own thread would wait for the loop"
                    + " itself; from a completion handler or a future's callback, use the async form");
        }
    }

    private static <T> T interrupted(Future<T> f, InterruptedException e) throws IOException {
        if (f.cancel(false) || f.isCancelled()) {
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("interrupted while waiting for io_uring");
            io.initCause(e);
            throw io;
        }
        // The request completed before the cancel, or its completion is under way (the loop took
        // it): what it did is the caller's, so wait for it, briefly, then keep the interrupt status.
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException again) {
                    // still the caller's result: keep waiting
                } catch (ExecutionException | CompletionException failed) {
                    throw rethrow(failed.getCause());
                }
            }
        } finally {
            Thread.currentThread().interrupt();
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
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    throw new IOException("close of " + what + " did not complete within " + CLOSE_WAIT.toSeconds() + " s");
                } catch (ExecutionException | CompletionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for {@code latch} until {@code deadline} (System.nanoTime); whether it opened.
     * Interrupts do not cut the wait short (a close that returned early would leave resources
     * behind the caller's back); the interrupt status is kept.
     */
    static boolean awaitUninterruptibly(java.util.concurrent.CountDownLatch latch, long deadline) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** How long a close may take before it is reported as stuck. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /** {@code t} (a request's failure, made on the loop) as this thread's own exception, thrown if unchecked. */
    private static IOException rethrow(Throwable t) {
        Throwable here = CallerExceptions.onCallerThread(t);
        if (here instanceof IOException io) return io;
        if (here instanceof RuntimeException re) throw re;
        if (here instanceof Error e) throw e;
        return new IOException(here);
    }

    static {
        // Last in the class, after the tables it reads. Runs each errno switch once, so the
        // classes behind them are loaded now: loading a class later can need a new fd (from a
        // class-path directory), and out of fds (EMFILE, the very error to report) it would fail
        // with NoClassDefFoundError inside a completion, leaving its waiter without an answer.
        of(-Errno.EMFILE.code(), "load", null, false);
        socketException(Errno.ECONNRESET, "load", null);
    }
}
