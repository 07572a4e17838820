package io.uring4j.runtime;

import io.uring4j.core.SocketConstants;
import io.uring4j.core.Iovecs;
import io.uring4j.core.Msghdr;
import io.uring4j.core.SocketAddresses;
import io.uring4j.core.internal.Posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A socket that keeps message boundaries, served by one {@link EventLoop}: UDP over IPv4 or IPv6
 * ({@link #udp}), or an AF_UNIX SOCK_SEQPACKET connection ({@link #connectSeqpacket},
 * {@link #seqpacketPair}). Every message is one SENDMSG or RECVMSG whose msghdr, iovec and
 * address live in the request's own scratch memory until its completion.
 *
 * <p><b>Order</b> (field report 3): sends go through a per-socket queue and reach the kernel as
 * IOSQE_IO_LINK chains, the next chain only after the previous one completed, so messages leave
 * in the order of the {@code send} calls, from any number of threads. Receives run one RECVMSG at
 * a time per socket, in the order of the {@code receive} calls, so each caller gets the next
 * message the kernel has.
 *
 * <p><b>Buffers</b>: a sent message is copied into native memory on the loop (leave the buffer
 * alone until the future completes); a receive fills a direct buffer in place, a heap buffer
 * through a pooled native one. A message longer than the room in the buffer is cut, and
 * {@link Received#truncated()} says so.
 *
 * <p><b>Closing</b> cancels the socket's requests, waits for all of their completions, then closes
 * the fd; no request outlives the fd. A socket dropped without {@link #close()} is closed the same
 * way once the GC finds it unreachable and no request of its user is in flight.
 */
public final class MessageSocket implements AutoCloseable {

    /**
     * One received message.
     *
     * @param sender    who sent it; null when the kernel names nobody (an unbound or abstract
     *                  AF_UNIX peer, such as the other end of a socketpair)
     * @param length    bytes stored in the buffer, or -1 at the end of a SOCK_SEQPACKET stream
     * @param truncated whether the message was longer than the room in the buffer
     */
    public record Received(SocketAddress sender, int length, boolean truncated) {}

    /* Scratch layout of a send or receive: msghdr 0..56, its one iovec 56..72, the address 72..200 (timespec at 240). */
    static final long IOV = Msghdr.BYTES, NAME = IOV + Msghdr.IOVEC_BYTES;
    /** Where an iovec's fields sit, from core's layout of the struct. */
    static final long IOV_BASE = Iovecs.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_base")),
            IOV_LEN = Iovecs.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("iov_len"));
    static final int NAME_ROOM = SocketAddresses.SOCKADDR_STORAGE_BYTES;

    /** What the loop holds of this socket: fd, send and receive queues, close. */
    final MessageSocketState state;
    final EventLoop loop;
    final int fd;
    private final int family;
    private final boolean seqpacket;
    /** Deadline of blocking calls (and receives) that name none, or null. */
    private volatile Duration defaultTimeout;

    private MessageSocket(MessageSocketState state) {
        this.state = state;
        this.loop = state.loop;
        this.fd = state.fd;
        this.family = state.family;
        this.seqpacket = state.seqpacket;
        AbandonedObjects.closeWhenUnreachable(this, state);
    }

    // ------------------------------------------------------------------ opening

    /**
     * A UDP socket bound to {@code local} (port 0: any free port); its family is the address's.
     * The socket is made and bound on the calling thread and then served by the next loop of
     * {@code group}; the call waits until that loop has taken it over.
     *
     * @param group the group whose next loop serves the socket
     * @param local the address to bind to, resolved; IPv4 or IPv6
     * @return the bound socket, not connected (see {@link #connect(InetSocketAddress)})
     * @throws IllegalArgumentException {@code local} is unresolved
     * @throws java.net.BindException the address is in use or not local, or the port needs
     *         privileges (EADDRINUSE, EADDRNOTAVAIL, EACCES)
     * @throws java.nio.channels.ClosedChannelException the loop is closed
     * @throws IllegalStateException called on an event loop's thread (before any socket is made)
     * @throws IOException socket(2) or getsockname(2) failed; no fd is left open
     */
    public static MessageSocket udp(EventLoopGroup group, InetSocketAddress local) throws IOException {
        if (local.isUnresolved()) throw new IllegalArgumentException("unresolved address " + local);
        Errors.refuseFactoryOnLoopThread("MessageSocket.udp");
        int family = local.getAddress() instanceof Inet6Address ? SocketConstants.AF_INET6 : SocketConstants.AF_INET;
        int fd = Posix.socket(family, SocketConstants.SOCK_DGRAM | SocketConstants.SOCK_CLOEXEC, 0);
        if (fd < 0) throw (IOException) Errors.of(fd, "socket", local, false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SocketAddresses.SOCKADDR_STORAGE_BYTES);
            int r = Posix.bind(fd, sa, SocketAddresses.write(sa, local));
            if (r < 0) throw (IOException) Errors.of(r, "bind", local, false);
            return register(new MessageSocketState(group.next(), fd, family, false, LocalAddress.of(fd, local), null));
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * Two connected AF_UNIX SOCK_SEQPACKET sockets (socketpair(2)), on the next loops of {@code group}.
     * Neither has an address: {@link Received#sender()} is null at both ends.
     *
     * @param group the group whose next two loops (the same one for a one-loop group) serve the
     *              two ends
     * @return the two ends; a message sent on one is received on the other
     * @throws java.nio.channels.ClosedChannelException the loop is closed
     * @throws IllegalStateException called on an event loop's thread (before any socket is made)
     * @throws IOException socketpair(2) failed (out of fds, say); no fd is left open
     */
    public static MessageSocket[] seqpacketPair(EventLoopGroup group) throws IOException {
        Errors.refuseFactoryOnLoopThread("MessageSocket.seqpacketPair");
        int[] fds = new int[2];
        int r = Posix.socketpair(SocketConstants.AF_UNIX, SocketConstants.SOCK_SEQPACKET | SocketConstants.SOCK_CLOEXEC, 0, fds);
        if (r < 0) throw (IOException) Errors.of(r, "socketpair", "AF_UNIX SOCK_SEQPACKET", false);
        MessageSocket first = null;
        try {
            first = register(new MessageSocketState(group.next(), fds[0], SocketConstants.AF_UNIX, true, null, null));
            return new MessageSocket[] {first, register(new MessageSocketState(group.next(), fds[1], SocketConstants.AF_UNIX, true, null, null))};
        } catch (IOException | RuntimeException e) {
            if (first != null) first.close();
            else Posix.close(fds[0]);
            Posix.close(fds[1]);
            throw e;
        }
    }

    /** Registers {@code s} with its loop; the public socket (and the Cleaner's watch) exists only once the loop owns the fd. */
    private static MessageSocket register(MessageSocketState s) throws IOException {
        Errors.await(s.loop.submit(f -> {
            s.loop.register(s);
            f.complete(null);
        }));
        return new MessageSocket(s);
    }

    /**
     * A SOCK_SEQPACKET connection to the AF_UNIX listener at {@code remote}, failing after {@code timeout}:
     * the blocking form of {@link #connectSeqpacketAsync}. A connect that fails, times out or is
     * interrupted leaves no socket open.
     *
     * @param group   the group whose next loop serves the socket
     * @param remote  the listener's path, not null, short enough for sun_path
     * @param timeout how long the connect may take, positive; null: no deadline
     * @return the connected socket; {@link #remoteAddress()} is {@code remote}
     * @throws java.net.ConnectException nobody listens there (ECONNREFUSED)
     * @throws java.nio.file.NoSuchFileException no socket file exists at the path (ENOENT)
     * @throws java.nio.channels.InterruptedByTimeoutException {@code timeout} passed first
     * @throws java.io.InterruptedIOException the thread was interrupted (the status is kept)
     * @throws IllegalArgumentException the path is too long, or {@code timeout} is zero or negative
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the connect failed otherwise, or no socket could be made; the message
     *         names the path and the errno
     */
    public static MessageSocket connectSeqpacket(EventLoopGroup group, UnixDomainSocketAddress remote, Duration timeout) throws IOException {
        return Errors.await(connectSeqpacketAsync(group.next(), remote, timeout));
    }

    /**
     * CONNECT guarded by a linked timeout (null: none); the socket is closed if the connect fails
     * or times out. A loop at its operation limit refuses it before any socket exists.
     *
     * <p>Any thread, the loop's included. Cancelling the future gives the connect up; the
     * connect is not cut short in the kernel, and its completion closes the socket nobody waits
     * for.
     *
     * @param loop    the loop that makes the socket, runs the connect and then serves the socket
     * @param remote  the listener's path, not null
     * @param timeout the connect's deadline, positive, as a linked timeout in the kernel; null: none
     * @return a future of the connected socket; it fails as {@link #connectSeqpacket} throws,
     *         apart from the interrupt and the loop-thread refusal
     * @throws NullPointerException if {@code remote} is null
     * @throws IllegalArgumentException (in the future) the path is too long for sun_path, or
     *         {@code timeout} is zero or negative
     */
    public static CompletableFuture<MessageSocket> connectSeqpacketAsync(EventLoop loop, UnixDomainSocketAddress remote, Duration timeout) {
        Objects.requireNonNull(remote, "remote");
        try {
            SocketAddresses.length(remote); // refuses a path too long for sun_path, on the caller's thread
            AsyncFile.positive(timeout); // likewise: refused on the loop, it left the socket open and the CONNECT linked to the next request
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return loop.submit(f -> {
            LoopSocket.connect(loop, f, CONNECTED_NEW, SocketConstants.AF_UNIX, SocketConstants.SOCK_SEQPACKET | SocketConstants.SOCK_CLOEXEC, remote, timeout);
        });
    }

    private static final Operation.Completion CONNECTED_NEW = (loop, op, res, flags, more) -> {
        UnixDomainSocketAddress remote = (UnixDomainSocketAddress) op.context;
        int fd = (int) op.value;
        if (res < 0) {
            Posix.close(fd);
            op.future.completeExceptionally(Errors.of(res, "connect", remote, op.timedOut(res)));
            return;
        }
        MessageSocket s = new MessageSocket(new MessageSocketState(loop, fd, SocketConstants.AF_UNIX, true, null, remote));
        if (op.future.complete(s)) {
            loop.register(s.state);
        } else {
            s.state.closed = true; // never used: the Cleaner has nothing to close
            Posix.close(fd); // the caller gave up meanwhile: the fd must not leak
        }
    };

    /**
     * Gives a UDP socket a default peer: {@link #send} goes there, and only its messages arrive.
     * The blocking form of {@link #connectAsync}; a later call replaces the peer.
     *
     * @param peer the peer, resolved, of the socket's family
     * @throws java.nio.channels.ClosedChannelException the socket is closed
     * @throws IllegalArgumentException {@code peer} is unresolved
     * @throws IllegalStateException the socket is a SOCK_SEQPACKET one (connected when opened),
     *         or the call was made on an event loop's thread and would have to wait there
     * @throws IOException the kernel refused the CONNECT (a peer of another family, say)
     */
    public void connect(InetSocketAddress peer) throws IOException {
        Errors.await(connectAsync(peer));
    }

    /**
     * As {@link #connect(InetSocketAddress)}, without waiting: a CONNECT on the socket's loop,
     * which runs to its end once started. Any thread, the loop's included.
     *
     * @param peer the peer, resolved, of the socket's family
     * @return a future completed with null once the kernel has the peer; it fails as
     *         {@link #connect(InetSocketAddress)} throws, apart from the loop-thread refusal
     * @throws NullPointerException if {@code peer} is null
     */
    public CompletableFuture<Void> connectAsync(InetSocketAddress peer) {
        Objects.requireNonNull(peer, "peer");
        if (state.closed) return CompletableFuture.failedFuture(Errors.closed());
        if (seqpacket) return CompletableFuture.failedFuture(new IllegalStateException("a SOCK_SEQPACKET socket is connected when opened"));
        if (peer.isUnresolved()) return CompletableFuture.failedFuture(new IllegalArgumentException("unresolved address " + peer));
        return loop.submit(f -> {
            if (state.closed) {
                f.completeExceptionally(Errors.closed());
                return;
            }
            Operation op = loop.acquire(CONNECTED, f);
            op.context = peer;
            op.owner = this;
            int len = SocketAddresses.write(op.scratch, peer);
            loop.startUncancellable(op, loop.sqe().prepConnect(fd, op.scratch, len), null);
            state.requests.requestStarted();
        });
    }

    private static final Operation.Completion CONNECTED = (loop, op, res, flags, more) -> {
        MessageSocketState s = ((MessageSocket) op.owner).state;
        InetSocketAddress peer = (InetSocketAddress) op.context;
        if (res < 0) {
            op.future.completeExceptionally(Errors.of(res, "connect", peer, false));
        } else {
            s.remote = peer;
            op.future.complete(null);
        }
        s.requests.requestEnded();
    };

    // ------------------------------------------------------------------ send

    /**
     * Sends {@code msg} to the connected peer, after every earlier send; the byte count. Waits
     * at most the socket's {@link #timeout(Duration) default deadline}, if it has one. The
     * blocking form of {@link #sendAsync}.
     *
     * @param msg the message: the bytes from its position to its limit, at most 16 MiB (at least
     *            1 on a SOCK_SEQPACKET socket); its position is advanced past them on the loop
     * @return the byte count: all of the message (one is never cut)
     * @throws java.nio.channels.InterruptedByTimeoutException the deadline passed first (see
     *         {@link #send(ByteBuffer, Duration)})
     * @throws java.io.InterruptedIOException the thread was interrupted: the message is
     *         withdrawn as when a deadline passes; the interrupt status is kept
     * @throws java.nio.channels.ClosedChannelException the socket was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the socket was closed before the
     *         message went out
     * @throws IllegalArgumentException the message is over 16 MiB, or empty on a SOCK_SEQPACKET
     *         socket
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException the kernel refused the message: a {@link java.net.SocketException}
     *         naming the errno (EDESTADDRREQ for a UDP socket without a peer, EMSGSIZE for a
     *         datagram too large, EPIPE for a SOCK_SEQPACKET peer that closed), or a
     *         {@link java.net.ConnectException} when a connected UDP peer's port was found closed
     */
    public int send(ByteBuffer msg) throws IOException {
        return awaitSend(sendAsync(msg), defaultTimeout);
    }

    /**
     * As {@link #send(ByteBuffer)}, waiting at most {@code timeout}. When it passes, the call
     * throws {@link java.nio.channels.InterruptedByTimeoutException} and the message is
     * withdrawn if it has not reached the kernel yet (it waited behind earlier sends): it is
     * then never sent. One the kernel already has may still go out, whole (a message is never
     * cut). Later sends go on in order either way.
     *
     * @param msg     the message, as for {@link #send(ByteBuffer)}
     * @param timeout how long to wait, positive, not null
     * @return the byte count: all of the message
     * @throws IllegalArgumentException {@code timeout} is not positive
     * @throws IOException as {@link #send(ByteBuffer)}
     */
    public int send(ByteBuffer msg, Duration timeout) throws IOException {
        return awaitSend(sendAsync(msg), positive(timeout));
    }

    /**
     * Sends {@code msg} to {@code target}, after every earlier send; the byte count (default deadline as {@link #send(ByteBuffer)}).
     * The blocking form of {@link #sendToAsync}.
     *
     * @param msg    the message, as for {@link #send(ByteBuffer)}
     * @param target where it goes: a resolved {@link InetSocketAddress} of the socket's family
     *               for UDP, a {@link UnixDomainSocketAddress} for an AF_UNIX socket
     * @return the byte count: all of the message
     * @throws IllegalArgumentException {@code target} is of the wrong kind or unresolved, or as
     *         {@link #send(ByteBuffer)}
     * @throws IOException as {@link #send(ByteBuffer)}
     */
    public int sendTo(ByteBuffer msg, SocketAddress target) throws IOException {
        return awaitSend(sendToAsync(msg, target), defaultTimeout);
    }

    /**
     * As {@link #sendTo(ByteBuffer, SocketAddress)} with the deadline of {@link #send(ByteBuffer, Duration)}.
     *
     * @param msg     the message, as for {@link #send(ByteBuffer)}
     * @param target  where it goes, as for {@link #sendTo(ByteBuffer, SocketAddress)}
     * @param timeout how long to wait, positive, not null
     * @return the byte count: all of the message
     * @throws IllegalArgumentException {@code timeout} is not positive, or as
     *         {@link #sendTo(ByteBuffer, SocketAddress)}
     * @throws IOException as {@link #send(ByteBuffer)}
     */
    public int sendTo(ByteBuffer msg, SocketAddress target, Duration timeout) throws IOException {
        return awaitSend(sendToAsync(msg, target), positive(timeout));
    }

    private int awaitSend(CompletableFuture<Integer> f, Duration timeout) throws IOException {
        return timeout == null ? Errors.await(f) : Errors.await(f, timeout, "sendmsg on " + this);
    }

    /**
     * Queues {@code msg}'s remaining bytes as one message to the connected peer, behind every
     * earlier send; completes with the count once the kernel took it. The bytes are those
     * between {@code msg}'s position and limit at this call; its position is advanced on the
     * loop. Cancelling the future withdraws the message if it has not reached the kernel yet.
     * Any thread, the loop's included.
     *
     * @param msg the message, as for {@link #send(ByteBuffer)}; leave it alone until the future
     *            completes
     * @return a future of the byte count (all of the message); it fails as
     *         {@link #send(ByteBuffer)} throws, apart from the deadline, the interrupt and the
     *         loop-thread refusal
     */
    public CompletableFuture<Integer> sendAsync(ByteBuffer msg) {
        return enqueueSend(msg, null);
    }

    /**
     * As {@link #sendAsync} to {@code target}: an {@link InetSocketAddress} for UDP, a unix address for AF_UNIX.
     *
     * @param msg    the message, as for {@link #send(ByteBuffer)}
     * @param target where it goes, as for {@link #sendTo(ByteBuffer, SocketAddress)}
     * @return a future of the byte count; it fails as {@link #sendTo(ByteBuffer, SocketAddress)}
     *         throws, apart from the deadline, the interrupt and the loop-thread refusal
     * @throws NullPointerException if {@code target} is null
     */
    public CompletableFuture<Integer> sendToAsync(ByteBuffer msg, SocketAddress target) {
        Objects.requireNonNull(target, "target");
        return enqueueSend(msg, target);
    }

    private CompletableFuture<Integer> enqueueSend(ByteBuffer src, SocketAddress target) {
        if (state.closed) return CompletableFuture.failedFuture(Errors.closed());
        int pos = src.position(), lim = src.limit(); // one snapshot: the message is [pos, lim) whatever happens to src later
        int len = Math.max(0, lim - pos);
        String bad = null;
        if (len > BufferPool.maxBytes()) {
            bad = "one message holds at most " + BufferPool.maxBytes() + " bytes, given " + len;
        } else if (len == 0 && seqpacket) {
            bad = "an empty SOCK_SEQPACKET message reads as end of stream at the peer: send at least 1 byte";
        } else if (target != null && (target instanceof UnixDomainSocketAddress) != (family == SocketConstants.AF_UNIX)) {
            bad = "a " + (family == SocketConstants.AF_UNIX ? "unix" : "UDP") + " socket cannot send to " + target;
        } else if (target != null && target instanceof InetSocketAddress inet && inet.isUnresolved()) {
            bad = "unresolved address " + target;
        }
        if (bad != null) return CompletableFuture.failedFuture(new IllegalArgumentException(bad));
        return loop.submit(f -> {
            if (f.isDone()) return; // cancelled before it reached the loop
            if (state.closed) {
                f.completeExceptionally(Errors.closed());
                return;
            }
            Operation op = state.sends.acquire(f, len, loop.buffers().acquire(len));
            op.owner = this;
            MemorySegment.copy(BufferBounds.whole(src), pos, op.buffer.segment, 0, len);
            try {
                src.position(pos + len);
            } catch (IllegalArgumentException limitMovedUnderUs) {
                loop.discard(op); // another thread shrank the buffer meanwhile: nothing was queued
                throw limitMovedUnderUs;
            }
            MemorySegment s = op.scratch;
            s.asSlice(0, NAME).fill((byte) 0);
            setIovec(s, op.buffer.segment.address(), len);
            if (target != null) {
                int nameLen = SocketAddresses.write(s.asSlice(NAME, NAME_ROOM), target);
                Msghdr.setName(s, s.asSlice(NAME, nameLen), nameLen);
            }
            state.sends.add(op);
        });
    }

    /** Points the msghdr at the start of {@code s} at its one iovec, covering {@code len} bytes at {@code address}. */
    static void setIovec(MemorySegment s, long address, int len) {
        MemorySegment iov = s.asSlice(IOV, Msghdr.IOVEC_BYTES);
        iov.set(JAVA_LONG, IOV_BASE, address);
        iov.set(JAVA_LONG, IOV_LEN, len);
        Msghdr.setIov(s, iov, 1);
    }

    // ------------------------------------------------------------------ receive

    /**
     * The next message, into {@code dst} (waiting for one, at most the socket's
     * {@link #timeout(Duration) default deadline} if it has one). The blocking form of
     * {@link #receiveAsync(ByteBuffer)}.
     *
     * @param dst the buffer the message goes into, writable: from its position up to its limit
     *            (a longer message is cut), the position advanced past it; a heap buffer takes
     *            at most 16 MiB
     * @return the message: its sender, its length (-1 at the end of a SOCK_SEQPACKET stream) and
     *         whether it was cut
     * @throws java.nio.channels.InterruptedByTimeoutException the deadline passed first
     * @throws java.io.InterruptedIOException the thread was interrupted: the receive gives up its
     *         place (the next message goes to the next receive); the interrupt status is kept
     * @throws java.nio.channels.ClosedChannelException the socket was closed before the call
     * @throws java.nio.channels.AsynchronousCloseException the socket was closed while the
     *         receive waited
     * @throws IllegalArgumentException {@code dst} is read-only, or a heap buffer with more than
     *         16 MiB remaining
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException RECVMSG failed; the message names the errno (a connected UDP socket
     *         whose peer's port was found closed gets a {@link java.net.ConnectException})
     */
    public Received receive(ByteBuffer dst) throws IOException {
        return Errors.await(receiveAsync(dst, defaultTimeout));
    }

    /**
     * The next message, or {@link java.nio.channels.InterruptedByTimeoutException} after {@code timeout}.
     * As {@link #receive(ByteBuffer)}, with a deadline of its own (a linked timeout in the kernel).
     *
     * @param dst     the buffer the message goes into, as for {@link #receive(ByteBuffer)}
     * @param timeout how long to wait once the receive reached the kernel, positive, not null
     * @return the message, as for {@link #receive(ByteBuffer)}
     * @throws IllegalArgumentException {@code timeout} is not positive, or as
     *         {@link #receive(ByteBuffer)}
     * @throws IOException as {@link #receive(ByteBuffer)}
     */
    public Received receive(ByteBuffer dst, Duration timeout) throws IOException {
        return Errors.await(receiveAsync(dst, positive(timeout)));
    }

    /**
     * As {@link #receiveAsync(ByteBuffer, Duration)} with the socket's default deadline (none unless set).
     *
     * @param dst the buffer the message goes into, as for {@link #receive(ByteBuffer)}
     * @return a future of the message, as for {@link #receiveAsync(ByteBuffer, Duration)}
     */
    public CompletableFuture<Received> receiveAsync(ByteBuffer dst) {
        return receiveAsync(dst, defaultTimeout);
    }

    /**
     * Receives the next message into {@code dst} (from its position to its limit as they are
     * when the receive reaches the loop; the position is advanced). Receives of one socket run
     * one at a time in call order; {@code timeout} (null: none) counts from when this receive
     * reaches the kernel, after the earlier ones ended. Cancelling the future (as an interrupted
     * {@link #receive} does) gives up the receive's place: the next message goes to the next
     * receive, even one the kernel had already taken for this receive.
     *
     * <p>Any thread, the loop's included.
     *
     * @param dst     the buffer the message goes into, as for {@link #receive(ByteBuffer)}; leave
     *                it alone until the future completes
     * @param timeout the receive's deadline, positive; null: none
     * @return a future of the message (its length -1 at the end of a SOCK_SEQPACKET stream); it
     *         fails as {@link #receive(ByteBuffer)} throws, apart from the interrupt and the
     *         loop-thread refusal, and with {@link IllegalArgumentException} for a
     *         {@code timeout} that is zero or negative
     */
    public CompletableFuture<Received> receiveAsync(ByteBuffer dst, Duration timeout) {
        if (state.closed) return CompletableFuture.failedFuture(Errors.closed());
        if (dst.isReadOnly()) return CompletableFuture.failedFuture(new IllegalArgumentException("receive into a read-only buffer"));
        if (!dst.isDirect() && dst.remaining() > BufferPool.maxBytes()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "a heap buffer receives at most " + BufferPool.maxBytes() + " bytes, given " + dst.remaining()));
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("timeout must be > 0, given " + timeout));
        }
        return loop.submit(f -> {
            if (f.isDone()) return; // cancelled before it reached the loop
            if (state.closed) f.completeExceptionally(Errors.closed());
            else state.receives.add(f, dst, timeout, this);
        });
    }

    /**
     * Gives every later blocking {@link #send}, {@link #sendTo} and {@link #receive}, and every
     * {@link #receiveAsync(ByteBuffer)}, of this socket that names no deadline of its own a
     * deadline of {@code timeout}; null (the default) for none. A receive's deadline is a linked
     * timeout in the kernel, a send's bounds the caller's wait (see
     * {@link #send(ByteBuffer, Duration)}). Any thread; calls made later use the new value.
     *
     * @param timeout the deadline, positive; null for none
     * @return this socket
     * @throws IllegalArgumentException {@code timeout} is not positive
     */
    public MessageSocket timeout(Duration timeout) {
        this.defaultTimeout = timeout == null ? null : positive(timeout);
        return this;
    }

    private static Duration positive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be > 0, given " + timeout);
        return timeout;
    }

    // ------------------------------------------------------------------ options

    private static final Set<SocketOption<?>> INET_OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT);
    private static final Set<SocketOption<?>> UNIX_OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF);

    /**
     * {@return the options {@link #getOption} and {@link #setOption} take} SO_RCVBUF, SO_SNDBUF,
     * SO_REUSEADDR and SO_REUSEPORT for UDP; SO_RCVBUF and SO_SNDBUF for AF_UNIX.
     */
    public Set<SocketOption<?>> supportedOptions() {
        return family == SocketConstants.AF_UNIX ? UNIX_OPTIONS : INET_OPTIONS;
    }

    /**
     * Sets a socket option through IORING_OP_URING_CMD, as {@link TcpConnection#setOption} does.
     * The blocking form of {@link #setOptionAsync}.
     *
     * @param <T>    the option's value type
     * @param option the option, one of {@link #supportedOptions()}
     * @param value  its new value, not null; integers 0 or more
     * @return this socket
     * @throws UnsupportedOperationException if {@code option} is not in {@link #supportedOptions()}
     * @throws IllegalArgumentException if {@code value} is null or negative
     * @throws java.nio.channels.ClosedChannelException the socket is closed
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException setsockopt(2) failed
     */
    public <T> MessageSocket setOption(SocketOption<T> option, T value) throws IOException {
        Errors.await(setOptionAsync(option, value));
        return this;
    }

    /**
     * A socket option's value, as getsockopt(2) reports it; see {@link #setOption}. The blocking
     * form of {@link #getOptionAsync}.
     *
     * @param <T>    the option's value type
     * @param option the option, one of {@link #supportedOptions()}
     * @return its value
     * @throws UnsupportedOperationException if {@code option} is not in {@link #supportedOptions()}
     * @throws java.nio.channels.ClosedChannelException the socket is closed
     * @throws IllegalStateException called on an event loop's thread, where it would have to wait
     * @throws IOException getsockopt(2) failed
     */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return Errors.await(getOptionAsync(option));
    }

    /**
     * As {@link #setOption}, without waiting. Any thread, the loop's included.
     *
     * @param <T>    the option's value type
     * @param option the option, one of {@link #supportedOptions()}
     * @param value  its new value, not null; integers 0 or more
     * @return a future completed with null once the kernel has set it; it fails as
     *         {@link #setOption} throws, apart from the loop-thread refusal
     */
    public <T> CompletableFuture<Void> setOptionAsync(SocketOption<T> option, T value) {
        return SocketOptionRequests.set(state.requests, this, supportedOptions(), option, value, SocketOptionRequests.Route.COMMAND,
                SocketOptionRequests.TIMEOUT);
    }

    /**
     * As {@link #getOption}, without waiting. Any thread, the loop's included.
     *
     * @param <T>    the option's value type
     * @param option the option, one of {@link #supportedOptions()}
     * @return a future of the value; it fails as {@link #getOption} throws, apart from the
     *         loop-thread refusal
     */
    public <T> CompletableFuture<T> getOptionAsync(SocketOption<T> option) {
        return SocketOptionRequests.get(state.requests, this, supportedOptions(), option, SocketOptionRequests.Route.COMMAND,
                SocketOptionRequests.TIMEOUT);
    }

    // ------------------------------------------------------------------ addresses and close

    /**
     * {@return the bound address of a UDP socket; null for an AF_UNIX one} With the port the
     * kernel chose when {@link #udp} asked for port 0.
     */
    public SocketAddress localAddress() {
        return state.local;
    }

    /** {@return the peer given to {@link #connect} or {@link #connectSeqpacket}; null otherwise} */
    public SocketAddress remoteAddress() {
        return state.remote;
    }

    /**
     * {@return whether the socket is open} False from the moment its close begins on the loop,
     * so always once a {@link #close()} called off the loop thread has returned.
     */
    public boolean isOpen() {
        return !state.closed;
    }

    /** {@return the loop this socket's requests run on} */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Cancels this socket's requests, waits for their completions, then closes the fd. Idempotent.
     * The requests cut short fail with {@link java.nio.channels.AsynchronousCloseException}, later
     * ones with {@link java.nio.channels.ClosedChannelException}. Waits at most 30 s, not cut
     * short by an interrupt (the status is kept); on a loop thread it starts the close and returns.
     *
     * @throws IOException the fd's close failed, or did not complete within 30 s
     */
    @Override
    public void close() throws IOException {
        Errors.awaitClose(closeAsync(), this);
    }

    /**
     * As {@link #close()}, without waiting: the future completes once the fd is closed. Any
     * thread, the loop's included.
     *
     * @return a future that completes once the fd is closed (its value carries no meaning), at
     *         once on a loop that is closing (its shutdown closes the fd)
     */
    public CompletableFuture<Integer> closeAsync() {
        return state.close();
    }

    @Override
    public String toString() {
        return state.toString();
    }
}
