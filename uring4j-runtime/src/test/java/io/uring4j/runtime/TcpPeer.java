package io.uring4j.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * One runtime connection and its JDK peer on loopback, for the TCP tests: {@link #peer} is a
 * plain {@link Socket} (10 s read timeout, no Nagle delay), {@link #conn} the accepted
 * {@link TcpConnection}. Closing closes both and the server.
 */
final class TcpPeer implements AutoCloseable {
    final TcpServer server;
    final Socket peer;
    final TcpConnection conn;

    private TcpPeer(TcpServer server, Socket peer, TcpConnection conn) {
        this.server = server;
        this.peer = peer;
        this.conn = conn;
    }

    /** A pair on {@code group}; {@code peerReceiveBuffer} > 0 shrinks the peer's receive buffer (set before connecting). */
    static TcpPeer open(EventLoopGroup group, int peerReceiveBuffer) throws IOException {
        TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        Socket peer = new Socket();
        try {
            if (peerReceiveBuffer > 0) peer.setReceiveBufferSize(peerReceiveBuffer);
            peer.connect(server.localAddress(), 5000);
            peer.setSoTimeout(10_000);
            peer.setTcpNoDelay(true);
            return new TcpPeer(server, peer, server.accept(Duration.ofSeconds(5)));
        } catch (IOException | RuntimeException e) {
            peer.close();
            server.close();
            throw e;
        }
    }

    static TcpPeer open(EventLoopGroup group) throws IOException {
        return open(group, 0);
    }

    @Override
    public void close() throws IOException {
        try {
            peer.close();
        } finally {
            try {
                conn.close();
            } finally {
                server.close();
            }
        }
    }
}
