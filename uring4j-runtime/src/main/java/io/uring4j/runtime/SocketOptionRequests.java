package io.uring4j.runtime;

import io.uring4j.core.CmdOps;
import io.uring4j.core.Errno;
import io.uring4j.core.Opcode;
import io.uring4j.core.SocketConstants;
import io.uring4j.core.Sqe;
import io.uring4j.core.SqeFlag;
import io.uring4j.core.internal.Posix;

import java.lang.foreign.MemorySegment;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * getsockopt/setsockopt for the runtime's sockets (field report 4). Each request is an
 * IORING_OP_URING_CMD (SOCKET_URING_OP_GETSOCKOPT / SETSOCKOPT, kernel 6.7) guarded by a linked
 * timeout, so a kernel that never completes the command (the bug of field report 4, fixed in
 * newer kernels) costs at most the timeout. The plain syscall, run on the loop thread, stands in
 * where the command cannot answer:
 * <ul>
 *   <li>the probe lacks URING_CMD (kernel before 5.19);</li>
 *   <li>the CQE says -EOPNOTSUPP (sockets without commands before 6.7; GETSOCKOPT below
 *       SOL_SOCKET, e.g. TCP_NODELAY, which the kernel refuses) or -EINVAL;</li>
 *   <li>the linked timeout fired (the command may or may not have run: a get is simply asked
 *       again, and a set is idempotent).</li>
 * </ul>
 * The value and its length live in the operation's scratch area (value at 0, socklen_t at 8)
 * until the last CQE, as every request's memory does. The syscall's errors are the user's.
 */
final class SocketOptionRequests {
    private SocketOptionRequests() {}

    /** The linked timeout that guards every option command. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final int SO_KEEPALIVE = SocketConstants.SO_KEEPALIVE;
    private static final int EOPNOTSUPP = Errno.EOPNOTSUPP.code(), EINVAL = Errno.EINVAL.code(),
            ECANCELED = Errno.ECANCELED.code();
    private static final long SET = 1L << 8;
    /** The scratch holds the option value (an int, in a long's room) and then the optlen the kernel reads and writes. */
    private static final long VALUE_OFFSET = 0, LENGTH_OFFSET = VALUE_OFFSET + Long.BYTES;

    /** Requests answered by the plain syscall after the command was tried (tests report it). */
    static final AtomicLong FALLBACKS = new AtomicLong();

    /** How a request reaches the kernel; public methods use {@link #COMMAND}. */
    enum Route {
        /** URING_CMD issued inline (the default). */
        COMMAND,
        /** URING_CMD with IOSQE_ASYNC, punted to io-wq: the path of field report 4 (tests). */
        COMMAND_ASYNC,
        /** The plain syscall on the loop thread, as on a kernel without URING_CMD (tests). */
        SYSCALL
    }

    /** The options the runtime knows: the level and name the kernel gives them. */
    enum Known {
        SO_SNDBUF(StandardSocketOptions.SO_SNDBUF, SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF),
        SO_RCVBUF(StandardSocketOptions.SO_RCVBUF, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF),
        SO_REUSEADDR(StandardSocketOptions.SO_REUSEADDR, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR),
        SO_REUSEPORT(StandardSocketOptions.SO_REUSEPORT, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEPORT),
        SO_KEEPALIVE(StandardSocketOptions.SO_KEEPALIVE, SocketConstants.SOL_SOCKET, SocketOptionRequests.SO_KEEPALIVE),
        TCP_NODELAY(StandardSocketOptions.TCP_NODELAY, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY),
        TCP_USER_TIMEOUT(UringSocketOptions.TCP_USER_TIMEOUT, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_USER_TIMEOUT);

        private static final Known[] VALUES = values();
        final SocketOption<?> option;
        final int level, name;

        Known(SocketOption<?> option, int level, int name) {
            this.option = option;
            this.level = level;
            this.name = name;
        }

