package io.uring4j.runtime;

import io.uring4j.core.SocketConstants;
import io.uring4j.core.Errno;
import io.uring4j.core.Msghdr;
import io.uring4j.core.SocketAddresses;
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
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The receive side of a {@link MessageSocket}: one RECVMSG in the kernel at a time, the others
 * waiting in call order, so each caller gets the next message the socket has (the kernel orders
 * the messages of one socket, but not several receives waiting on it). Each receive's msghdr,
 * iovec, sender address and deadline live in its operation's scratch ({@link MessageSocket#IOV}
 * layout) from the call until its completion. Loop thread only.
 *
 * <p><b>Giving up.</b> A receive whose future is cancelled (by the caller, or by an interrupted
 * blocking call) gives up its place: not yet in the kernel, it is dropped; in the kernel, it is
 * cancelled there. A message the kernel had already taken for it when the cancel came is not
 * lost: it goes to the next receive, as if the cancelled one had never been made.
 *
 * <p><b>The buffer</b> is read once, when the receive is queued: its position and limit then
 * say where the message goes, whatever other threads do to it afterwards (position and length
 * come from one snapshot, so the kernel never writes outside it).
 */
final class MessageReceiveQueue {
    private static final int ECANCELED = Errno.ECANCELED.code();

    private final LoopSocket socket;
    private final int family;
    private final boolean seqpacket;
    private final ArrayDeque<Operation> waiting = new ArrayDeque<>();
    private boolean receiving;
    /** A message taken by a receive that was cancelled meanwhile: the next receive's. */
    private NativeBuffer carried;
    private int carriedLength;
    private SocketAddress carriedSender;
    private boolean carriedTruncated;

    MessageReceiveQueue(LoopSocket socket, int family, boolean seqpacket) {
        this.socket = socket;
        this.family = family;
        this.seqpacket = seqpacket;
    }

    /** Queues a receive into {@code dst} completing {@code f}, for the user of {@code owner}; {@code timeout} null: none. */
    void add(CompletableFuture<Received> f, ByteBuffer dst, Duration timeout, MessageSocket owner) {
        int pos = dst.position(), lim = dst.limit(); // one snapshot: everything below derives from it
        int len = Math.max(0, lim - pos);
        EventLoop loop = socket.loop();
        NativeBuffer staging = dst.isDirect() ? null : loop.buffers().acquire(len); // may refuse: nothing taken yet
        Operation op = loop.acquire(RECEIVED, f, staging); // a refused slot gives the staging buffer back
        op.context = this;
        op.owner = owner;
        op.userBuffer = dst;
        op.value = pos;
        long address;
        if (staging == null) {
            address = loop.wholeSegment(dst).address() + pos; // pos + len <= limit <= capacity
        } else {
            address = staging.segment.address();
        }
        MemorySegment s = op.scratch;
        s.asSlice(0, NAME + NAME_ROOM).fill((byte) 0);
        MessageSocket.setIovec(s, address, len);
        Msghdr.setName(s, s.asSlice(NAME, NAME_ROOM), NAME_ROOM);
        if (timeout != null) op.deadline(timeout); // its timespec waits in the scratch while the receive is queued
        socket.requestStarted();
        waiting.addLast(op);
        start();
    }

    /** Serves the oldest waiting receive: from a carried message, else by a RECVMSG if none is in the kernel. */
    private void start() {
        while (!receiving) {
            Operation op = waiting.pollFirst();
            if (op == null) return;
            if (op.future.isDone()) { // cancelled before it reached the kernel
                socket.loop().discard(op);
                socket.requestEnded();
                continue;
            }
            if (carried != null) {
                deliverCarried(op);
                continue;
            }
            receiving = true;
            EventLoop loop = socket.loop();
            // Its deadline (if any) was set when it was queued; a cancelled future cancels the RECVMSG in the kernel.
            loop.start(op, loop.sqe().prepRecvmsg(socket.fd(), op.scratch, 0), null);
        }
    }

    private static final Operation.Completion RECEIVED = (loop, op, res, flags, more) ->
            ((MessageReceiveQueue) op.context).onReceived(op, res);

    private void onReceived(Operation op, int res) {
        receiving = false;
        try {
            if (res < 0) {
                op.future.completeExceptionally(res == -ECANCELED && socket.closing()
                        ? Errors.asyncClosed("recvmsg on " + socket.subject() + " was ended by its close")
                        : Errors.of(res, "recvmsg", socket.subject(), op.timedOut(res)));
            } else {
                ByteBuffer dst = op.userBuffer;
                int pos = (int) op.value;
                if (op.buffer != null && res > 0) {
                    MemorySegment.copy(op.buffer.segment, 0, BufferBounds.whole(dst), pos, res);
                }
                dst.position(pos + res);
                boolean truncated = (Msghdr.flags(op.scratch) & Msghdr.MSG_TRUNC) != 0;
                // a SOCK_SEQPACKET read of 0 bytes is the end of the stream (empty messages are refused)
                Received r = new Received(sender(op.scratch), res == 0 && seqpacket ? -1 : res, truncated);
                if (!op.future.complete(r)) {
                    // cancelled after the kernel took the message for it: the message is the next receive's
                    dst.position(pos);
                    carry(op, res, r);
                }
            }
        } finally {
            if (socket.closing() || socket.loop().isClosing()) closing();
            else start();
            socket.requestEnded();
        }
    }

    /** Keeps the message {@code op} received (its caller cancelled) for the next receive. */
    private void carry(Operation op, int res, Received r) {
        NativeBuffer b = socket.loop().buffers().acquire(Math.max(1, res));
        MemorySegment from = op.buffer != null ? op.buffer.segment
                : BufferBounds.whole(op.userBuffer).asSlice((int) op.value);
        MemorySegment.copy(from, 0, b.segment, 0, res);
        carried = b;
        carriedLength = res;
        carriedSender = r.sender();
        carriedTruncated = r.truncated();
    }

    /** Hands the carried message to {@code op} (cut to its room, as the kernel would), without a RECVMSG. */
    private void deliverCarried(Operation op) {
        ByteBuffer dst = op.userBuffer;
        int pos = (int) op.value;
        int room = (int) op.scratch.get(JAVA_LONG, MessageSocket.IOV + MessageSocket.IOV_LEN); // as add() set it
        int n = Math.min(room, carriedLength);
        MemorySegment.copy(carried.segment, 0, BufferBounds.whole(dst), pos, n);
        dst.position(pos + n);
        Received r = new Received(carriedSender, carriedLength == 0 && seqpacket ? -1 : n, carriedTruncated || n < carriedLength);
        socket.loop().buffers().release(carried);
        carried = null;
        carriedSender = null;
        CompletableFuture<Object> f = op.future;
        socket.loop().discard(op); // never submitted
        socket.requestEnded();
        f.complete(r);
    }

    /** The sender's address the kernel wrote into the scratch (null if it named none). */
    private SocketAddress sender(MemorySegment s) {
        int n = Msghdr.nameLength(s);
        if (n <= 2) return null; // nothing, or only a family: an unbound unix peer
        MemorySegment name = s.asSlice(NAME, NAME_ROOM);
        if (family != SocketConstants.AF_UNIX) return SocketAddresses.readInet(name, n);
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
        if (carried != null) {
            socket.loop().buffers().release(carried);
            carried = null;
        }
    }
}
