/**
 * Safe async files and TCP on io_uring, built on {@code io.uring4j.core}: event loops, requests
 * that own their memory until the kernel is done with it, futures, completion handlers and
 * blocking calls.
 *
 * <p><b>The types.</b> An {@link io.uring4j.runtime.EventLoopGroup} (made with
 * {@link io.uring4j.runtime.EventLoopGroup#builder()}) runs a fixed set of
 * {@link io.uring4j.runtime.EventLoop}s. On them: {@link io.uring4j.runtime.AsyncFile} (files,
 * opened with the standard options and {@link io.uring4j.runtime.FileOpenOption}, and path
 * operations and copies), {@link io.uring4j.runtime.TcpServer} and
 * {@link io.uring4j.runtime.TcpConnection} (TCP, read in turn or pushed to a
 * {@link io.uring4j.runtime.TcpReceiver}), and {@link io.uring4j.runtime.MessageSocket} (UDP and
 * AF_UNIX SOCK_SEQPACKET, each message a {@link io.uring4j.runtime.MessageSocket.Received} on
 * receipt). {@link io.uring4j.runtime.UringSocketOptions} names the socket options beyond the
 * JDK's.
 *
 * <p><b>Threads.</b> Each loop is one platform thread that owns one ring: every request of a
 * file or socket is prepared and completed on the loop that serves it, and the public methods,
 * callable from any thread unless their comment says otherwise, hand their requests over to it.
 * Completion handlers, receivers and the callbacks of futures the loop completes run on the loop
 * thread and must not block: there the blocking forms, which otherwise park the caller (cheap on
 * a virtual thread), throw {@link java.lang.IllegalStateException} rather than wait for the loop
 * itself.
 *
 * <p><b>Memory.</b> The runtime's native memory belongs to the loop that uses it, in arenas
 * confined to the loop's thread: the operation slots (256 bytes each, holding the msghdr,
 * addresses and timespecs of the requests in them), pooled buffers (the copies of heap buffers
 * and paths; idle ones kept up to
 * {@link io.uring4j.runtime.EventLoopGroup.Builder#idleBufferBytes}) and, once a connection
 * receives, the ring of receive buffers. A direct {@link java.nio.ByteBuffer} is handed to the
 * kernel as it is. A request keeps its memory until its last completion, whether it was
 * cancelled, timed out or cut short by a close, and a loop frees its memory only once every
 * request has ended, so the kernel never writes into freed memory;
 * {@link io.uring4j.runtime.EventLoopGroup#nativeBytes()} counts what the loops hold.
 *
 * <p><b>Failures.</b> Errors are the JDK's exceptions for the same errno: {@code java.nio.file}
 * ones for files, {@code java.net} ones for sockets. A request made on a closed file, socket or
 * loop fails with {@link java.nio.channels.ClosedChannelException}, one that a close cut short
 * with {@link java.nio.channels.AsynchronousCloseException}, one whose deadline passed with
 * {@link java.nio.channels.InterruptedByTimeoutException}. A loop at its operation limit
 * ({@link io.uring4j.runtime.EventLoopGroup.Builder#maxOperations}) refuses a new request with
 * {@link java.util.concurrent.RejectedExecutionException}. Failures no caller can hear (a
 * handler, receiver or task that threw) are logged through {@link java.lang.System.Logger}
 * {@code io.uring4j.runtime}.
 */
package io.uring4j.runtime;
