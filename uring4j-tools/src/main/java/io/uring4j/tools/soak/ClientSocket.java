package io.uring4j.tools.soak;

import io.uring4j.runtime.EventLoopGroup;
import io.uring4j.runtime.TcpConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A client end of a soak conversation: a runtime {@link TcpConnection}, or a JDK {@link Socket}
 * (an independent peer, so that a fault of the runtime's client side cannot hide one of its
 * server side). Blocking calls, each under {@link #DEADLINE} (a JDK write has none: the
 * conversation's monitor catches it). Reads and writes may run on two threads at once.
 */
sealed interface ClientSocket {
    /** The deadline of every connect, read and write. */
    Duration DEADLINE = Duration.ofSeconds(10);

    /** Writes all of {@code src}'s remaining bytes. */
    void write(ByteBuffer src) throws IOException;

    /** Reads into {@code dst}'s remaining space: the count, or -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Ends the output after every byte written (FIN); reads go on. */
    void shutdownOutput() throws IOException;

    /** Resets the connection (SO_LINGER 0): the peer sees ECONNRESET, unsent bytes are dropped. */
    void reset() throws IOException;

    /** Closes gracefully. */
    void close() throws IOException;

    /** Whether this socket's buffers should be direct (the runtime's own path) rather than heap arrays. */
    boolean direct();

    static ClientSocket connect(boolean jdk, EventLoopGroup group, InetSocketAddress server) throws IOException {
        return jdk ? Jdk.connect(server) : Uring.connect(group, server);
    }

    /** A runtime connection: reads and writes with deadlines, TCP_NODELAY set through the ring. */
    record Uring(TcpConnection c) implements ClientSocket {
        static Uring connect(EventLoopGroup group, InetSocketAddress server) throws IOException {
            TcpConnection c = TcpConnection.connect(group, server, DEADLINE);
            try {
                c.timeout(DEADLINE).closeTimeout(DEADLINE).setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException | RuntimeException e) {
                c.abort();
                throw e;
            }
            return new Uring(c);
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            c.write(src);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return c.read(dst);
        }

        @Override
        public void shutdownOutput() throws IOException {
            c.shutdownOutput();
        }

        @Override
        public void reset() throws IOException {
            c.abort();
        }

        @Override
        public void close() throws IOException {
            c.close();
        }

        @Override
        public boolean direct() {
            return true;
        }
    }

    /** A JDK socket (on a virtual thread: the JDK's poller), on heap buffers. */
    record Jdk(Socket s, InputStream in, OutputStream out) implements ClientSocket {
        static Jdk connect(InetSocketAddress server) throws IOException {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(server, (int) DEADLINE.toMillis());
                s.setSoTimeout((int) DEADLINE.toMillis());
                return new Jdk(s, s.getInputStream(), s.getOutputStream());
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) dst.position(dst.position() + n);
            return n;
        }

        @Override
        public void shutdownOutput() throws IOException {
            s.shutdownOutput();
        }

        @Override
        public void reset() throws IOException {
            s.setSoLinger(true, 0);
            s.close();
        }

        @Override
        public void close() throws IOException {
            s.close();
        }

        @Override
        public boolean direct() {
            return false;
        }
    }
}
