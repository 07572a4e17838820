package io.uring4j.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 9 items 7 and 8: a write has a deadline, a write given up leaves the output unusable as
 * NIO.2 does, and a peer that never reads cannot make a connection's queue grow without limit.
 * Each test has a group of its own, so native memory and fds can be counted around it.
 */
@Timeout(120)
class TcpWriteLimitsTest {

    private static int openFds() {
        return new java.io.File("/proc/self/fd").list().length;
    }

    @Test
    void aWriteToAPeerThatNeverReadsTimesOutAndLeavesTheOutputUnusable() throws Exception {
        int fds = openFds();
        long bytes = EventLoopGroup.nativeBytes();
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            try (TcpPeer p = TcpPeer.open(group, 16 * 1024)) {
                p.conn.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
                long start = System.nanoTime();
                assertThrows(InterruptedByTimeoutException.class,
                        () -> p.conn.write(ByteBuffer.allocate(8 << 20), Duration.ofMillis(200)));
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms >= 190 && ms < 1000, "the write gave up at its deadline: " + ms + " ms");
                IllegalStateException later = assertThrows(IllegalStateException.class,
                        () -> p.conn.write(ByteBuffer.allocate(10), Duration.ofSeconds(1)));
                assertTrue(later.getMessage().contains("writing is not allowed"), later.getMessage());
                ExecutionException async = assertThrows(ExecutionException.class,
                        () -> p.conn.writeAsync(ByteBuffer.allocate(10)).get(5, TimeUnit.SECONDS));
                assertInstanceOf(IllegalStateException.class, async.getCause());
                p.peer.getOutputStream().write(5);
                assertEquals(1, p.conn.read(ByteBuffer.allocate(4), Duration.ofSeconds(5)), "reading still works");
                long closeStart = System.nanoTime();
                p.conn.close();
                assertTrue((System.nanoTime() - closeStart) / 1_000_000 < 2000, "close does not wait for the cut stream");
                assertThrows(SocketException.class, () -> p.peer.getInputStream().transferTo(java.io.OutputStream.nullOutputStream()),
                        "the peer learns the stream was cut (reset), not a clean end");
            }
        }
        assertEquals(bytes, EventLoopGroup.nativeBytes(), "native memory back");
        assertEquals(fds, openFds(), "fds back");
    }

    @Test
    void theDefaultTimeoutAppliesToBlockingWritesAndACancelledWriteCutsTheOutputToo() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1); TcpPeer p = TcpPeer.open(group, 16 * 1024)) {
            assertThrows(IllegalArgumentException.class, () -> p.conn.timeout(Duration.ZERO));
            p.conn.timeout(Duration.ofMillis(100));
            assertEquals(Duration.ofMillis(100), p.conn.timeout());
            assertThrows(InterruptedByTimeoutException.class, () -> p.conn.write(ByteBuffer.allocate(16 << 20)));
        }
        try (EventLoopGroup group = EventLoopGroup.create(1); TcpPeer p = TcpPeer.open(group, 16 * 1024)) {
            CompletableFuture<Integer> big = p.conn.writeAsync(ByteBuffer.allocate(16 << 20));
            CompletableFuture<Integer> behind = p.conn.writeAsync(ByteBuffer.allocate(100));
            Thread.sleep(50);
            assertTrue(big.cancel(false));
            ExecutionException e = assertThrows(ExecutionException.class, () -> behind.get(5, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause(), "a write queued behind a cancelled one");
        }
        try (EventLoopGroup group = EventLoopGroup.create(1); TcpPeer p = TcpPeer.open(group, 16 * 1024)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    p.conn.write(ByteBuffer.allocate(16 << 20));
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            Thread.sleep(100);
            writer.interrupt();
            writer.join(5000);
            assertInstanceOf(InterruptedIOException.class, thrown.get(), "an interrupted write");
            assertThrows(IllegalStateException.class, () -> p.conn.write(ByteBuffer.allocate(1)));
        }
    }

    /**
     * 400 writes of 1 MiB to a peer that reads nothing: the queue's native memory stays near its
     * limit and the writes past it wait; once the peer reads, every byte arrives, in order.
     */
    @Test
    void writesPastTheQueueLimitWaitAndEverythingArrivesInOrderOnceThePeerReads() throws Exception {
        int count = 400, size = 1 << 20;
        byte[] pattern = new byte[size + count];
        new Random(4).nextBytes(pattern);
        try (EventLoopGroup group = EventLoopGroup.create(1); TcpPeer p = TcpPeer.open(group, 64 * 1024)) {
            p.conn.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            assertEquals(4 << 20, p.conn.sendQueueLimit(), "the default limit");
            long before = EventLoopGroup.nativeBytes();
            List<CompletableFuture<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < count; i++) fs.add(p.conn.writeAsync(ByteBuffer.wrap(pattern, i, size))); // write i: pattern[i, i + size)
            Thread.sleep(500);
            long grown = EventLoopGroup.nativeBytes() - before;
            long done = fs.stream().filter(CompletableFuture::isDone).count();
            assertTrue(grown <= 8L << 20, "native memory held for the queue: " + grown + " bytes");
            assertTrue(done < 10, "writes the kernel took while the peer reads nothing: " + done);
            assertTrue(fs.stream().noneMatch(CompletableFuture::isCompletedExceptionally), "waiting writes do not fail");
            InputStream in = p.peer.getInputStream();
            byte[] got = new byte[size];
            for (int i = 0; i < count; i++) {
                int n = in.readNBytes(got, 0, size);
                assertEquals(size, n);
                assertTrue(java.util.Arrays.equals(pattern, i, i + size, got, 0, size), "write " + i + " arrived whole and in order");
            }
            for (CompletableFuture<Integer> f : fs) assertEquals(size, f.get(10, TimeUnit.SECONDS));
        }
    }

    /** Push mode: an echo to a peer that sends but never reads stops receiving at the queue's limit. */
    @Test
    void anEchoReceiverStopsReadingAPeerThatDoesNotReadTheEcho() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1); TcpPeer p = TcpPeer.open(group, 64 * 1024)) {
            p.conn.sendQueueLimit(1 << 20);
            AtomicLong echoed = new AtomicLong();
            p.conn.receive(new TcpReceiver() {
                @Override
                public void onData(TcpConnection c, MemorySegment buffer, long offset, long length) {
                    echoed.addAndGet(length);
                    c.send(buffer, offset, length);
                }

                @Override
                public void onEnd(TcpConnection c, Exception error) {
                    c.closeAsync();
                }
            });
            long before = EventLoopGroup.nativeBytes();
            int total = 32 << 20;
            AtomicLong written = new AtomicLong();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    byte[] chunk = new byte[64 * 1024];
                    for (int at = 0; at < total; at += chunk.length) {
                        for (int i = 0; i < chunk.length; i++) chunk[i] = (byte) ((at + i) % 251);
                        p.peer.getOutputStream().write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    p.peer.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(1000);
            assertTrue(written.get() < total, "the peer's sending is held back: " + written.get());
            long grown = EventLoopGroup.nativeBytes() - before;
            assertTrue(grown <= 4L << 20, "native memory the echo holds: " + grown);
            InputStream in = p.peer.getInputStream();
            byte[] back = new byte[64 * 1024];
            long at = 0;
            for (int n; (n = in.read(back)) > 0; at += n) {
                for (int i = 0; i < n; i++) assertEquals((byte) ((at + i) % 251), back[i], "echo byte " + (at + i));
            }
            writer.join(10_000);
            assertEquals(total, at, "every byte echoed before the end");
        }
    }
}
