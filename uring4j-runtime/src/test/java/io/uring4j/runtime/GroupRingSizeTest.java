package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Found by the address-space fault test: {@code EventLoopGroup.create(loops, ringEntries)}
 * accepts 8..32768 entries, but a loop asks for 4 CQEs per SQE, and past 16384 entries that is
 * more than the kernel's 65536 CQEs: every group of 16385..32768 entries failed to start
 * ("cqEntries must be at most 65536 (or set CLAMP to cap it), given 131072").
 */
@Timeout(30)
class GroupRingSizeTest {

    @Test
    void theLargestRingTheGroupAcceptsStartsAndWorks() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1, 16384)) {
            echoOnce(group);
        }
    }

    @Test
    void aGroupOf32768EntriesStarts() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1, 32768)) {
            echoOnce(group);
        }
    }

    private static void echoOnce(EventLoopGroup group) throws Exception {
        try (TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
             TcpConnection client = TcpConnection.connect(group, server.localAddress(), Duration.ofSeconds(5));
             TcpConnection served = server.accept(Duration.ofSeconds(5))) {
            client.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
            java.nio.ByteBuffer got = java.nio.ByteBuffer.allocate(3);
            while (got.hasRemaining()) {
                assertTrue(served.read(got, Duration.ofSeconds(5)) > 0);
            }
            assertArrayEquals(new byte[] {1, 2, 3}, got.array());
        }
    }
}
