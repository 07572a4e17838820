package io.uring4j.runtime;

import io.uring4j.core.SocketConstants;
import io.uring4j.core.Msghdr;
import io.uring4j.core.Sqe;
import io.uring4j.core.internal.Posix;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * What the loop holds of one {@link MessageSocket}: the fd, its send queue and receive queue, the
 * count of its requests in flight and its close. The loop's registry references this, never the
 * {@code MessageSocket}, so a socket its user dropped can become unreachable and be closed by the
 * Cleaner ({@link AbandonedObjects}); each send, receive, connect or option request of the user
 * holds the {@code MessageSocket} ({@link Operation#owner}) until its last CQE.
 */
final class MessageSocketState implements LoopResource {
    final EventLoop loop;
    final int fd;
    final int family;
    final boolean seqpacket;
    volatile boolean closed;
    final SocketAddress local;
    volatile SocketAddress remote;

    /** This socket as the shared send and receive queues and option requests see it. Loop thread. */
    final LoopSocket requests;
    final OrderedSendQueue sends;
    final MessageReceiveQueue receives;

    MessageSocketState(EventLoop loop, int fd, int family, boolean seqpacket, SocketAddress local, SocketAddress remote) {
        this.loop = loop;
        this.fd = fd;
        this.family = family;
        this.seqpacket = seqpacket;
        this.local = local;
        this.remote = remote;
        this.requests = new LoopSocket(loop, fd, () -> closed, () -> { }, () -> this, failure -> { }, () -> { });
        this.sends = new OrderedSendQueue(requests, this::prepareSend, false, "sendmsg");
        this.receives = new MessageReceiveQueue(requests, family, seqpacket);
    }

    /**
     * One SENDMSG per message: all of it goes, or the call fails (the queue resends one cancelled
     * by an earlier member's failure). A message whose caller gave up (its deadline passed, or it
     * cancelled the future) while it waited is withdrawn: a NOP keeps its place in the chain.
     */
    private Sqe prepareSend(Operation op, int sent) {
        if (op.future != null && op.future.isCancelled()) return loop.sqe().prepNop();
        return loop.sqe().prepSendmsg(fd, op.scratch, Msghdr.MSG_NOSIGNAL);
    }

    /** Any thread: cancels the socket's requests, waits for their completions, then closes the fd. */
    CompletableFuture<Integer> close() {
        return loop.submitClose(f -> {
            closed = true;
            if (!requests.beginClose(f)) return;
            loop.unregister(this);
            sends.closing();
            receives.closing();
            requests.closeIfIdle();
        });
    }

    @Override
    public void closeAbandoned() {
        if (closed) return;
        AbandonedObjects.reportFailure(close(), this);
    }

    @Override
    public void closeOnShutdown() {
        closed = true;
        Posix.close(fd);
        receives.closing();
    }

    @Override
    public String toString() {
        String kind = family == SocketConstants.AF_UNIX ? "SEQPACKET" : "UDP";
        return "MessageSocket[" + kind + (local != null ? " " + local : "") + (remote != null ? " -> " + remote : "")
                + ", fd " + fd + ", " + loop + "]";
    }
}
