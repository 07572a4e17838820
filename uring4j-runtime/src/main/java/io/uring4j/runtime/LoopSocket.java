package io.uring4j.runtime;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the shared socket machinery ({@link OrderedSendQueue}, {@link MessageReceiveQueue},
 * {@link SocketOptionRequests}) needs from a socket owned by one loop: its fd, whether its close
 * has begun, and the count of its requests in flight, which its close waits for before it closes
 * the fd (so no request can outlive the fd, and none can reach whoever reuses its number).
 *
 * <p>One per socket, held privately (so that these methods do not become part of the socket's
 * public API) and wired to the socket's own state by the functions it is made with. Every method
 * is called on the loop thread only.
 */
final class LoopSocket {
    private final EventLoop loop;
    private final int fd;
    private final BooleanSupplier closing;
    private final Runnable afterRequestEnded;
    private final Supplier<Object> subject;
    private final Runnable sendFailed;
    private int inFlight;

    /**
     * @param closing           whether {@code close} has begun: no new request may start on the fd
     * @param afterRequestEnded runs after each request ended (the socket's close waits for the last)
     * @param subject           what error messages name (the peer, or the socket)
     * @param sendFailed        a send nobody waits for (a loop-thread send) failed: the socket should close
     */
    LoopSocket(EventLoop loop, int fd, BooleanSupplier closing, Runnable afterRequestEnded, Supplier<Object> subject,
               Runnable sendFailed) {
        this.loop = loop;
        this.fd = fd;
        this.closing = closing;
        this.afterRequestEnded = afterRequestEnded;
        this.subject = subject;
        this.sendFailed = sendFailed;
    }

    EventLoop loop() {
        return loop;
    }

    int fd() {
        return fd;
    }

    boolean closing() {
        return closing.getAsBoolean();
    }

    /** One more request of this socket is in the kernel (or queued to go there). */
    void requestStarted() {
        inFlight++;
    }

    /** A request of this socket has ended for good; the last one lets a pending close proceed. */
    void requestEnded() {
        inFlight--;
        afterRequestEnded.run();
    }

    /** Requests of this socket still in flight. */
    int inFlight() {
        return inFlight;
    }

    Object subject() {
        return subject.get();
    }

    void sendFailed() {
        sendFailed.run();
    }
}
