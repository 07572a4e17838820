package io.uring4j.runtime;

import java.lang.foreign.MemorySegment;

/**
 * Gets a connection's bytes pushed as they arrive, on its event loop thread, once given to
 * {@link TcpConnection#receive}: the callback alternative to {@link TcpConnection#read}, with no
 * thread hand-off and no future per message. Callbacks run on the loop: they must not block,
 * and they answer with {@link TcpConnection#send}.
 */
public interface TcpReceiver {
    /**
     * Bytes received, in order: {@code length} bytes at {@code offset} of {@code buffer}, a
     * receive buffer that goes back to the kernel when this returns: copy what you keep.
     * Sending it back with {@link TcpConnection#send} needs no copy: the send takes the buffer
     * over until it completes. Passed as a range rather than a slice so that the receive path
     * allocates nothing. An exception thrown here closes the connection.
     *
     * @param connection the connection the bytes came from
     * @param buffer     the receive buffer holding them; valid only until this method returns
     * @param offset     where the bytes start in {@code buffer}
     * @param length     how many bytes there are, at least 1
     */
    void onData(TcpConnection connection, MemorySegment buffer, long offset, long length);

    /**
     * End of stream ({@code error} null: the peer shut its output, or {@link TcpConnection#shutdownInput}
     * was called) or a receive error; called once. The connection stays open until closed:
     * {@link TcpConnection#closeAsync()} from here still sends every byte queued by earlier
     * {@link TcpConnection#send}s before the fd closes (an echo's answer to a half-closing peer).
     *
     * @param connection the connection whose input ended
     * @param error      null at a clean end; else why receiving stopped: the receive's failure
     *                   (a reset is a {@link java.net.SocketException} "Connection reset"), or
     *                   the failure of a {@link TcpConnection#send} without a handler, after which
     *                   the runtime aborted the connection
     */
    void onEnd(TcpConnection connection, Exception error);
}
