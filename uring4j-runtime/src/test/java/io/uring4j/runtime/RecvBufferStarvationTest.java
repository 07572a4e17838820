package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A loop whose receive buffers ran out queues the connections that found none (starved) and
 * re-arms them as buffers come back. A re-armed connection with nothing to receive takes no
 * buffer: the free buffer must then go on to the next starved connection at once, not after
 * some unrelated completion wakes the loop (soak: runtime clients whose echo sat in the kernel
 * for 10 s until their read timed out).
 */
@Timeout(120)
class RecvBufferStarvationTest {
    private static final int HOGS = RecvBuffers.COUNT / 4; // 16 KiB each: every buffer of the ring held
    private static final int IDLE = 40;

    @Test
    void aFreedBufferReachesAStarvedConnectionBehindIdleOnes() throws Exception {
        starveThenFreeOneBuffer((loop, starved) -> { });
    }

    /**
     * The loop's periodic check (twice a second) re-arms a connection that waits for bytes and
     * is neither armed nor in the starved list while buffers are free: the state the soak's stall
     * looked like from outside.
     */
    @Test
    void aStarvedConnectionLostFromTheListIsFoundByTheLoopsCheck() throws Exception {
        starveThenFreeOneBuffer((loop, starved) -> {
            awaitValue("the starved connection queued", () -> onLoop(loop, () -> loop.recvBuffers().starvedCount()), IDLE + 2);
            // Lose it from the starved list, as the soak's stall looked: only the loop's check can find it now.
            assertEquals(IDLE, onLoop(loop, () -> {
                for (int i = 0; i < 4; i++) loop.recvBuffers().forget(starved.state); // every entry it has
                return loop.recvBuffers().starvedCount();
            }), "the starved connection is out of the list");
        });
    }

    /** What a test does to the starved connection (its read waiting) before a buffer comes back. */
    private interface Before {
        void accept(EventLoop loop, TcpConnection starved) throws Exception;
    }

    /**
     * {@link #HOGS} connections hold every buffer, {@link #IDLE} idle ones and then one with 3
     * bytes starve; {@code before} runs; one buffer comes back: the 3 bytes must arrive.
     */
    private static void starveThenFreeOneBuffer(Before before) throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1);
             TcpServer server = TcpServer.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096)) {
            EventLoop loop = group.next();
            List<TcpConnection> conns = new ArrayList<>();
            List<Socket> peers = new ArrayList<>();
            try {
                byte[] chunk = new byte[16 * 1024];
                for (int i = 0; i < HOGS; i++) {
                    Socket peer = connect(server, conns);
                    peers.add(peer);
                    OutputStream out = peer.getOutputStream();
                    out.write(chunk);
                    out.flush();
                }
                awaitValue("free receive buffers", () -> onLoop(loop, () -> loop.recvBuffers().available()), 0);
                int starvedHogs = onLoop(loop, () -> loop.recvBuffers().starvedCount());
                assumeTrue(starvedHogs == 0, "the hogs' bytes did not fill whole buffers (" + starvedHogs + " starved with data)");

                for (int i = 0; i < IDLE; i++) {
                    peers.add(connect(server, conns));
                }
                awaitValue("starved idle connections", () -> onLoop(loop, () -> loop.recvBuffers().starvedCount()), IDLE);

                Socket starvedPeer = connect(server, conns);
                peers.add(starvedPeer);
                TcpConnection starved = conns.getLast();
                starvedPeer.getOutputStream().write(new byte[] {1, 2, 3});
                CompletableFuture<Integer> read = starved.readAsync(ByteBuffer.allocate(64));
                before.accept(loop, starved);

                // One buffer comes back: the idle connections re-armed take none of it.
                assertEquals(4096, conns.get(0).read(ByteBuffer.allocate(4096), Duration.ofSeconds(5)));
                assertEquals(3, read.get(10, TimeUnit.SECONDS), "the starved connection's 3 bytes");
            } finally {
                for (Socket p : peers) p.close();
                for (TcpConnection c : conns) c.abort();
            }
        }
    }

    /** A JDK peer connected to {@code server}; the accepted connection (receiving at once) goes to {@code conns}. */
    private static Socket connect(TcpServer server, List<TcpConnection> conns) throws IOException {
        Socket peer = new Socket();
        try {
            peer.connect(server.localAddress(), 5000);
            peer.setTcpNoDelay(true);
            conns.add(server.accept(Duration.ofSeconds(5)));
            return peer;
        } catch (IOException | RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    private static int onLoop(EventLoop loop, IntSupplier query) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(query.getAsInt()));
        return f.get(5, TimeUnit.SECONDS);
    }

    private interface Probe {
        int get() throws Exception;
    }

    private static void awaitValue(String what, Probe probe, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int last;
        while ((last = probe.get()) != expected) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + ": expected " + expected + ", still " + last);
            Thread.sleep(20);
        }
    }
}