        static Known of(SocketOption<?> option) {
            for (Known k : VALUES) {
                if (k.option == option) return k;
            }
            return null;
        }

        /** The int the kernel takes for {@code value}; refuses what the kernel would misread. */
        int encode(Object value) {
            if (!option.type().isInstance(value)) {
                throw new IllegalArgumentException(option.name() + " takes a " + option.type().getSimpleName()
                        + ", given " + (value == null ? "null" : value.getClass().getSimpleName()));
            }
            if (value instanceof Boolean b) return b ? 1 : 0;
            int v = (Integer) value;
            if (v < 0) throw new IllegalArgumentException(option.name() + " must be >= 0, given " + v);
            return v;
        }

        Object decode(int raw) {
            return option.type() == Boolean.class ? (Object) (raw != 0) : (Object) raw;
        }
    }

    /** The option's value, as getsockopt(2) reports it. */
    static <T> CompletableFuture<T> get(LoopSocket s, Set<SocketOption<?>> supported, SocketOption<T> option,
                                        Route route, Duration timeout) {
        return get(s, null, supported, option, route, timeout);
    }

    /** As {@link #get(LoopSocket, Set, SocketOption, Route, Duration)}; the request holds {@code owner} (the public socket) until it ends. */
    static <T> CompletableFuture<T> get(LoopSocket s, Object owner, Set<SocketOption<?>> supported, SocketOption<T> option,
                                        Route route, Duration timeout) {
        Known k;
        try {
            k = check(s, supported, option);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return s.loop().submit(g -> start(s, owner, k, false, 0, route, timeout, g));
    }

    /** Sets the option as setsockopt(2) does; completes with null. */
    static <T> CompletableFuture<Void> set(LoopSocket s, Set<SocketOption<?>> supported, SocketOption<T> option, T value,
                                           Route route, Duration timeout) {
        return set(s, null, supported, option, value, route, timeout);
    }

    /** As {@link #set(LoopSocket, Set, SocketOption, Object, Route, Duration)}; the request holds {@code owner} until it ends. */
    static <T> CompletableFuture<Void> set(LoopSocket s, Object owner, Set<SocketOption<?>> supported, SocketOption<T> option,
                                           T value, Route route, Duration timeout) {
        Known k;
        int raw;
        try {
            k = check(s, supported, option);
            raw = k.encode(value);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return s.loop().submit(g -> start(s, owner, k, true, raw, route, timeout, g));
    }

    /**
     * Options to set on a socket before it connects, checked and encoded on the calling thread:
     * (level, name, value) triples for {@link #setBeforeConnect}.
     *
     * @throws UnsupportedOperationException an option not in {@code supported}
     * @throws IllegalArgumentException      a value of the wrong type, null or negative
     */
    static int[] encodeAll(Map<SocketOption<?>, ?> options, Set<SocketOption<?>> supported) {
        int[] out = new int[3 * options.size()];
        int i = 0;
        for (Map.Entry<SocketOption<?>, ?> e : options.entrySet()) {
            Objects.requireNonNull(e.getKey(), "option");
            Known k = Known.of(e.getKey());
            if (k == null || !supported.contains(e.getKey())) {
                throw new UnsupportedOperationException("socket option " + e.getKey().name() + " is not supported here; supported: " + supported);
            }
            out[i++] = k.level;
            out[i++] = k.name;
            out[i++] = k.encode(e.getValue());
        }
        return out;
    }

    /**
     * Sets the {@link #encodeAll} triples on {@code fd} with setsockopt(2) (a socket not yet
     * connected has no requests to order them behind); 0, or the first failure's -errno with
     * the index of its option in {@code failed[0]}.
     */
    static int setBeforeConnect(int fd, int[] triples, MemorySegment scratch, int[] failed) {
        MemorySegment value = scratch.asSlice(VALUE_OFFSET, 4);
        for (int i = 0; i < triples.length; i += 3) {
            value.set(JAVA_INT, 0, triples[i + 2]);
            int r = Posix.setsockopt(fd, triples[i], triples[i + 1], value, 4);
            if (r < 0) {
                failed[0] = i / 3;
                return r;
            }
        }
        return 0;
    }

    private static Known check(LoopSocket s, Set<SocketOption<?>> supported, SocketOption<?> option) {
        Objects.requireNonNull(option, "option");
        Known k = Known.of(option);
        if (k == null || !supported.contains(option)) {
            throw new UnsupportedOperationException("socket option " + option.name() + " is not supported here; supported: " + supported);
        }
        return k;
    }

    /** On the loop: the command under its linked timeout, or the syscall at once. */
    private static void start(LoopSocket s, Object owner, Known k, boolean set, int raw, Route route, Duration timeout,
                              CompletableFuture<?> f) {
        if (s.closing()) {
            f.completeExceptionally(Errors.closed());
            return;
        }
        EventLoop loop = s.loop();
        Operation op = loop.acquire(DONE, f);
        op.context = s;
        op.owner = owner;
        op.value = k.ordinal() | (set ? SET : 0);
        op.scratch.set(JAVA_INT, VALUE_OFFSET, raw);
        if (route == Route.SYSCALL || !loop.probe().supports(Opcode.URING_CMD)) {
            deliver(op, s, k, set, syscall(s.fd(), k, set, op.scratch));
            loop.discard(op); // never reached the kernel: its scratch is free again
            return;
        }
        int cmd = set ? CmdOps.SOCKET_URING_OP_SETSOCKOPT : CmdOps.SOCKET_URING_OP_GETSOCKOPT;
        Sqe sqe = loop.sqe().prepCmdSock(cmd, s.fd(), k.level, k.name, op.scratch, 4);
        if (route == Route.COMMAND_ASYNC) sqe.flag(SqeFlag.ASYNC);
        loop.startUncancellable(op, sqe, timeout);
        s.requestStarted();
    }

    private static final Operation.Completion DONE = (loop, op, res, flags, more) -> {
        LoopSocket s = (LoopSocket) op.context;
        Known k = Known.VALUES[(int) (op.value & 0xFF)];
        boolean set = (op.value & SET) != 0;
        try {
            if (res == -ECANCELED && (s.closing() || loop.isClosing())) {
                op.future.completeExceptionally(Errors.asyncClosed(k.option.name() + " of " + s.subject() + " was ended by a close"));
            } else if (res == -EOPNOTSUPP || res == -EINVAL || op.timedOut(res)) {
                // The kernel is done with the scratch (this is the main CQE): the syscall may use it.
                FALLBACKS.incrementAndGet();
                deliver(op, s, k, set, syscall(s.fd(), k, set, op.scratch));
            } else {
                deliver(op, s, k, set, res);
            }
        } finally {
            s.requestEnded();
        }
    };

    /** The syscall's result in the command's terms: optlen for a get, 0 for a set, or -errno. */
    private static int syscall(int fd, Known k, boolean set, MemorySegment scratch) {
        MemorySegment value = scratch.asSlice(VALUE_OFFSET, 4);
        if (set) return Posix.setsockopt(fd, k.level, k.name, value, 4);
        MemorySegment length = scratch.asSlice(LENGTH_OFFSET, 4);
        length.set(JAVA_INT, 0, 4);
        int r = Posix.getsockopt(fd, k.level, k.name, value, length);
        return r < 0 ? r : length.get(JAVA_INT, 0);
    }

    private static void deliver(Operation op, LoopSocket s, Known k, boolean set, int res) {
        if (res < 0) {
            op.future.completeExceptionally(Errors.of(res, (set ? "setsockopt " : "getsockopt ") + k.option.name(), s.subject(), false));
        } else if (set) {
            op.future.complete(null);
        } else {
            op.future.complete(k.decode(op.scratch.get(JAVA_INT, VALUE_OFFSET)));
        }
    }
}
