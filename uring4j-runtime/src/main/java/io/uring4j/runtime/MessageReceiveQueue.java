package io.uring4j.runtime;

import io.uring4j.core.Errno;
import io.uring4j.core.Msghdr;
import io.uring4j.core.SocketAddresses;
import io.uring4j.core.Sqe;
import io.uring4j.core.internal.Posix;
import io.uring4j.runtime.MessageSocket.Received;

import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

import static io.uring4j.runtime.MessageSocket.NAME;
import static io.uring4j.runtime.MessageSocket.NAME_ROOM;

/**
 * The receive side of a {@link MessageSocket}: one RECVMSG in the kernel at a time, the others
 * waiting in call order, so each caller gets the next message the socket has (the kernel orders
 * the messages of one socket, but not several receives waiting on it). Each receive's msghdr,
 * iovec and sender address live in its operation's scratch ({@link MessageSocket#IOV} layout)
 * from the call until its completion. Loop thread only.
 */
final class MessageReceiveQueue {
    private static final int ECANCELED = Errno.ECANCELED.code();

    private final LoopSocket socket;
    private final int family;
    private final boolean seqpacket;
    private final ArrayDeque<Operation> waiting = new ArrayDeque<>();
    private boolean receiving;

    MessageReceiveQueue(LoopSocket socket, int family, boolean seqpacket) {
        this.socket = socket;
        this.family = family;
        this.seqpacket = seqpacket;
    }

    /** Queues a receive into {@code dst} completing {@code f}; {@code timeout} null: none. */
    void add(CompletableFuture<Received> f, ByteBuffer dst, Duration timeout) {
        EventLoop loop = socket.loop();
        Operation op = loop.acquire(RECEIVED, f);
        op.context = this;
        op.userBuffer = dst;
        op.value = timeout == null ? 0 : timeout.toNanos();
        int len = dst.remaining();
        long address;
        if (dst.isDirect()) {
            address = MemorySegment.ofBuffer(dst).address();
        } else {
            op.buffer = loop.buffers().acquire(len);
            address = op.buffer.segment.address();
        }
        MemorySegment s = op.scratch;
        s.asSlice(0, NAME + NAME_ROOM).fill((byte) 0);
        MessageSocket.setIovec(s, address, len);
        Msghdr.setName(s, s.asSlice(NAME, NAME_ROOM), NAME_ROOM);
        socket.requestStarted();
        waiting.addLast(op);
        start();
    }

    /** Submits the oldest waiting receive if none is in the kernel. */
    private void start() {
        if (receiving) return;
        Operation op = waiting.pollFirst();
        if (op == null) return;
        receiving = true;
        EventLoop loop = socket.loop();
        Sqe sqe = loop.sqe().prepRecvmsg(socket.fd(), op.scratch, 0).userData(op.userData(UserData.TAG_MAIN));
        boolean timed = op.value > 0;
        if (timed) loop.linkTimeout(op, sqe, Duration.ofNanos(op.value));
        loop.started(op, timed);
    }

    private static final Operation.Completion RECEIVED = (loop, op, res, flags, more) ->
            ((MessageReceiveQueue) op.context).onReceived(op, res);

    private void onReceived(Operation op, int res) {
        receiving = false;
        try {
            if (res < 0) {
                op.future.completeExceptionally(res == -ECANCELED && socket.closing()
                        ? Errors.asyncClosed("recvmsg on " + socket.subject() + " was ended by its close")
                        : Errors.of(res, "recvmsg", socket.subject(), EventLoop.timedOut(op, res)));
            } else {
                ByteBuffer dst = op.userBuffer;
                if (op.buffer != null && res > 0) {
                    MemorySegment.copy(op.buffer.segment, 0, MemorySegment.ofBuffer(dst), 0, res);
                }
                dst.position(dst.position() + res);
                boolean truncated = (Msghdr.flags(op.scratch) & Msghdr.MSG_TRUNC) != 0;
                // a SOCK_SEQPACKET read of 0 bytes is the end of the stream (empty messages are refused)
                op.future.complete(new Received(sender(op.scratch), res == 0 && seqpacket ? -1 : res, truncated));
            }
        } finally {
            if (socket.closing() || socket.loop().isClosing()) closing();
            else start();
            socket.requestEnded();
        }
    }

    /** The sender's address the kernel wrote into the scratch (null if it named none). */
    private SocketAddress sender(MemorySegment s) {
        int n = Msghdr.nameLength(s);
        if (n <= 2) return null; // nothing, or only a family: an unbound unix peer
        MemorySegment name = s.asSlice(NAME, NAME_ROOM);
        if (family != Posix.AF_UNIX) return SocketAddresses.readInet(name, n);
        String path = SocketAddresses.readUnixPath(name, n);
        return path.isEmpty() || path.charAt(0) == 0 ? null : UnixDomainSocketAddress.of(path);
    }

    /** On close: fails the receives not yet in the kernel (the one in it ends with the cancel). */
    void closing() {
        Operation op;
        while ((op = waiting.pollFirst()) != null) {
            CompletableFuture<Object> f = op.future;
            socket.loop().discard(op); // never submitted: its memory can go now
            f.completeExceptionally(Errors.asyncClosed("recvmsg on " + socket.subject() + " was ended by a close before it started"));
            socket.requestEnded();
        }
    }
}
