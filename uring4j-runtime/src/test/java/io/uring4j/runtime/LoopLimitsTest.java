package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 item 8: a loop's memory is bounded. The buffer pool keeps at most its idle limit of
 * released buffers and frees the rest (it used to keep its peak, 400 MiB after 400 × 1 MiB, until
 * the loop closed); the operation slot table admits at most its limit of requests, refusing the
 * rest with an exception naming the limit, and admits again once requests complete.
 */
@Timeout(60)
class LoopLimitsTest {
    private static final long MIB = 1 << 20;

    @Test
    void releasedBuffersBeyondTheIdleLimitAreFreed() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.builder().loops(1).idleBufferBytes(4 * MIB).build()) {
            EventLoop loop = group.next();
            long baseline = EventLoopGroup.nativeBytes();
            long[] seen = loop.<long[]>submit(f -> {
                BufferPool pool = loop.buffers();
                List<NativeBuffer> held = new ArrayList<>();
                for (int i = 0; i < 400; i++) held.add(pool.acquire(MIB));
                long peak = pool.bytes();
                for (NativeBuffer b : held) pool.release(b);
                f.complete(new long[] {peak, pool.bytes(), pool.idleBytes()});
            }).get(30, TimeUnit.SECONDS);
            assertEquals(400 * MIB, seen[0], "400 buffers in use at the peak");
            assertEquals(4 * MIB, seen[2], "the pool keeps its idle limit");
            assertEquals(4 * MIB, seen[1], "and frees the rest");
            assertEquals(baseline + 4 * MIB, EventLoopGroup.nativeBytes(), "the runtime's native bytes follow");
        }
    }

    @Test
    void theDefaultIdleLimitHoldsForA400MiBBurstOfSendsToASlowPeer() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1);
             TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
             Socket peer = new Socket()) {
            peer.connect(server.localAddress(), 5000);
            byte[] data = new byte[(int) MIB];
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            try (TcpConnection c = server.accept(Duration.ofSeconds(5))) {
                long baseline = EventLoopGroup.nativeBytes(); // with the receive ring the connection made
                for (int i = 0; i < 400; i++) writes.add(c.writeAsync(ByteBuffer.wrap(data))); // heap: copied into pooled buffers
                Thread.sleep(200);
                long peak = EventLoopGroup.nativeBytes() - baseline;
                InputStream in = peer.getInputStream();
                byte[] sink = new byte[1 << 16];
                long total = 0;
                while (total < 400 * MIB) {
                    int n = in.read(sink);
                    assertTrue(n > 0, "the peer reads all 400 MiB");
                    total += n;
                }
                for (CompletableFuture<Integer> w : writes) assertEquals((int) MIB, w.get(10, TimeUnit.SECONDS));
                // a send's buffer goes back to the pool just after its future completes: a task queued
                // now runs after that, so this is the state once every send has ended
                EventLoop loop = server.loop();
                long[] pool = loop.<long[]>submit(f -> f.complete(new long[] {loop.buffers().bytes(), loop.buffers().idleBytes()}))
                        .get(5, TimeUnit.SECONDS);
                long after = EventLoopGroup.nativeBytes() - baseline;
                System.out.printf("LoopLimitsTest: 400 x 1 MiB queued: %d MiB native at the peak, %d bytes more than before"
                        + " once sent (pool %d, idle %d)%n", peak / MIB, after, pool[0], pool[1]);
                assertEquals(pool[1], pool[0], "every pooled buffer is idle again");
                assertTrue(pool[1] <= BufferPool.DEFAULT_IDLE_LIMIT, "idle bytes within the limit: " + pool[1]);
                // (the slot table may have grown meanwhile: 256 bytes per request in flight at once)
                assertTrue(after <= BufferPool.DEFAULT_IDLE_LIMIT + MIB, "native bytes kept once the burst is over: "
                        + after / MIB + " MiB, idle limit " + BufferPool.DEFAULT_IDLE_LIMIT / MIB + " MiB");
            }
        }
    }

    @Test
    void requestsBeyondTheOperationLimitAreRefusedNamingItAndAdmittedAgainLater() throws Exception {
        int limit = 64;
        try (EventLoopGroup group = EventLoopGroup.builder().loops(1).maxOperations(limit).build();
             MessageSocket receiver = MessageSocket.udp(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             java.net.DatagramSocket sender = new java.net.DatagramSocket()) {
            AsyncFile file = AsyncFile.open(group, java.nio.file.Path.of("/dev/null"), java.nio.file.StandardOpenOption.WRITE);
            TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            MessageSocket other = MessageSocket.udp(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<CompletableFuture<MessageSocket.Received>> receives = new ArrayList<>();
            RejectedExecutionException refused = null;
            for (int i = 0; i < 2 * limit && refused == null; i++) {
                CompletableFuture<MessageSocket.Received> r = receiver.receiveAsync(ByteBuffer.allocate(8));
                try {
                    r.get(50, TimeUnit.MILLISECONDS);
                    fail("nothing was sent yet");
                } catch (java.util.concurrent.TimeoutException waiting) {
                    receives.add(r); // admitted: waits for a message, holding a slot
                } catch (ExecutionException e) {
                    refused = assertInstanceOf(RejectedExecutionException.class, e.getCause());
                }
            }
            assertNotNull(refused, "some receive was refused");
            assertTrue(refused.getMessage().contains("limit") && refused.getMessage().contains(String.valueOf(limit)),
                    refused.getMessage());
            assertTrue(receives.size() >= limit - 6 && receives.size() < limit, "admitted up to the limit: " + receives.size());
            // the blocking form throws it too, on the caller's stack
            RejectedExecutionException blocking = assertThrows(RejectedExecutionException.class,
                    () -> receiver.receive(ByteBuffer.allocate(8)));
            assertEquals(refused.getMessage(), blocking.getMessage());
            // closes are never refused: they free slots
            file.close();
            server.close();
            other.close();
            assertFalse(file.isOpen());
            // messages complete the waiting receives, which frees their slots
            for (int i = 0; i < receives.size(); i++) sender.send(new java.net.DatagramPacket(new byte[] {(byte) i}, 1, receiver.localAddress()));
            for (CompletableFuture<MessageSocket.Received> r : receives) assertEquals(1, r.get(5, TimeUnit.SECONDS).length());
            sender.send(new java.net.DatagramPacket(new byte[] {9, 9}, 2, receiver.localAddress()));
            assertEquals(2, receiver.receive(ByteBuffer.allocate(8), Duration.ofSeconds(5)).length(), "admitted again");
        }
    }

    @Test
    void theBuilderRefusesBadLimits() {
        var b = EventLoopGroup.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxOperations(3)).getMessage().contains("3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.idleBufferBytes(-1)).getMessage().contains("-1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.closeTimeout(Duration.ZERO)).getMessage().contains("PT0S"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.loops(0)).getMessage().contains("0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.ringEntries(4)).getMessage().contains("4"));
    }
}
