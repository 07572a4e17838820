package io.uring4j.runtime;

/**
 * What the shared socket machinery ({@link OrderedSendQueue}, {@link SocketOptionRequests})
 * needs from a socket owned by one loop: its fd, whether its close has begun, and the count of
 * its requests in flight, which its close waits for before it closes the fd (so no request can
 * outlive the fd, and none can reach whoever reuses its number).
 *
 * <p>Implemented by a private helper object of each socket class, so that these methods do not
 * become part of the socket's public API. Every method is called on the loop thread only.
 */
interface LoopSocket {
    EventLoop loop();

    int fd();

    /** Whether {@code close} has begun: no new request may start on the fd. */
    boolean closing();

    /** One more request of this socket is in the kernel (or queued to go there). */
    void requestStarted();

    /** A request of this socket has ended for good; the last one lets a pending close proceed. */
    void requestEnded();

    /** What error messages name (the peer, or the socket). */
    Object subject();

    /** A send nobody waits for failed (a loop-thread send): the socket should close. */
    default void sendFailed() {
    }
}
