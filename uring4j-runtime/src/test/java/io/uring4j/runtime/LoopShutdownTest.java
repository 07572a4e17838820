package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Closing a group while servers and connections are still open ends their requests at once:
 * a multishot accept or receive ended by the loop's cancel must not be re-armed (it used to be,
 * and the close waited its full 30 s, then failed).
 */
@Timeout(30)
class LoopShutdownTest {
    private static final long PROMPT_MS = 5000;

    @Test
    void aGroupWithAnOpenServerClosesPromptly() throws Exception {
        EventLoopGroup group = EventLoopGroup.create(1);
        TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        CompletableFuture<TcpConnection> waiting = server.acceptAsync();
        long start = System.nanoTime();
        group.close();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < PROMPT_MS, "closing took " + ms + " ms");
        assertThrows(ExecutionException.class, () -> waiting.get(1, TimeUnit.SECONDS).close(), "a pending accept does not succeed");
    }

    @Test
    void aGroupWithOpenConnectionsAndPendingReadsClosesPromptly() throws Exception {
        try (EventLoopGroup serverGroup = EventLoopGroup.create(1);
             TcpServer server = TcpServer.bind(serverGroup, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8)) {
            EventLoopGroup group = EventLoopGroup.create(2);
            java.util.List<CompletableFuture<Integer>> pending = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                TcpConnection c = TcpConnection.connect(group, server.localAddress(), Duration.ofSeconds(5));
                pending.add(c.readAsync(ByteBuffer.allocate(16)));
                // nobody reads the other end: some of these sends are still in the kernel at close
                for (int j = 0; j < 4; j++) pending.add(c.writeAsync(ByteBuffer.allocate(4 << 20)));
            }
            Thread.sleep(100);
            long start = System.nanoTime();
            group.close();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < PROMPT_MS, "closing took " + ms + " ms");
            int failed = 0;
            for (CompletableFuture<Integer> f : pending) {
                assertTrue(f.isDone(), "every read and write has ended when the group is closed: " + f);
                if (f.isCompletedExceptionally()) failed++;
            }
            assertTrue(failed >= 4, "at least the reads fail: " + failed);
        }
    }
}
