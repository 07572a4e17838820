package io.uring4j.tools.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The JDK peer of the echo benchmark: one thread, one {@link Selector} (epoll underneath), one
 * direct buffer per connection. A readable connection reads once into its buffer and writes the
 * bytes back; only while the kernel does not take all of them does it wait for OP_WRITE instead
 * of reading, so bytes are never reordered or dropped.
 *
 * <p>Usage: {@code NioEchoServer PORT MAX_SECONDS}.
 */
public final class NioEchoServer {
    private static final int BUFFER_BYTES = 16 * 1024;

    private NioEchoServer() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: NioEchoServer PORT MAX_SECONDS");
            System.exit(1);
        }
        ServerLifetime.bound(Long.parseLong(args[1]));
        try (Selector selector = Selector.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress("127.0.0.1", ServerLifetime.port(args[0])), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            System.err.println("jdk nio echo server listening on " + server.getLocalAddress());
            while (true) {
                selector.select();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    try {
                        if (key.isAcceptable()) accept(server, selector);
                        else serve(key);
                    } catch (IOException e) {
                        key.cancel();
                        key.channel().close(); // the peer reset the connection
                    }
                }
            }
        }
    }

    private static void accept(ServerSocketChannel server, Selector selector) throws IOException {
        SocketChannel c;
        while ((c = server.accept()) != null) {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(BUFFER_BYTES));
        }
    }

    /** Echoes what is readable; the buffer holds bytes not yet written back between calls. */
    private static void serve(SelectionKey key) throws IOException {
        SocketChannel c = (SocketChannel) key.channel();
        ByteBuffer buf = (ByteBuffer) key.attachment();
        if (key.isWritable()) {
            c.write(buf);
            if (buf.hasRemaining()) return;
            buf.clear();
            key.interestOps(SelectionKey.OP_READ); // readiness is level-triggered: a pending read comes next
            return;
        }
        int n = c.read(buf);
        if (n < 0) {
            key.cancel();
            c.close();
            return;
        }
        buf.flip();
        c.write(buf);
        if (buf.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE); // the socket is full: wait, and read no more meanwhile
        } else {
            buf.clear();
        }
    }
}
