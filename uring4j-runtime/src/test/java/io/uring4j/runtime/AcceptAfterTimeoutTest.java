package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Found by the fd-exhaustion fault test: an {@code accept(timeout)} that timed out stays in the
 * server's queue of waiting accepts, so the next connection is handed to a future nobody holds
 * any more. That connection is lost to the application (the next accept waits for yet another
 * one) and its fd stays open until the group closes.
 */
@Timeout(30)
class AcceptAfterTimeoutTest {
    @RegisterExtension
    static final SharedLoopGroup loops = new SharedLoopGroup(1);

    @Test
    void theConnectionAfterATimedOutAcceptGoesToTheNextAccept() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (TcpServer server = TcpServer.bind(loops.group(), any, 8)) {
            assertThrows(InterruptedByTimeoutException.class, () -> server.accept(Duration.ofMillis(50)));
            try (SocketChannel client = SocketChannel.open(server.localAddress());
                 TcpConnection served = server.accept(Duration.ofSeconds(5))) {
                client.write(ByteBuffer.wrap(new byte[] {42}));
                ByteBuffer one = ByteBuffer.allocate(1);
                assertEquals(1, served.read(one, Duration.ofSeconds(5)));
                assertEquals(42, one.get(0));
            }
        }
    }
}
